"""One student's session in the shared night: the single-player commands, acting on the room.

PURE like the room: a line in, typed outputs out. The transport (ssh.py) renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..engine.events import Turn, View
from ..engine.state import Game
from ..session import Notice, Output, Screen, Session, _clean, sentence
from .room import Room, name_key

CLASS_COMMANDS: dict[str, str] = {
    "say TEXT": "say something to everyone in the same place (your teacher sees it too)",
    "who": "who from the class is here with you",
    "pause [TEXT]": "a private alert to your teacher: something upsets you or goes wrong",
}

# Single-player commands that make no sense in a shared night (undoing a shared world, saves).
_NOT_IN_CLASS = {"undo", "u", "save", "load", "restore", "saves", "restart", "new"}


@dataclass
class ClassroomSession(Session):
    """A Session whose choices and waits act on the room's shared WorldState."""

    room: Room | None = None
    name: str = ""

    @classmethod
    def seat(cls, room: Room, name: str) -> "ClassroomSession":
        """The session of an existing player in `room`."""
        p = room.players[name_key(name)]
        game = Game(room.ws, p.ps) if p.ps is not None else None
        return cls(room.world, game, room=room, name=p.name)  # type: ignore[arg-type]

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
        text = _clean(line)
        word = text.partition(" ")[0].lower()
        if not self.begun and word not in ("say", "who", "pause", "help", "?", "quit", "q",
                                           "exit", "time", "t"):
            return [Notice(sentence(self._room._may_act(self._room.player(self.name)) or
                                     "wait for your teacher"), "warning")]
        self._sync()
        outs = super().handle(line)
        result: list[Output] = []
        for o in outs:
            result.append(o)
            if isinstance(o, Screen):
                result.extend(self._room.screen_notes(self._room.players[name_key(self.name)]))
        return result

    def commands(self) -> dict[str, Callable[[str], list[Output]]]:
        cmds = {k: v for k, v in super().commands().items() if k not in _NOT_IN_CLASS}
        cmds.update({"say": self.cmd_say, "'": self.cmd_say, "who": self.cmd_who,
                     "pause": self.cmd_pause})
        return cmds

    def command_help(self) -> dict[str, str]:
        return {**super().command_help(), **CLASS_COMMANDS}

    def cmd_time(self, rest: str) -> list[Output]:
        room = self._room
        news = (f"The class clock is at {room.hhmm(room.now)}; you may act until "
                f"{room.hhmm(room.limit)}.")
        if not self.begun:
            return [Notice(news)]
        return [*super().cmd_time(rest), Notice(news)]

    def cmd_say(self, rest: str) -> list[Output]:
        res = self._room.say(self.name, rest)
        return [] if res.ok else [Notice(sentence(res.message), "warning")]

    def cmd_who(self, rest: str) -> list[Output]:
        if not self.begun:
            return [Notice("Your part of the night has not begun yet.")]
        return [self._room.who_here(self.name)]

    def cmd_pause(self, rest: str) -> list[Output]:
        res = self._room.alert(self.name, rest)
        return [] if res.ok else [Notice(sentence(res.message), "warning")]

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

