"""One player's game as a front end drives it: a line of input in, typed outputs out.

The session knows the commands (choose by number or by a few letters of the label, `wait`,
`look`, `help`, ...) and keeps the undo stack. It does no I/O itself: the plain front end, the
rich terminal and each classroom connection render its outputs their own way. Saving goes
through an optional `SaveStore`; without one, `save`/`load` say so politely.

Extending it (the classroom's shared nights do this)::

    class SharedSession(Session):
        def apply_choice(self, index):      # act on the room's shared world instead
            ...
        def apply_wait(self, minutes):
            ...
        def cmd_say(self, rest):            # the rest of the line -> list[Output]
            ...
        COMMANDS = Session.COMMANDS.minus("undo", "save", "load").plus(   # no undo here
            Command("say TEXT", "speak to the room", cmd_say, aliases=("'",)))

`COMMANDS` is one `CommandTable` for the class, its handlers called as `handler(session,
rest)`; a subclass that overrides a `cmd_...` puts it in its table with
`.rerouted("time", cmd_time)`. `help`, the hints after a typo, the terminal's completion and
`command_takes` all follow the table, so an added command shows up everywhere (its usage,
`say TEXT`, says it takes words after it) and a removed one disappears (its aliases too).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from . import engine
from .commands import Command, CommandTable
from .engine import (
    ChoiceView,
    Game,
    Stop,
    Turn,
    View,
    World,
    format_duration,
    parse_duration,
    time_shaped,
    told_turn,
    told_view,
    until_time,
)
from .sanitise import printable
from .saves import UNDO_DEPTH, SaveError, SaveInfo, SaveStore, check_slot, new_night

MAX_INPUT = 500  # longer lines are cut: nobody types a 10,000-character command on purpose


@dataclass(frozen=True, slots=True)
class Screen:
    """Show the player where they are; `turn` is what just happened, if anything."""

    view: View
    turn: Turn | None = None
    full: bool = True          # False: only the turn's news and the choices (after `look` etc.)


@dataclass(frozen=True, slots=True)
class Info:
    """An answer to a command: a heading and lines of text (a tab in a line parts two
    columns, as in `help`: the screens line the second column up)."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    """A short message: a refused action, a typo, a confirmation."""

    text: str
    kind: str = "info"         # info, warning, error
    hints: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuitRequest:
    """The player asked to leave."""


Output = Screen | Info | Notice | QuitRequest

# A command: (the session it runs on, the rest of the line) -> outputs. The session is the
# class the table belongs to (a subclass's own handlers take the subclass), hence Any.
Handler = Callable[[Any, str], list["Output"]]


@dataclass
class Session:
    """A single player's game with its command language and undo history."""

    world: World
    game: Game
    undo_stack: list[Game] = field(default_factory=list)
    max_undo: int = UNDO_DEPTH    # the same depth in play and in saves
    on_turn: Callable[[Session], None] | None = None  # called after every change of state
    store: SaveStore | None = None                      # where `save`/`load` and autosaves go
    autosave_enabled: bool = True
    gentle: bool = False          # content mode: the authors' `told:` texts, violence not shown
    night: str = ""               # this night's id, carried by its saves
    autosave_slot: str | None = None   # where this night is autosaved (None: `autosave-<role>`)
    verbose: bool = False         # False: a place come back to is described in short
    _pending: Callable[[], list[Output]] | None = field(default=None, repr=False)
    _last_note: str = field(default="", repr=False)
    _ambiguous: str = field(default="", repr=False)     # a line that was both; typed again
    _told_brief: bool = field(default=False, repr=False)
    new_ending: bool = False      # the ending just reached had not been found in any game

    @classmethod
    def new(cls, world: World, role: str, seed: int = 0) -> tuple[Session, Turn]:
        game, turn = engine.new_game(world, role, seed)
        return cls(world, game), turn

    def view(self) -> View:
        return self.view_of(self.game)

    def view_of(self, game: Game) -> View:
        """What the player would see in `game` (raises if the scenario cannot show it)."""
        v = engine.view(self.world, game.world, game.player)
        return told_view(v) if self.gentle else v

    def shown(self, turn: Turn) -> Turn:
        """`turn` as this player is shown it (content mode tells rather than shows)."""
        return told_turn(turn) if self.gentle else turn

    @property
    def ended(self) -> bool:
        return self.game.player.ending is not None

    # ----------------------------------------------------------------- input

    def handle(self, line: str) -> list[Output]:
        """Interpret one line the player typed. Never raises on any input."""
        text = printable(line, MAX_INPUT)
        if self._pending is not None:
            pending, self._pending = self._pending, None
            if text.lower() in ("y", "yes"):
                return pending()
            if text.lower() in ("", "n", "no"):
                return [Notice("Nothing was deleted.")]
            return [Notice("Nothing was deleted."), *self.handle(line)]
        if not text:
            return [Notice("Type a number to choose, or `help`.", hints=self._hint_list())]
        ambiguous, self._ambiguous = self._ambiguous, ""
        word, _, rest = text.partition(" ")
        word = word.lower()
        rest = rest.strip()
        command = self.COMMANDS.find(word)
        if command is not None:
            if not rest or ambiguous == text:
                return command.run(self, rest)
            matches = self.matching_choices(text)
            if not matches:
                return command.run(self, rest)
            if self._accepts(command, rest):
                self._ambiguous = text
                return [Notice(f"`{text[:40]}` could be the command `{word}` or a choice. "
                               f"Type the choice's number, or `{text[:40]}` again for the "
                               "command.", "warning",
                               tuple(f"{c.number}. {c.label}" for c in matches))]
            return self._choose_text(text)
        number = text.rstrip(".)")
        if number.isascii() and number.isdigit() and len(number) < 6:
            return self._choose_number(int(number))
        return self._choose_text(text)

    def _accepts(self, command: Command[Handler], rest: str) -> bool:
        """Whether `command rest` is the command in a form it takes (not a label that starts
        with a command word)."""
        if not command_takes(command.word, rest, self.world.glossary, self.COMMANDS):
            return False
        if command.word in ("load", "delete"):
            store = self.store
            return store is not None and store.exists(check_slot(rest))
        return True

    def command_help(self) -> dict[str, str]:
        """`usage: what it does` for the commands this session has (for help and hints)."""
        return self.COMMANDS.help()

    def command_words(self) -> list[str]:
        """The main word of each command (for completion and hints), in help order."""
        return [usage.split()[0] for usage in self.command_help()]

    def cmd_look(self, rest: str) -> list[Output]:
        return [Screen(self.view())]

    def cmd_time(self, rest: str) -> list[Output]:
        v = self.view()
        left = self.world.clock.end - v.time
        return [Notice(f"It is {v.clock.sentence()} The night ends in "
                       f"{left // 60} h {left % 60} min.")]

    def cmd_help(self, rest: str) -> list[Output]:
        lines = ["Type the number of a choice, or a few letters of its label."]
        # A tab parts the two columns: the screens line up the descriptions, wrapped or not.
        lines += [f"{name}\t{what}" for name, what in self.command_help().items()]
        return [Info("Commands", tuple(lines))]

    def cmd_inventory(self, rest: str) -> list[Output]:
        p = self.game.player
        if not p.items:
            return [Notice("You carry nothing worth mentioning.")]
        lines = []
        for iid in p.items:
            item = self.world.items.get(iid)
            if item is None:
                continue
            lines.append(sentence(item.name) + (f" {item.description}"
                                                 if item.description else ""))
        return [Info("You carry", tuple(lines))]

    def cmd_notes(self, rest: str) -> list[Output]:
        notes = [self.world.notes[n] for n in self.game.player.notes if n in self.world.notes]
        if not notes:
            return [Notice("You have not learned anything worth writing down yet.")]
        return [Info("What you have learned", tuple(sentence(n) for n in notes))]

    def cmd_glossary(self, rest: str) -> list[Output]:
        terms = self.world.glossary
        if not terms:
            return [Notice("This scenario has no glossary.")]
        if not rest:
            return [Info("Glossary", ("Type `glossary TERM` to read one:",
                                      ", ".join(sorted(terms, key=str.lower)) + "."))]
        found = self.glossary_lookup(rest)
        if len(found) == 1:
            term = found[0]
            return [Info(term, (terms[term],))]
        if found:
            return [Notice(f"`{rest[:40]}` could be: {', '.join(found)}.")]
        return [Notice(f"`{rest[:40]}` is not in the glossary. Terms: "
                       f"{', '.join(sorted(terms, key=str.lower))}.")]

    def glossary_lookup(self, text: str) -> list[str]:
        """Glossary terms matching `text`: an exact term, else those it begins, else contains."""
        needle = " ".join(text.lower().split())
        terms = sorted(self.world.glossary, key=str.lower)
        for test in (lambda t: t.lower() == needle, lambda t: t.lower().startswith(needle),
                     lambda t: needle in t.lower()):
            found = [t for t in terms if test(t)]
            if found:
                return found
        return []

    def cmd_history(self, rest: str) -> list[Output]:
        steps = self.game.player.history
        if not steps:
            return [Notice("You have not done anything yet tonight.")]
        lines = []
        for st in steps:
            scene = self.world.scenes.get(st.scene)
            where = f"{scene.title}: " if scene else ""
            lines.append(f"{self.world.clock.hhmm(st.time)}  {where}{st.label}")
        if "undo" in self.COMMANDS:
            reach = min(len(self.undo_stack), len(steps))
            if reach == 0:
                lines.append("`undo` cannot take any of these back.")
            elif reach < len(steps):
                lines.append(f"`undo` can take back the last {reach} of these.")
        return [Info("Your night so far", tuple(lines))]

    def cmd_map(self, rest: str) -> list[Output]:
        """Where the player has been, and where the choices on the screen lead: what this player
        knows, and nothing they have not heard of."""
        w, p = self.world, self.game.player
        first: dict[str, int] = {}
        for t, sid in engine.stays(w, p.trail):
            sc = w.scenes.get(sid)
            if sc is not None and sc.ending is None and sc.place not in first:
                first[sc.place] = t
        here = w.scenes[p.scene].place
        first.setdefault(here, p.time)
        ahead: dict[str, bool] = {}           # place -> can go there now
        for c in self.view().choices:
            target = w.scenes[p.scene].choices[c.index].go if not c.done else None
            sc = w.scenes.get(target) if target else None
            if sc is None or sc.ending is not None or sc.place in first:
                continue
            ahead[sc.place] = ahead.get(sc.place, False) or c.enabled
        by_area: dict[str, list[str]] = {}
        for pid in sorted(first, key=lambda x: (first[x], x)) + sorted(ahead):
            place = w.places.get(pid)
            if place is None:
                continue
            area = w.areas[place.area].name if place.area in w.areas else "Elsewhere"
            name = place.name + (f" ({place.detail})" if place.detail else "")
            if pid == here:
                mark = f"{name}: you are here"
            elif pid in first:
                mark = f"{name}: first reached at {w.clock.hhmm(first[pid])}"
            elif ahead[pid]:
                mark = f"{name}: a choice here leads there"
            else:
                mark = f"{name}: a choice here leads there, but not yet"
            by_area.setdefault(area, []).append(mark)
        lines = []
        for area, marks in by_area.items():
            lines.append(f"{area}:")
            lines += [f"  {m}" for m in marks]
        return [Info("Map: the places of your night", tuple(lines))]

    def cmd_undo(self, rest: str) -> list[Output]:
        n = 1
        if rest:
            if not (rest.isascii() and rest.isdigit()) or int(rest) < 1:
                return [Notice(f"`undo` takes back one choice; `undo 3` takes back three (up "
                               f"to the last {self.max_undo}).", "warning")]
            n = int(rest)
        if not self.undo_stack:
            return [Notice("There is nothing to undo.", "warning")]
        short = n > len(self.undo_stack)
        n = min(n, len(self.undo_stack))
        target = self.undo_stack[-n]
        view = self.view_of(target)           # before anything changes: it may fail
        history = self.game.player.history
        undone = history[len(target.player.history):] if \
            len(target.player.history) <= len(history) else ()
        del self.undo_stack[-n:]
        self.game = target
        out: list[Output] = []
        label = "; ".join(st.label for st in undone)
        reach = f"Only {n} could be taken back. " if short else ""
        why = ""
        if short:
            why = (f" (`undo` keeps your last {self.max_undo} choices.)"
                   if n >= self.max_undo else " (That is as far back as this night goes.)")
        out.append(Notice((f"{reach}Undone: {label}." if label else f"{reach}Undone.") + why))
        out += self._changed()
        out.append(Screen(view))
        return out

    def cmd_save(self, rest: str) -> list[Output]:
        store = self.saves()
        if store is None:
            return [Notice("Saving is not available here.", "warning")]
        slot = rest or "quicksave"
        if not self.night:
            self.night = new_night()
        try:
            info = store.save(slot, self.game, self.undo_stack, allow_auto=False,
                                   night=self.night)
        except SaveError as e:
            return [Notice(str(e), notice_kind(e))]
        return [Notice(f"Saved as `{info.slot}` ({info.clock}, {info.scene_title}). "
                       f"Type `load {info.slot}` to come back to it.")]

    def cmd_load(self, rest: str) -> list[Output]:
        store = self.saves()
        if store is None:
            return [Notice("Loading is not available here.", "warning")]
        slot = rest
        if not slot:
            infos = [i for i in store.saves() if i.problem is None]
            if not infos:
                return [Notice("There are no saved games yet. `save NAME` makes one.")]
            slot = infos[0].slot
        elif slot.lower() == "autosave":
            slot = self.autosave_slot or store.autosave_slot(self.game.player.role)
        try:
            loaded = store.load(slot)
            view = self.view_of(loaded.game)
        except SaveError as e:
            return [Notice(str(e), notice_kind(e))]
        except Exception as e:
            return [Notice(f"The save `{slot}` cannot be shown with this scenario "
                           f"({type(e).__name__}); nothing was changed.", "error")]
        self.restore(loaded.game, loaded.undo, night=loaded.info.night,
                     slot=store.home_slot(loaded))
        out: list[Output] = [Notice(f"Loaded `{loaded.info.slot}`.")]
        if loaded.warning:
            out.append(Notice(loaded.warning, "warning"))
        out += self._changed()      # says where the save as it was is kept, if it was fitted
        out.append(Screen(view))
        return out

    def cmd_saves(self, rest: str) -> list[Output]:
        store = self.saves()
        if store is None:
            return [Notice("Saving is not available here.", "warning")]
        playing = None if self.ended else self.playing_slot()
        return [saves_listing(store, playing)]

    def cmd_delete(self, rest: str) -> list[Output]:
        store = self.saves()
        if store is None:
            return [Notice("Saving is not available here.", "warning")]
        playing = None if self.ended else self.playing_slot()
        outputs, confirm = delete_request(store, rest, playing)
        self._pending = confirm
        return outputs

    def saves(self) -> SaveStore | None:
        """The store, following the session's world (which `play --watch` may replace)."""
        if self.store is not None and self.store.world is not self.world:
            self.store = self.store.for_world(self.world)
        return self.store

    def playing_slot(self) -> str:
        """The slot this night is autosaved in."""
        return self.autosave_slot or (self.store.autosave_slot(self.game.player.role)
                                      if self.store is not None else "")

    def restore(self, game: Game, undo: tuple[Game, ...] | list[Game] = (), *,
                night: str = "", slot: str | None = None) -> None:
        """Replace the game (after `load` or `--continue`), its undo levels and its night."""
        self.game = game
        self.undo_stack = list(undo)[-self.max_undo:]
        self.night = night or new_night()
        self.autosave_slot = slot

    def autosave(self) -> Notice | None:
        """Write the autosave now; a Notice if that failed or moved (the game itself goes on)."""
        store = self.saves()
        if store is None or not self.autosave_enabled:
            return None
        if not self.night:
            self.night = new_night()
        try:
            written = store.autosave(self.playing_slot(), self.game, self.undo_stack,
                                          self.night)
        except SaveError as e:
            return Notice(f"Autosave failed: {e}", "error")
        self.autosave_slot = written.info.slot
        note = " ".join(written.notes)
        same = re.sub(r"\d+", "#", note)     # "keeps the last 17" then 18: said once
        if note and same != self._last_note:
            self._last_note = same
            return Notice(note, "warning")
        self._last_note = same
        return None

    def _changed(self) -> list[Output]:
        """After every change of state: autosave, then the `on_turn` hook."""
        out: list[Output] = []
        problem = self.autosave()
        if problem is not None:
            out.append(problem)
        if self.on_turn is not None:
            self.on_turn(self)
        return out

    def cmd_quit(self, rest: str) -> list[Output]:
        return [QuitRequest()]

    def cmd_wait(self, rest: str) -> list[Output]:
        low = rest.lower()
        if low in WAIT_ON:
            return self.cmd_next("")
        span = self._wait_span(rest)
        if isinstance(span, str):
            return [Notice(span, "warning")]
        note: list[Output] = []
        left = self.world.clock.end - self.game.player.time
        if span is not None and span > left:
            end = self.world.clock.hhmm(self.world.clock.end)
            note = [Notice(f"The night ends at {end}, {format_duration(left)} from now: no "
                           "wait goes longer.")]
            span = left
        before = self.game
        after, turn = self.apply_wait(span)
        out = self._after(before, after, turn)
        # The limit is news only when the wait went that far (one cut short says why instead).
        return out if turn.refused or turn.stopped is not None else note + out

    def _wait_span(self, rest: str) -> int | None | str:
        """Minutes to wait for `wait REST` (None: the scene's own wait), or why not (a str)."""
        if not rest:
            return None
        clock = self.world.clock
        now = self.game.player.time
        end = clock.hhmm(clock.end)
        low = " ".join(rest.lower().split())
        until = until_time(low)
        target_text = until if until is not None else low
        target = clock.parse_time(target_text) if ":" in target_text else None
        if until is not None or target is not None:
            if target is None:
                return (f"`wait {rest[:20]}`: give a time of the night, like "
                        f"`wait until {clock.hhmm(min(now + 60, clock.end))}`.")
            if target <= now:
                return (f"It is {clock.hhmm(now)} already, and {clock.hhmm(target)} has "
                        f"passed. The night ends at {end}.")
            if target > clock.end:
                return f"The night ends at {end}: `wait until {end}` is as long as it goes."
            return target - now
        minutes = parse_duration(rest, bare=True)
        if minutes is None:
            return (f"`wait {rest[:20]}`: give minutes or hours, like `wait 30`, `wait 1h30m` "
                    "or `wait until 22:00`; `next` waits for the next thing.")
        if minutes < 1:
            return "Wait how long? At least a minute, like `wait 5`."
        return minutes

    def cmd_next(self, rest: str) -> list[Output]:
        before = self.game
        t0 = before.player.time
        after, turn = self.apply_wait_on()
        if not turn.refused and turn.stopped is None and turn.moved_by is None \
                and after.player.ending is not None and self.game is before:
            # Nothing would happen before the clock runs out: the night is not ended by `next`.
            end = self.world.clock.hhmm(self.world.clock.end)
            return [Notice(f"Nothing more happens here before the night ends at {end}: choose "
                           f"what to do, or `wait until {end}` to wait for the end.", "warning")]
        out = self._after(before, after, turn)
        if not turn.refused and turn.minutes:
            hhmm = self.world.clock.hhmm
            line = (f"You wait from {hhmm(t0)} to {hhmm(t0 + turn.minutes)} "
                    f"({format_duration(turn.minutes)}).")
            if turn.passed:
                line += " Meanwhile: " + "; ".join(f"{m.hhmm} {moment_phrase(m)}"
                                                   for m in turn.passed) + "."
            out.insert(0, Notice(line))
        return out

    def cmd_brief(self, rest: str) -> list[Output]:
        self.verbose = False
        return [Notice("Brief: a place you come back to is described in short. `look` always "
                       "gives the whole description; `verbose` gives it every time.")]

    def cmd_verbose(self, rest: str) -> list[Output]:
        self.verbose = True
        return [Notice("Verbose: every place is described in full, every time you come to it. "
                       "`brief` describes places you come back to in short.")]

    def cmd_stats(self, rest: str) -> list[Output]:
        p = self.game.player
        stats = self.world.stats.get(p.role, ()) if self.world.stats else ()
        role = self.world.roles[p.role]
        if not stats:
            return [Notice(f"This story keeps no count of {in_sentence(role.name)}'s "
                           "qualities that it shows; your choices speak for you.")]
        lines = []
        for st in stats:
            value = p.vars.get(st.var)
            lines.append(f"{st.name}: {st.show(value)}" + (f" ({st.about})" if st.about else ""))
        return [Info(f"You, tonight: {role.name}", tuple(lines))]

    def cmd_endings(self, rest: str) -> list[Output]:
        store = self.saves()
        return [endings_listing(self.world, store)]

    # ----------------------------------------------------------------- choosing

    def _choose_number(self, n: int) -> list[Output]:
        v = self.view()
        if v.ending is not None:
            return [Notice("The night is over for you. Type `quit` to leave.", "warning")]
        shown = {c.number: c for c in v.choices}
        if n not in shown:
            if not v.choices:
                return [Notice("There is nothing to choose here; try `wait`.", "warning")]
            return [Notice(f"There is no choice {n}. Choose 1 to {len(v.choices)}.", "warning",
                           self._hint_list())]
        if shown[n].done:
            return [Notice(f"You have done that already: {shown[n].label}.", "warning",
                           self._hint_list())]
        return self._take(shown[n].index)

    def matching_choices(self, text: str) -> list[ChoiceView]:
        """The choices whose label begins with `text`, else those that contain it. (A shared
        night overrides it: a student whose part has not begun has none.)"""
        v = self.view()
        if v.ending is not None:
            return []
        needle = text.lower()
        live = [c for c in v.choices if not c.done]
        return [c for c in live if c.label.lower().startswith(needle)] or \
               [c for c in live if needle in c.label.lower()]

    def _choose_text(self, text: str) -> list[Output]:
        matches = self.matching_choices(text)
        if len(matches) == 1:
            return self._take(matches[0].index)
        if len(matches) > 1:
            return [Notice(f"`{text[:40]}` fits more than one choice.", "warning",
                           tuple(f"{c.number}. {c.label}" for c in matches))]
        return [Notice(f"I don't understand `{text[:40]}`{self._did_you_mean(text)}", "warning",
                       self._hint_list())]

    def _did_you_mean(self, text: str) -> str:
        """`: did you mean `help`?` when the first word is a command word misspelt, else `.`."""
        meant = self.COMMANDS.closest(text.split()[0]) if text.split() else None
        return f": did you mean `{meant}`?" if meant else "."

    def _take(self, index: int) -> list[Output]:
        before = self.game
        after, turn = self.apply_choice(index)
        return self._after(before, after, turn)

    # The two ways a player changes the night. A shared-night session (classroom) overrides
    # these to act on the room's world state and to respect the facilitator's clock.

    def apply_choice(self, index: int) -> tuple[Game, Turn]:
        ws, ps, turn = engine.choose(self.world, self.game.world, self.game.player, index)
        return Game(ws, ps), turn

    def apply_wait(self, minutes: int | None) -> tuple[Game, Turn]:
        ws, ps, turn = engine.wait(self.world, self.game.world, self.game.player, minutes)
        return Game(ws, ps), turn

    def apply_wait_on(self) -> tuple[Game, Turn]:
        """`next`: wait, however long, for the next moment that matters (people who only come
        and go are waited through).

        A subclass that overrides `apply_wait` gets this through its `apply_wait`, one wait at
        a time.
        """
        if type(self).apply_wait is not Session.apply_wait:
            return self._wait_on_by_steps()
        ps = self.game.player
        ws, ps, turn = engine.wait(self.world, self.game.world, ps,
                                max(1, self.world.clock.end - ps.time), for_next=True)
        return Game(ws, ps), turn

    def _wait_on_by_steps(self) -> tuple[Game, Turn]:
        game = self.game
        passed: list[Stop] = []
        minutes = 0
        try:
            while True:
                left = max(1, self.world.clock.end - self.game.player.time)
                after, turn = self.apply_wait(left)
                if turn.refused:
                    return (after, turn) if not minutes else (self.game, dataclasses.replace(
                        turn, refused=None, minutes=minutes, passed=tuple(passed)))
                minutes += turn.minutes
                self.game = after
                stop = turn.stopped
                if stop is None or stop.kind not in ("arrives", "leaves"):
                    return after, dataclasses.replace(turn, minutes=minutes,
                                                      passed=tuple(passed))
                passed.append(stop)
        finally:
            self.game = game

    def _after(self, before: Game, after: Game, turn: Turn) -> list[Output]:
        if turn.refused:
            return [Notice(sentence(turn.refused), "warning")]
        old_text = self.view().text
        v = self.view_of(after)      # before anything changes: if it fails, nothing has
        self.undo_stack.append(before)
        del self.undo_stack[:-self.max_undo]
        self.game = after
        out = self._changed()
        out += self.counted_votes(before, after)
        if after.player.ending is not None and before.player.ending is None:
            out += self._note_ending(after.player.ending, after.player.role)
        # Same scene, same words: show what happened and the choices, not the passage again.
        arrived = v.scene != before.player.scene
        full = arrived or v.text != old_text or v.ending is not None
        if arrived and not self.verbose and v.ending is None:
            short = self.brief_of(v)
            if short is not None:
                v = short
                if not self._told_brief:
                    self._told_brief = True
                    out.append(Notice("You have been here before, so it is told in short: "
                                      "`look` gives the whole description (`verbose`: always)."))
        return [*out, Screen(v, self.shown(turn), full=full)]

    def _note_ending(self, ending: str, role: str) -> list[Output]:
        """Keep the ending with the endings found in every game (beside the saves)."""
        self.new_ending = False
        store = self.saves()
        if store is None or not self.autosave_enabled:
            return []
        try:
            self.new_ending = store.progress().record(ending, role)
        except OSError as e:
            return [Notice(f"The endings you have found could not be noted "
                           f"({e.strerror or e}); your game itself is saved.", "error")]
        return []

    def brief_of(self, v: View) -> View | None:
        """`v` with its short text, on a return visit where that is shorter; else None."""
        if self.game.player.visits.get(v.scene, 1) <= 1:
            return None
        if self.gentle and v.told is not None:     # v.text is the told text already
            short = engine.first_paragraph(v.text)
        else:
            found = engine.brief(self.world, self.game.world, self.game.player)
            if found is None:
                return None
            short = found
        if len(short) >= len(v.text):
            return None
        return dataclasses.replace(v, text=short)

    def counted_votes(self, before: Game, after: Game) -> list[Output]:
        """A marked vote the player just cast, counted as the night's other delegates voted.

        In a one-player night the player is one delegate among hundreds; the count shows it.
        (A shared night overrides it: the classroom's room counts the class's ballots.)
        """
        lesson = self.world.lesson
        if lesson is None or not lesson.votes:
            return []
        old, new = before.player.vars, after.player.vars
        faction = new.get(lesson.faction_variable) if lesson.faction_variable else None
        out: list[Output] = []
        for vote in lesson.votes.values():
            value = new.get(vote.ballot)
            if vote.role != after.player.role or value == old.get(vote.ballot):
                continue
            option = next((o for o, v in vote.options if v == value), None)
            if option is None:
                continue
            from .engine import single_player  # counting is imported when someone votes
            tally = single_player(self.world, vote, option, faction, after.player.time)
            out.append(Notice(f"The count, with every other delegate voting as in 1917: "
                              f"{tally.line()}."))
        return out

    def _hint_list(self) -> tuple[str, ...]:
        v = self.view()
        hints = [f"{c.number}. {c.label}" for c in v.choices if c.enabled]
        words = [w for w in self.command_words() if w not in ("wait", "next") or v.wait]
        return tuple(hints + [f"or a command: {', '.join(words)}"])

    # ----------------------------------------------------------------- the commands

    # The commands, in help order: one table for the class, read as `self.COMMANDS`, so a
    # subclass's own table (built from this one with `.minus`, `.plus` and `.rerouted`, as
    # `ClassroomSession.COMMANDS` is) is the one its sessions use. Each runs as
    # `handler(session, rest_of_the_line)`.
    COMMANDS: ClassVar[CommandTable[Handler]] = CommandTable([
        Command("look", "show the scene again, in full", cmd_look, aliases=("l",)),
        Command("wait [N]", "let time pass where the scene allows it: `wait 30`, "
                "`wait 1h30m`, `wait until 22:00`; it stops when something happens",
                cmd_wait, aliases=("w", "z")),
        Command("next", "wait for the next thing, however long it takes (also `nx`, "
                "`wait on`)", cmd_next, aliases=("nx",)),
        Command("time", "what time it is", cmd_time, aliases=("t",)),
        Command("inventory", "what you carry (also `items`)", cmd_inventory,
                aliases=("items", "i", "inv")),
        Command("stats", "who you are tonight: the qualities the story keeps count of",
                cmd_stats),
        Command("map", "the places you have been, and where you can go from here",
                cmd_map, aliases=("m",)),
        Command("notes", "facts you have learned", cmd_notes, aliases=("n",)),
        Command("glossary [term]", "history terms: MRC, Left SR, Kadet, junker, Old "
                "Style...", cmd_glossary, aliases=("g",)),
        Command("history", "the choices you have made so far", cmd_history),
        Command("brief", "a place you come back to is described in short (the default)",
                cmd_brief),
        Command("verbose", "every place is described in full, every time",
                cmd_verbose),
        Command("undo [N]", "take back the last choice (or the last N, up to "
                f"{UNDO_DEPTH})", cmd_undo, aliases=("u",)),
        Command("save [name]", "save the game (autosaves happen after every turn anyway)",
                cmd_save),
        Command("load [name]", "load a saved game (`saves` lists them)", cmd_load,
                aliases=("restore",)),
        Command("saves", "list the saved games", cmd_saves),
        Command("delete NAME", "delete a saved game (it asks first)", cmd_delete),
        Command("endings", "the endings you have found, in every game so far",
                cmd_endings),
        Command("help", "this list", cmd_help, aliases=("?", "h")),
        Command("quit", "leave the game (it is autosaved)", cmd_quit,
                aliases=("q", "exit")),
    ])


