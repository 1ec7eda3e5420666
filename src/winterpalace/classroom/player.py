"""One student's session in the shared night: the single-player commands, acting on the room.

PURE like the room: a line in, typed outputs out (the transport renders them). `allow`, given
by the server, says how long a student must wait before another `say` or alert (rate limits
need a clock, which the room has not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from ..commands import Command, CommandTable
from ..engine import ChoiceView, Game, Turn, View
from ..sanitise import printable
from ..session import MAX_INPUT, Handler, Notice, Output, Screen, Session, sentence
from .room import Room, name_key

# Single-player commands that cannot work in a shared night: undoing a shared world, and
# everything kept in a player's saves folder, which a classroom student has not (their
# night is in the class's journal). tests/classroom/test_room.py runs every command left.
_NOT_IN_CLASS = ("undo", "save", "load", "saves", "delete", "endings")
_BEFORE_THE_NIGHT = {"say", "'", "who", "alert", "pause", "help", "?", "h", "quit", "q", "exit",
                     "time", "t"}


def _no_limit(name: str, what: str) -> float:
    return 0.0


@dataclass
class ClassroomSession(Session):
    """A Session whose choices and waits act on the room's shared WorldState."""

    room: Room | None = None
    name: str = ""
    allow: Callable[[str, str], float] = _no_limit

    @classmethod
    def seat(cls, room: Room, name: str,
             allow: Callable[[str, str], float] = _no_limit) -> ClassroomSession:
        """The session of an existing student in `room`."""
        p = room.players[name_key(name)]
        game = Game(room.ws, p.ps) if p.ps is not None else None
        # Before this student's night begins there is no Game: `begun` is false, `handle`
        # lets only the commands that need none through, and `_sync` sets it once there is.
        # (Session.game is a Game everywhere else; Optional there would cost 32 narrowings.)
        return cls(room.world, game, room=room, name=p.name,  # type: ignore[arg-type]
                   allow=allow)

    @property
    def _room(self) -> Room:
        assert self.room is not None
        return self.room

    @property
    def begun(self) -> bool:
        p = self._room.player(self.name)
        return p is not None and p.ps is not None

    def _sync(self) -> None:
        p = self._room.players[name_key(self.name)]
        if p.ps is not None:
            self.game = Game(self._room.ws, p.ps)

    def view(self) -> View:
        return self._room.view(self.name)

    @property
    def ended(self) -> bool:
        p = self._room.player(self.name)
        return p is not None and p.ps is not None and p.ps.ending is not None

    def handle(self, line: str) -> list[Output]:
        text = printable(line, MAX_INPUT)
        word = text.partition(" ")[0].lower()
        if not self.begun and word not in _BEFORE_THE_NIGHT:
            p = self._room.player(self.name)
            return [Notice(sentence(self._room.may_act(p) or "wait for your teacher"),
                           "warning")]
        self._sync()
        outs = super().handle(line)
        result: list[Output] = []
        p = self._room.players[name_key(self.name)]
        for o in outs:
            result.append(o)
            if isinstance(o, Screen):
                result.extend(self._room.screen_notes(p))
        return result

    def matching_choices(self, text: str) -> list[ChoiceView]:
        # Before this student's part of the night begins there is no game, so no choices.
        return super().matching_choices(text) if self.begun else []

    def cmd_time(self, rest: str) -> list[Output]:
        room = self._room
        news = (f"The class clock is at {room.hhmm(room.now)}; you may act until "
                f"{room.hhmm(room.limit)}.")
        if not self.begun:
            return [Notice(news)]
        return [*super().cmd_time(rest), Notice(news)]

    def _limited(self, what: str) -> list[Output] | None:
        wait = self.allow(self.name, what)
        if wait <= 0:
            return None
        return [Notice(f"Not so fast: wait {max(1, round(wait))} s before the next "
                       f"{'alert' if what == 'alert' else 'thing you say'}.", "warning")]

    def cmd_say(self, rest: str) -> list[Output]:
        if not rest.strip():
            return [Notice("Say what? Type `say` and the words, like `say hold the door`.",
                           "warning")]
        limited = self._limited("say")
        if limited:
            return limited
        res = self._room.say(self.name, rest)
        return [] if res.ok else [Notice(sentence(res.message), "warning")]

    def cmd_who(self, rest: str) -> list[Output]:
        if not self.begun:
            return [Notice("Your part of the night has not begun yet.")]
        return [self._room.who_here(self.name)]

    def cmd_alert(self, rest: str) -> list[Output]:
        limited = self._limited("alert")
        if limited:
            return limited
        res = self._room.alert(self.name, rest)
        return [] if res.ok else [Notice(sentence(res.message), "warning")]

    def cmd_pause(self, rest: str) -> list[Output]:
        """Only the teacher pauses the night. Words after `pause` still reach the teacher
        (a student who is upset should never have to find the right command)."""
        explain = Notice("Only your teacher can pause the night. To tell your teacher "
                         "something privately, type `alert` and your words, like "
                         "`alert I need a break`.")
        if not rest.strip():
            return [explain]
        return [*self.cmd_alert(rest), explain]

    def cmd_not_in_class(self, rest: str) -> list[Output]:
        """A single-player habit (`save`, `undo`, ...): say why a class has no need of it."""
        return [Notice("In a class there is nothing to save, load or take back: every choice "
                       "is kept as you make it, on your teacher's computer. If you leave "
                       "(`quit`), join again with your name and PIN to carry on.")]

    # The player's commands less the ones a shared night has no use for, and the class's own.
    COMMANDS: ClassVar[CommandTable[Handler]] = Session.COMMANDS.minus(*_NOT_IN_CLASS) \
        .rerouted("time", cmd_time) \
        .rerouted("quit", what="leave for now: your place is kept (join again with your name "
                  "and PIN)").plus(
            Command("say TEXT", "say something to everyone in the same place (your teacher "
                    "sees it too)", cmd_say, aliases=("'",)),
            Command("who", "who from the class is here with you", cmd_who),
            Command("alert [TEXT]", "tell your teacher privately: something upsets you or "
                    "goes wrong", cmd_alert),
            # Only the teacher pauses; a student who types it is told so (and heard).
            Command("pause [TEXT]", "ask your teacher to pause", cmd_pause, hidden=True),
            # Typed from habit, answered, never offered (not in help, hints or completion).
            Command("save", "why a class has no saves", cmd_not_in_class, hidden=True,
                    aliases=tuple(w for c in Session.COMMANDS if c.word in _NOT_IN_CLASS
                                  for w in c.words if w != "save")),
        )

    def counted_votes(self, before: Game, after: Game) -> list[Output]:
        return []     # the room counts the class's own ballots (a single player's count is not)

    def apply_choice(self, index: int) -> tuple[Game, Turn]:
        turn = self._room.choose(self.name, index)
        return self._game(), turn

    def apply_wait(self, minutes: int | None) -> tuple[Game, Turn]:
        turn = self._room.wait(self.name, minutes)
        return self._game(), turn

    def _game(self) -> Game:
        p = self._room.players[name_key(self.name)]
        assert p.ps is not None
        return Game(self._room.ws, p.ps)
