"""The rules of a night: gates, time, events, schedules, endings, determinism, shared worlds."""

from __future__ import annotations

import json

from winterpalace.engine import advance, advance_world, choose, new_world, start, view, wait
from winterpalace.engine.model import World
from winterpalace.engine.state import Game, PlayerState, WorldState
from winterpalace.scenario import load_scenario


def labels(world: World, ws: WorldState, ps: PlayerState) -> dict[str, tuple[bool, str | None]]:
    return {c.label: (c.enabled, c.reason) for c in view(world, ws, ps).choices}


def pick(world: World, ws: WorldState, ps: PlayerState, label: str):
    v = view(world, ws, ps)
    [c] = [c for c in v.choices if c.label == label]
    return choose(world, ws, ps, c.index)


def test_start_shows_scene_clock_and_text(example: World) -> None:
    ws, ps, turn = start(example, "officer", seed=1)
    v = view(example, ws, ps)
    assert (v.title, v.place_name, v.area_name, v.detail) == \
        ("The guardroom", "The guardroom", "Winter Palace", "ground floor")
    assert v.clock.line() == "18:00 · Wed 25 Oct 1917 (O.S.) / 7 Nov (N.S.)"
    assert v.text == "Cadets sit on their packs along the wall. Your resolve is 2."
    assert v.wait == 30
    assert ps.notes == ("ultimatum",)  # on_enter: learn(ultimatum)


def test_time_gate_shows_author_reason_then_opens(example: World) -> None:
    ws, ps, _ = start(example, "officer", seed=1)
    assert labels(example, ws, ps)["Walk out of the palace"] == (
        False, "The square is still quiet; deserting now would be seen by everyone.")
    ws2, ps2, turn = pick(example, ws, ps, "Walk out of the palace")
    assert turn.refused and ps2 is ps  # refused: nothing changed
    ws, ps, _ = wait(example, ws, ps, 120)
    assert labels(example, ws, ps)["Walk out of the palace"] == (True, None)


def test_state_gate_hidden_and_shown(example: World) -> None:
    # The sailor's "Fire at the windows" needs resolve > 2 and is hidden otherwise.
    ws, ps, _ = start(example, "sailor", seed=1)
    assert "Fire at the windows" in labels(example, ws, ps)
    low = ps.with_(vars={**ps.vars, "resolve": 1})
    assert "Fire at the windows" not in labels(example, ws, low)
    # The officer's report: window and condition, shown greyed with the author's reason.
    ws, ps, _ = start(example, "officer", seed=1)
    ws, ps, _ = pick(example, ws, ps, "Go up to the Malachite Room")
    assert labels(example, ws, ps)["Report to Konovalov"] == (
        False, "The ministers are busy; come back after ten.")


def test_once_only_choice_and_items(example: World) -> None:
    ws, ps, _ = start(example, "officer", seed=1)
    ws, ps, turn = pick(example, ws, ps, "Take a revolver from the rack")
    assert turn.result == "You check the chambers. Six rounds."
    assert ps.items == ("revolver",) and ps.time == 18 * 60 + 2
    # Taken while here: it keeps its number, shown done, and cannot be taken again.
    [done] = [c for c in view(example, ws, ps).choices if c.label.startswith("Take a revolver")]
    assert (done.number, done.done, done.enabled) == (1, True, False)
    assert choose(example, ws, ps, done.index)[2].refused
    assert view(example, ws, ps).text.endswith("The revolver is heavy on your belt.")
    # Gone once the player has left and come back.
    ws, ps, _ = pick(example, ws, ps, "Go up to the Malachite Room")
    ws, ps, _ = pick(example, ws, ps, "Go back down to the guardroom")
    assert "Take a revolver from the rack" not in labels(example, ws, ps)


def test_choice_crossing_an_event_fires_it(example: World) -> None:
    ws, ps, _ = start(example, "officer", seed=1)
    ws, ps, _ = advance(example, ws, ps, 21 * 60 + 30)
    assert not ws.flags["aurora_fired"]
    ws, ps, turn = pick(example, ws, ps, "Go up to the Malachite Room")   # 10 min: to 21:40
    assert [n.event for n in turn.narrations] == ["aurora"]
    assert turn.narrations[0].text.startswith("A single great boom")   # worded for the palace
    assert ws.flags["aurora_fired"] and ws.fired == (("aurora", 21 * 60 + 40),)
    assert ps.scene == "malachite"