def saves_listing(store: SaveStore, playing: str | None = None) -> Info:
    """Every save of the folder, grouped: unfinished nights, saves, finished, damaged."""
    infos = store.saves()
    if not infos:
        return Info("Saved games", ("There are no saved games yet. `save NAME` makes one.",))
    width = max(len(i.slot) for i in infos)
    groups: dict[str, list[str]] = {"Unfinished nights": [], "Saved games": [],
                                    "Finished nights": [], "Cannot be loaded": []}
    for i in infos:
        if i.problem is not None:
            groups["Cannot be loaded"].append(f"  {i.slot:<{width}}  {i.problem}")
            continue
        where = ", ".join(p for p in (i.role_name, i.clock, i.scene_title) if p)
        when = i.played()
        if i.ended:
            end = f": {i.ending_title}" if i.ending_title else ""
            groups["Finished nights"].append(f"  {i.slot:<{width}}  {i.role_name}{end}"
                                             + (f", {when}" if when else ""))
            continue
        line = f"  {i.slot:<{width}}  {where}" + (f", {when}" if when else "")
        if i.changes:
            line += " (saved before the scenario changed)"
        if i.slot == playing:
            line += " (the night you are playing)"
        groups["Unfinished nights" if i.auto else "Saved games"].append(line)
    lines: list[str] = []
    for title, entries in groups.items():
        if entries:
            lines += [f"{title}:", *entries]
    lines.append("`load NAME` loads one; `delete NAME` deletes one.")
    return Info(f"Saved games in {store.folder}", tuple(lines))


