"""The Congress's votes: the class's ballots, weighted by the factions of 1917."""

from __future__ import annotations

from winterpalace.classroom.names import name_key
from winterpalace.classroom.room import Room, RoomError
from winterpalace.engine import rules as eng
from winterpalace.engine import votes as vt
from winterpalace.session import Notice, Screen

from .conftest import MARTOV_INDEX


def _narrations(room: Room, key: str) -> list[str]:
    return [n.event + ": " + n.text for k, o in room.outbox if k == name_key(key) and isinstance(o, Screen)
            and o.turn is not None for n in o.turn.narrations]


def _notices(room: Room, key: str) -> list[str]:
    return [o.text for k, o in room.outbox if k == name_key(key) and isinstance(o, Notice)]


def test_the_class_votes_down_martov_and_every_role_lives_with_it(world, at_martov):
    room = at_martov({"Anna": "Bolshevik", "Boris": "Left SR"})
    assert room.ws.flags["martov_motion"] == "not_yet"
    room.outbox.clear()
    assert room.choose("Anna", MARTOV_INDEX["against"]).refused is None
    assert "martov" not in room.votes.counted          # Boris has not voted yet
    assert room.choose("Boris", MARTOV_INDEX["against"]).refused is None
    # Everyone still in the night has voted: counted at once, from their ballots.
    t = room.votes.counted["martov"]
    assert room.ws.flags["martov_motion"] == "defeated"
    assert t.seats_of("against") == 300 + 98                 # both factions, whole seats
    assert t.seats_of("for") == 670 - 398                    # the rest as in 1917 (unanimous)
    assert {b.name: b.option for b in t.ballots} == {"Anna": "against", "Boris": "against"}
    assert any("Anna against" in n and "Boris against" in n for n in _notices(room, "anna"))
    # The delegates see it where they stand ...
    assert "voted down" in room.view("Anna").text
    # ... and when the clock moves on, the news reaches every role, worded for each.
    room.outbox.clear()
    assert room.advance(world.clock.parse_time("23:40")).ok
    assert any("class_martov_news" in n and "last working line" in n
               for n in _narrations(room, "olga"))
    assert any("class_martov_news" in n and "No talks" in n for n in _narrations(room, "misha"))
    assert any("class_martov_news" in n for n in _narrations(room, "boris"))
    # The single-player event that would have passed it never fired.
    assert "martov_motion" not in room.ws.fired_ids()


def test_a_class_that_votes_as_in_1917_hears_no_news(world, at_martov):
    room = at_martov({"Anna": "Bolshevik"})
    room.choose("Anna", MARTOV_INDEX["for"])
    assert room.ws.flags["martov_motion"] == "passed"
    room.outbox.clear()
    room.advance(world.clock.parse_time("23:40"))
    assert not any("class_martov_news" in n for k in ("misha", "olga", "anna")
                   for n in _narrations(room, k))


def test_the_clock_holds_for_the_vote_and_the_teacher_can_close_it(world, at_martov):
    room = at_martov({"Anna": "Bolshevik", "Boris": "Left SR"})
    room.choose("Anna", MARTOV_INDEX["against"])
    assert room.limit == world.clock.parse_time("23:25")
    turn = room.choose("Anna", 0)                 # 20 minutes of denunciations: past the hold
    assert turn.refused and "Waiting for the clock" in turn.refused
    assert room.close_vote("martov").ok
    t = room.votes.counted["martov"]
    # Boris never voted: the Left SRs' seats vote as in 1917, so the motion passes.
    assert t.seats_of("against") == 300 and t.seats_of("for") == 370
    assert room.ws.flags["martov_motion"] == "passed"
    assert room.limit == world.clock.parse_time("23:30")    # the usual window again
    room.advance(world.clock.parse_time("23:20"))
    assert room.choose("Anna", 0).refused is None
    assert not room.close_vote("martov").ok       # counted already
    assert not room.close_vote("nonsense").ok


def test_moving_the_clock_past_the_hold_counts_the_vote(world, at_martov):
    room = at_martov({"Anna": "Menshevik"})
    room.log.clear()
    assert room.advance(world.clock.parse_time("23:45")).ok
    t = room.votes.counted["martov"]
    assert not t.ballots and t.value == "passed"   # nobody voted: 1917's unanimous vote
    # Counted as at its hold (not the time the clock moved from), and the teacher is told
    # who had not voted and how to wait for them next time.
    assert t.at == world.clock.parse_time("23:25")
    [alert] = [ln.text for ln in room.log if ln.kind == "alert"]
    assert "Vote martov was counted at 23:25 as the clock passed it: 1 delegate of the " \
        "class had not voted" in alert and "`advance` to a little before 23:25" in alert


