"""The command language: what each command answers, and the extension point for subclasses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from winterpalace.commands import Command
from winterpalace.session import Info, Notice, QuitRequest, Screen, Session


def _texts(outputs) -> str:
    parts = []
    for o in outputs:
        if isinstance(o, Info):
            parts += [o.title, *o.lines]
        elif isinstance(o, Notice):
            parts += [o.text, *o.hints]
    return "\n".join(parts)


def test_inventory_notes_map_glossary_history(world, store):
    s, _ = Session.new(world, "officer", seed=1)
    s.store = store
    assert "You carry nothing" in _texts(s.handle("inventory"))
    s.handle("1")
    assert "A service revolver. Six rounds, none fired yet." in _texts(s.handle("items"))
    assert "demanded the palace's surrender" in _texts(s.handle("notes"))
    m = _texts(s.handle("map"))
    assert "The guardroom (ground floor): you are here" in m
    assert "The Malachite Room (first floor): a choice here leads there" in m
    assert "The embankment" not in m          # an ending's place: not a place to go
    s.handle("2")
    m = _texts(s.handle("map"))
    assert "The Malachite Room (first floor): you are here" in m
    assert "The guardroom (ground floor): first reached at 18:00" in m
    assert "The embankment" not in m          # an ending's place, not yet seen
    assert "MRC" in _texts(s.handle("glossary"))
    assert "The Military Revolutionary Committee" in _texts(s.handle("glossary mrc"))
    assert "not in the glossary" in _texts(s.handle("glossary tsar"))
    h = _texts(s.handle("history"))
    assert "18:00  The guardroom: Take a revolver from the rack" in h
    assert "18:02  The guardroom: Go up to the Malachite Room" in h


def test_undo_several_levels_and_the_limit(world):
    s, _ = Session.new(world, "officer", seed=1)
    start = s.game
    for line in ("1", "2", "2"):
        s.handle(line)
    assert len(s.undo_stack) == 3
    s.handle("undo")
    assert s.game.player.scene == "malachite"
    s.handle("undo 5")
    assert s.game == start
    assert "nothing to undo" in _texts(s.handle("undo"))


def test_subclass_adds_and_removes_commands_everywhere(world):
    class Shared(Session):
        def cmd_say(self, rest):
            return [Notice(f"You say: {rest}")]

        def cmd_time(self, rest):
            return [Notice("Time for the room.")]

        COMMANDS = Session.COMMANDS.minus("undo").rerouted("time", cmd_time).plus(
            Command("say TEXT", "speak to the room", cmd_say))

    s, _ = Shared.new(world, "officer", seed=1)
    assert isinstance(s, Shared)
    assert _texts(s.handle("say Hold the line")) == "You say: Hold the line"
    helptext = _texts(s.handle("help"))
    assert "say TEXT" in helptext and "undo" not in helptext
    assert "undo" not in _texts(s.handle("gibberish"))
    assert "say" in s.command_words()
    s.handle("1")
    assert "I don't understand `undo`" in _texts(s.handle("undo"))
    assert "u" not in s.COMMANDS           # its alias went with it
    assert _texts(s.handle("t")) == "Time for the room."      # rerouted, alias and all
    assert list(Shared.COMMANDS.help())[:4] == list(Session.COMMANDS.help())[:4]  # same place
    assert "undo [N]" in Session.COMMANDS.help()    # the player's own table is untouched


def test_a_misspelt_command_is_named_and_nothing_happens(world):
    s, _ = Session.new(world, "officer", seed=1)
    before = s.game
    assert "I don't understand `hlep`: did you mean `help`?" in _texts(s.handle("hlep"))
    assert "did you mean `inventory`?" in _texts(s.handle("inventroy"))
    plain = _texts(s.handle("xyzzy"))
    assert "I don't understand `xyzzy`." in plain and "did you mean" not in plain
    assert s.game == before


def test_a_command_table_names_the_closest_word() -> None:
    from winterpalace.commands import CommandTable
    table = CommandTable([Command("wait [MINUTES]", "let time pass", print, aliases=("z",)),
                          Command("look", "look again", print)])
    assert table.closest("wiat") == "wait" and table.closest("LOOOK") == "look"
    assert table.closest("zz") is None and table.closest("xyzzy") is None


def test_apply_choice_override_is_used(world):
    calls = []

    class Counting(Session):
        def apply_choice(self, index):
            calls.append(index)
            return super().apply_choice(index)

    s, _ = Counting.new(world, "officer", seed=1)
    s.handle("take")
    assert calls == [0]


def test_no_store_means_polite_refusal(world):
    s, _ = Session.new(world, "officer", seed=1)
    assert "not available" in _texts(s.handle("save x"))
    assert "not available" in _texts(s.handle("load x"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=80) | st.sampled_from(
    ["1", "2", "3", "w", "wait 30", "undo", "undo 3", "look", "map", "glossary o", "history",
     "save a", "load a", "saves", "inventory", "notes", "time", "help", "10.", "take"]),
    max_size=25))
def test_any_input_gives_outputs_and_never_raises(world, tmp_path_factory, lines):
    from winterpalace.saves import SaveStore
    s, _ = Session.new(world, "officer", seed=3)
    s.store = SaveStore(world, tmp_path_factory.mktemp("fuzz"))
    for line in lines:
        out = s.handle(line)
        assert out and all(isinstance(o, (Screen, Info, Notice, QuitRequest)) for o in out)