def delete_request(store: SaveStore, rest: str, playing: str | None
                   ) -> tuple[list[Output], Callable[[], list[Output]] | None]:
    """`delete NAME`: the question to ask, and what to do if the answer is yes."""
    if not rest:
        return [Notice("Type `delete NAME` with the name of a save; `saves` lists them.",
                       "warning")], None
    try:
        slot = store.path(rest).stem
    except SaveError as e:
        return [Notice(str(e), notice_kind(e))], None
    if slot == playing:
        return [Notice(f"`{slot}` is the night you are playing: it is saved as you go, and "
                       "cannot be deleted while you play it.", "warning")], None
    if not store.exists(slot):
        return [Notice(f"There is no save called `{slot}`. Type `saves` to list them.",
                       "warning")], None
    info: SaveInfo = store.info(slot)
    what = info.problem or ", ".join(p for p in (info.role_name, info.clock, info.scene_title,
                                                 "finished" if info.ended else "",
                                                 info.played()) if p)

    def confirmed() -> list[Output]:
        try:
            store.delete(slot)
        except SaveError as e:
            return [Notice(str(e), notice_kind(e))]
        return [Notice(f"Deleted `{slot}`.")]

    return [Notice(f"Delete `{slot}` ({what})? It cannot be brought back. Type `yes` to "
                   "delete it; anything else keeps it.", "warning")], confirmed


