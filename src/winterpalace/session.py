"""One player's game as a front end drives it: a line of input in, typed outputs out.

The session knows the commands (choose by number or by a few letters of the label, `wait`,
`look`, `help`, ...) and keeps the undo stack. It does no I/O itself: the plain front end, the
rich terminal and each classroom connection render its outputs their own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .engine import engine as eng
from .engine.events import Turn, View
from .engine.model import World
from .engine.state import Game

MAX_INPUT = 500  # longer lines are cut: nobody types a 10,000-character command on purpose


@dataclass(frozen=True, slots=True)
class Screen:
    """Show the player where they are; `turn` is what just happened, if anything."""

    view: View
    turn: Turn | None = None
    full: bool = True          # False: only the turn's news and the choices (after `look` etc.)


@dataclass(frozen=True, slots=True)
class Info:
    """An answer to a command: a heading and lines of text."""

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

COMMANDS: dict[str, str] = {
    "look": "show the scene again",
    "wait [N]": "let N minutes pass (where the scene allows it)",
    "time": "what time it is",
    "help": "this list",
    "quit": "leave the game",
}


@dataclass
class Session:
    """A single player's game with its command language and undo history."""

    world: World
    game: Game
    undo_stack: list[Game] = field(default_factory=list)
    max_undo: int = 50
    on_turn: Callable[["Session"], None] | None = None  # e.g. autosave

    @classmethod
    def new(cls, world: World, role: str, seed: int = 0) -> tuple["Session", Turn]:
        game, turn = eng.new_game(world, role, seed)
        return cls(world, game), turn

    def view(self) -> View:
        return eng.view(self.world, self.game.world, self.game.player)

    @property
    def ended(self) -> bool:
        return self.game.player.ending is not None

    # ----------------------------------------------------------------- input

    def handle(self, line: str) -> list[Output]:
        """Interpret one line the player typed. Never raises on any input."""
        text = _clean(line)
        if not text:
            return [Notice("Type a number to choose, or `help`.", hints=self._hint_list())]
        word, _, rest = text.partition(" ")
        word = word.lower()
        rest = rest.strip()
        handler = self.commands().get(word)
        if handler is not None:
            return handler(rest)
        if text.isdigit():
            return self._choose_number(int(text))
        return self._choose_text(text)

    def commands(self) -> dict[str, Callable[[str], list[Output]]]:
        """Command words and their handlers; front ends may extend this."""
        return {
            "look": self.cmd_look, "l": self.cmd_look,
            "wait": self.cmd_wait, "w": self.cmd_wait, "z": self.cmd_wait,
            "time": self.cmd_time, "t": self.cmd_time,
            "help": self.cmd_help, "?": self.cmd_help, "h": self.cmd_help,
            "quit": self.cmd_quit, "q": self.cmd_quit, "exit": self.cmd_quit,
        }

    def cmd_look(self, rest: str) -> list[Output]:
        return [Screen(self.view())]

    def cmd_time(self, rest: str) -> list[Output]:
        v = self.view()
        left = self.world.clock.end - v.time
        return [Notice(f"It is {v.clock.sentence()} The night ends in "
                       f"{left // 60} h {left % 60} min.")]

    def cmd_help(self, rest: str) -> list[Output]:
        lines = ["Type the number of a choice, or a few letters of its label."]
        lines += [f"{name:<12} {what}" for name, what in COMMANDS.items()]
        return [Info("Commands", tuple(lines))]

    def cmd_quit(self, rest: str) -> list[Output]:
        return [QuitRequest()]

    def cmd_wait(self, rest: str) -> list[Output]:
        minutes = None
        if rest:
            m = re.fullmatch(r"(\d{1,4})\s*(m|min|mins|minutes?)?|(\d{1,2})\s*h(ours?)?", rest)
            if not m:
                return [Notice(f"`wait {rest[:20]}`: give a number of minutes, like `wait 30`.",
                               "warning")]
            minutes = int(m.group(1)) if m.group(1) else int(m.group(3)) * 60
        before = self.game
        after, turn = self.apply_wait(minutes)
        return self._after(before, after, turn)

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
        return self._take(shown[n].index)

    def _choose_text(self, text: str) -> list[Output]:
        v = self.view()
        needle = text.lower()
        matches = [c for c in v.choices if c.label.lower().startswith(needle)] or \
                  [c for c in v.choices if needle in c.label.lower()]
        if len(matches) == 1:
            return self._take(matches[0].index)
        if len(matches) > 1:
            return [Notice(f"`{text[:40]}` fits more than one choice.", "warning",
                           tuple(f"{c.number}. {c.label}" for c in matches))]
        return [Notice(f"I don't understand `{text[:40]}`.", "warning", self._hint_list())]

    def _take(self, index: int) -> list[Output]:
        before = self.game
        after, turn = self.apply_choice(index)
        return self._after(before, after, turn)

    # The two ways a player changes the night. A shared-night session (classroom) overrides
    # these to act on the room's world state and to respect the facilitator's clock.

    def apply_choice(self, index: int) -> tuple[Game, Turn]:
        ws, ps, turn = eng.choose(self.world, self.game.world, self.game.player, index)
        return Game(ws, ps), turn

    def apply_wait(self, minutes: int | None) -> tuple[Game, Turn]:
        ws, ps, turn = eng.wait(self.world, self.game.world, self.game.player, minutes)
        return Game(ws, ps), turn

    def _after(self, before: Game, after: Game, turn: Turn) -> list[Output]:
        if turn.refused:
            return [Notice(_sentence(turn.refused), "warning")]
        self.undo_stack.append(before)
        del self.undo_stack[:-self.max_undo]
        self.game = after
        if self.on_turn is not None:
            self.on_turn(self)
        return [Screen(self.view(), turn)]

    def _hint_list(self) -> tuple[str, ...]:
        v = self.view()
        hints = [f"{c.number}. {c.label}" for c in v.choices if c.enabled]
        words = "look, " + ("wait, " if v.wait else "") + "time, help, quit"
        return tuple(hints + [f"or a command: {words}"])


def _clean(line: str) -> str:
    """Drop control characters and surplus length; keep ordinary text."""
    line = line[:MAX_INPUT]
    return "".join(ch for ch in line if ch.isprintable()).strip()


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