def test_interrupting_event_moves_the_player(example: World) -> None:
    ws, ps, _ = start(example, "officer", seed=1)
    ws, ps, _ = pick(example, ws, ps, "Go up to the Malachite Room")
    ws, ps, _ = pick(example, ws, ps, "Go back down to the guardroom")
    stops = []
    while True:
        ws, ps, turn = wait(example, ws, ps, 8 * 60)    # would run to 02:22; moments stop it
        assert turn.stopped is not None
        stops.append((turn.stopped.hhmm, turn.stopped.kind))
        if turn.moved_by:
            break
    assert stops == [("20:00", "opens"), ("21:40", "event"), ("02:00", "moved")]
    assert turn.moved_by == "breach"
    assert ps.scene == "arrest" and ps.ending == "arrest"
    assert example.clock.hhmm(ps.time) == "02:00"
    v = view(example, ws, ps)
    assert v.ending is not None and v.ending.title == "Taken at the table"
    assert v.ending.historical and "02:10" in v.ending.note
    assert [t for t, _, _ in v.ending.summary.trail] == ["18:00", "18:10", "18:20", "02:00"]


def test_character_schedule(example: World) -> None:
    ws, ps, _ = start(example, "officer", seed=1)
    ws, ps, _ = pick(example, ws, ps, "Go up to the Malachite Room")
    assert view(example, ws, ps).present == ("Alexander Konovalov",)
    ws, ps, _ = wait(example, ws, ps, 1)  # no waiting in the Malachite Room
    assert view(example, ws, ps).present == ("Alexander Konovalov",)
    later = ps.with_(time=example.clock.resolve(2 * 60 + 20))
    v = view(example, ws, later)
    assert v.present == () and v.text == "The room is empty. Papers lie on the table."


def test_effects_and_report_window(example: World) -> None:
    ws, ps, _ = start(example, "officer", seed=1)
    ws, ps, _ = advance(example, ws, ps, 22 * 60)
    ws, ps, turn = pick(example, ws, ps, "Go up to the Malachite Room")
    ws, ps, turn = pick(example, ws, ps, "Report to Konovalov")
    assert ps.vars["reported"] is True and ps.vars["resolve"] == 3
    # Reported already: the condition is false, and `otherwise` shows it greyed, not hidden.
    assert labels(example, ws, ps)["Report to Konovalov"] == (
        False, "The ministers are busy; come back after ten.")


def test_clock_end_takes_player_to_time_out(example: World) -> None:
    ws, ps, _ = start(example, "sailor", seed=1)
    ws, ps, turn = advance(example, ws, ps, example.clock.end)
    # The breach at 02:00 carries the sailor inside before the clock runs out.
    assert turn.moved_by == "breach" and ps.scene == "inside"
    ws, ps, _ = pick(example, ws, ps, "Go up to the ministers")
    assert ps.ending == "taken"