def command_takes(word: str, rest: str, glossary: dict[str, str] | None,
                  commands: CommandTable[Handler]) -> bool:
    """Whether `word rest` (with `rest` not empty) is the command `word` in a form it takes.

    Typed text that is not (`help the wounded`, `wait for the boat`, `i will go`) may be a
    choice's label instead. A command whose usage in `commands` (a session's `COMMANDS`)
    is its word alone never takes more; `wait` takes a duration or
    a time, `undo` a number, `save`/`load`/`delete` a save's name, `glossary` a term, and
    other commands whose usage shows words after theirs (`say TEXT`) take any.
    """
    command = commands.find(word)
    if command is None:
        return True
    if len(command.usage.split()) == 1:
        return False
    low = " ".join(rest.lower().split())
    if command.word == "wait":
        time = until_time(low) or low
        return parse_duration(low, bare=True) is not None or low in WAIT_ON \
            or time_shaped(time)
    if command.word == "undo":
        return low.isascii() and low.isdigit()
    if command.word in ("save", "load", "delete"):
        try:
            check_slot(rest)
        except SaveError:
            return False
        return True
    if command.word == "glossary":
        return glossary is None or any(low in term.lower() for term in glossary)
    return True


WAIT_ON = ("on", "next", "for something", "for the next thing")