def test_a_vote_everyone_has_cast_is_counted_without_an_alert(world, at_martov):
    room = at_martov({"Anna": "Menshevik"})
    room.choose("Anna", MARTOV_INDEX["for"])
    room.log.clear()
    assert room.advance(world.clock.parse_time("23:45")).ok
    assert not [ln for ln in room.log if ln.kind == "alert"]


def test_seats_are_shared_among_a_factions_students(world, at_martov):
    room = at_martov({"Anna": "Bolshevik", "Ivan": "Bolshevik", "Boris": "Left SR"})
    room.choose("Anna", MARTOV_INDEX["against"])
    room.choose("Ivan", MARTOV_INDEX["for"])
    room.choose("Boris", MARTOV_INDEX["against"])
    t = room.votes.counted["martov"]
    assert t.seats_of("against") == 150 + 98
    assert t.seats_of("for") == 150 + (670 - 300 - 98)
    assert t.value == "passed"


def test_secret_ballots_name_nobody(world, at_martov):
    room = at_martov({"Anna": "Bolshevik", "Boris": "Left SR"}, ballot="secret")
    room.outbox.clear()
    room.choose("Anna", MARTOV_INDEX["against"])
    room.choose("Boris", MARTOV_INDEX["for"])
    notes = " ".join(_notices(room, "anna") + _notices(room, "boris"))
    assert "The Congress has voted" in notes
    assert "Anna against" not in notes and "Boris for" not in notes
    assert all("secret" in ln.text for ln in room.log if ln.text.startswith("ballot"))


def test_the_journal_replays_the_votes(world, at_martov):
    room = at_martov({"Anna": "Bolshevik", "Boris": "Left SR"})
    room.choose("Anna", MARTOV_INDEX["against"])
    room.choose("Boris", MARTOV_INDEX["against"])
    room.advance(world.clock.parse_time("23:40"))
    again = Room.replay(world, [room.opening_record(), *room.records])
    assert isinstance(again, Room)
    assert again.snapshot() == room.snapshot()
    assert again.ws.flags["martov_motion"] == "defeated"


def test_a_vote_no_student_cast_goes_as_in_1917(world):
    room = Room(world, "plain-10")
    room.join("Anna", "delegate", 7, "Bolshevik")
    room.start()
    room.advance(world.clock.parse_time("23:30"))
    assert room.ws.flags["martov_motion"] == "passed"
    assert room.votes.counted["martov"].ballots == ()


def test_the_ballot_is_open_or_secret(world):
    import pytest
    with pytest.raises(RoomError, match="open.*secret"):
        Room(world, "x-12", ballot="shouted")
    assert Room(world, "x-13", ballot="secret").opening_record()["ballot"] == "secret"


def test_single_player_follows_history_with_the_players_ballot(world):
    v = world.lesson.votes["martov"]
    t = vt.single_player(world, v, "against", "Bolshevik")
    assert t.seats_of("against") == 1 and t.seats_of("for") == 669
    assert t.value == "passed" == vt.historical(world, v).value
    m = world.lesson.votes["manifesto"]
    h = vt.historical(world, m)
    assert h.value == "passed" and h.seats_of("abstain") == 14
    assert h.seats.get(vt.ABSENT, 0) > 0                       # the walkout's seats are gone
    w = world.lesson.votes["walkout"]
    assert vt.historical(world, w).value is True
    # One delegate in a one-player night cannot stop it.
    assert vt.single_player(world, m, "against", "Left SR").value == "passed"


def test_the_walkout_is_a_vote_too(world, at_martov):
    room = at_martov({"Anna": "Menshevik", "Boris": "Right SR"})
    for name in ("Anna", "Boris"):
        room.choose(name, MARTOV_INDEX["for"])
    T = world.clock.parse_time
    for name in ("Anna", "Boris"):
        for _ in range(8):
            v = room.view(name)
            if v.scene == "delegate_erlich":
                break
            idx = next(c.index for c in v.choices if c.enabled)
            if room.choose(name, idx).refused:
                room.advance(min(room.limit + 15, T("00:25")))
        assert room.view(name).scene == "delegate_erlich", room.view(name).scene
    room.choose("Anna", 1)      # stay
    room.choose("Boris", 1)     # stay
    t = room.votes.counted["walkout"]
    # Nobody from the class left; the Bund's seats still split as in 1917.
    assert t.seats_of("leave") == round(95 * 0.5)
    assert room.ws.flags["walkout"] is True
    assert room.ws.flags["walkout_seats"] == t.seats_of("leave")
    assert eng.view(world, room.ws, room.player("anna").ps).scene == "delegate_half_empty"