def test_time_out_ending(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": """\
        scenes:
          a:
            title: A
            place: p
            text: Here.
            wait: 1h
          out:
            title: Out
            place: p
            text: Gone.
            ending: { title: Time is up, epilogue: The clock ran out. }
        """})
    world = load_scenario(root)
    ws, ps, _ = start(world, "r")
    for _ in range(20):
        ws, ps, turn = wait(world, ws, ps)
    assert ps.ending == "out" and ps.time == world.clock.end
    assert wait(world, ws, ps)[2].refused


def test_same_seed_same_night(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": """\
        variables: { roll: 0 }
        scenes:
          a:
            title: A
            place: p
            text: "Rolled {roll}."
            choices:
              - { label: Roll, do: ["roll = random(1, 1000)"], takes: 1m }
              - { label: Leave, go: out }
          out:
            title: Out
            place: p
            text: Gone.
            ending: { title: Gone, epilogue: Bye. }
        """})
    world = load_scenario(root)

    def play(seed: int) -> list[int]:
        ws, ps, _ = start(world, "r", seed=seed)
        rolls = []
        for _ in range(5):
            ws, ps, _ = choose(world, ws, ps, 0)
            rolls.append(ps.vars["roll"])
        return rolls

    assert play(7) == play(7)
    assert play(7) != play(8)


def test_states_are_never_changed_and_serialize(example: World) -> None:
    ws, ps, _ = start(example, "officer", seed=3)
    before = json.dumps(Game(ws, ps).to_dict(), sort_keys=True)
    ws2, ps2, _ = pick(example, ws, ps, "Take a revolver from the rack")
    ws2, ps2, _ = wait(example, ws2, ps2, 300)
    assert json.dumps(Game(ws, ps).to_dict(), sort_keys=True) == before
    data = json.loads(json.dumps(Game(ws2, ps2).to_dict()))
    again = Game.from_dict(data)
    assert again == Game(ws2, ps2)
    assert view(example, again.world, again.player) == view(example, ws2, ps2)


def test_shared_world_two_players(example: World) -> None:
    """One world, two players: world effects happen once; each player hears events in turn."""
    ws = new_world(example)
    ws, officer, _ = start(example, "officer", seed=1, player_id="anna", shared=ws)
    ws, sailor, _ = start(example, "sailor", seed=2, player_id="boris", shared=ws)
    ws, officer, t1 = advance(example, ws, officer, 22 * 60)   # crosses 21:40
    assert [n.event for n in t1.narrations] == ["aurora"] and ws.flags["aurora_fired"]
    assert ws.fired == (("aurora", 21 * 60 + 40),)
    ws, sailor, t2 = advance(example, ws, sailor, 22 * 60)     # 20:00 -> 22:00
    assert [n.text for n in t2.narrations] == [
        "A flash on the river, then a boom. The cruiser has fired."]  # worded for the square
    assert ws.fired == (("aurora", 21 * 60 + 40),)               # fired once only


def test_shared_clock_limit_and_advance(example: World) -> None:
    ws = new_world(example)
    ws, ps, _ = start(example, "officer", seed=1, shared=ws)
    limit = example.clock.resolve(18 * 60 + 5)
    ws2, ps2, turn = choose(example, ws, ps, 1, limit=limit)  # 10 minutes: passes the limit
    assert turn.blocked_until == 18 * 60 + 10 and ps2 is ps
    ws = advance_world(example, ws, example.clock.resolve(22 * 60))
    assert ws.flags["aurora_fired"]
    ws, ps, turn = advance(example, ws, ps, example.clock.resolve(22 * 60))
    assert ps.time == 22 * 60 and [n.event for n in turn.narrations] == ["aurora"]


def test_role_starting_late_lives_in_a_world_that_went_on(write_scenario) -> None:
    world_yaml = """\
        scenario: late
        title: Late
        clock: { start: 1917-10-25 06:00, end: 1917-10-26 06:00 }
        world_flags: { bank: false }
        roles:
          r: { name: R, intro: Hi., start: a, at: "18:00", time_out: out }
        places: { p: { name: P } }
        events:
          bank: { title: Bank, at: "06:00", do: [bank = true], narrate: [{ text: Bank taken. }] }
          evening: { title: Evening, at: "18:00", narrate: [{ text: Evening falls. }] }
        """
    root = write_scenario(world_yaml)
    world = load_scenario(root)
    ws, ps, turn = start(world, "r")
    assert ws.flags["bank"] is True                     # happened before the role began
    assert [n.text for n in turn.narrations] == ["Evening falls."]   # at the start: heard


def test_redirect_on_entry(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": """\
        world_flags: { fallen: false }
        scenes:
          a:
            title: A
            place: p
            text: Here.
            choices:
              - { label: Fall, do: [fallen = true], go: b }
          b:
            title: B
            place: p
            text: B.
            redirect: [{ if: fallen, go: out }]
            wait: 5m
          out:
            title: Out
            place: p
            text: Gone.
            ending: { title: Gone, epilogue: Bye. }
        """})
    world = load_scenario(root)
    ws, ps, _ = start(world, "r")
    ws, ps, _ = choose(world, ws, ps, 0)
    assert ps.scene == "out" and ps.visits == {"a": 1, "b": 1, "out": 1}


def test_wait_true_false_and_duration(write_scenario) -> None:
    root = write_scenario(**{"s.yaml": """\
        scenes:
          a:
            title: A
            place: p
            text: Here.
            wait: true
            choices: [{ label: On, go: b }]
          b:
            title: B
            place: p
            text: B.
            wait: false
            choices: [{ label: On, go: c }]
          c:
            title: C
            place: p
            text: C.
            wait: 1h30m
            choices: [{ label: On, go: out }]
          out:
            title: Out
            place: p
            text: Gone.
            ending: { title: Gone, epilogue: Bye. }
        """})
    world = load_scenario(root)
    assert [world.scenes[s].wait for s in "abc"] == [5, None, 90]