def notice_kind(e: SaveError) -> str:
    """A refused request is a warning (ask again); a save that failed is an error."""
    return "warning" if e.refused else "error"


def moment_phrase(m: Stop) -> str:
    """A moment of a wait as a phrase: `Konovalov arrives`, `a new choice, "Go up"`."""
    if m.kind == "arrives":
        return f"{m.subject} arrives"
    if m.kind == "leaves":
        return f"{m.subject} leaves"
    if m.kind == "opens":
        return f'a new choice, "{m.subject}"'
    if m.kind == "closes":
        return f'"{m.subject}" is possible only until {m.until}'
    if m.kind == "closed":
        return f'"{m.subject}" is no longer possible'
    return in_sentence(m.subject)


def stop_line(turn: Turn | None) -> str | None:
    """Why a wait ended early, as a sentence for the screen: `You stop waiting at 10:45: ...`"""
    if turn is None or turn.stopped is None:
        return None
    m = turn.stopped
    return f"You stop waiting at {m.hhmm}: {moment_phrase(m)}."


def interrupted_line(turn: Turn | None) -> str | None:
    """A choice an event cut short (it did not happen), as a sentence for the screen."""
    if turn is None or turn.interrupted is None:
        return None
    return f'You never finish "{turn.interrupted}": something else comes first.'


_ARTICLES = ("The ", "A ", "An ")


def where_parts(v: View, with_place: bool = False) -> list[str]:
    """Where a scene is, for its heading: the place (when asked, and not the scene's own
    title), its area and its detail, each said once."""
    parts = [v.place_name] if with_place else []
    parts += [v.area_name, v.detail]
    out: list[str] = []
    seen = {v.title.lower()}
    for part in parts:
        if part and part.lower() not in seen:
            seen.add(part.lower())
            out.append(part)
    return out


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: `A delegate` -> `a delegate`, `The firewood
    barricade` -> `the firewood barricade` (names that are not led by an article are kept)."""
    for article in _ARTICLES:
        if name.startswith(article) and len(name) > len(article):
            return article.lower() + name[len(article):]
    return name


def endings_listing(world: World, store: SaveStore | None) -> Info:
    """The endings found in every game so far (kept beside the saves), by role."""
    endings = world.endings()
    found = store.progress().found(world) if store is not None else {}
    lines = [f"You have found {len(found)} of {len(endings)} endings."]
    by_role: dict[str, list[str]] = {}
    for sid, entry in found.items():
        role = world.roles.get(entry.role)
        ending = endings[sid].ending
        title = ending.title if ending is not None else sid
        by_role.setdefault(role.name if role else entry.role, []).append(
            f"  {title} ({entry.first_date})")
    for role_name, titles in by_role.items():
        lines += [f"{role_name}:", *titles]
    if store is None:
        lines.append("(Nothing is kept here: this game has no saves folder.)")
    elif len(found) < len(endings):
        lines.append("Every role has more than one way its night can end.")
    return Info("Endings", tuple(lines))


def quantity(n: int, noun: str, plural: str | None = None) -> str:
    """`1 student`, `3 students`, `0 students` (`plural` where an s will not do)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def sentence(text: str) -> str:
    """`text` as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
