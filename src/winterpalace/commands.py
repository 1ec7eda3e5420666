"""One way to dispatch typed commands: a table of `Command`s that also writes the help.

The player's commands (`Session.COMMANDS`), the classroom player's (`ClassroomSession.COMMANDS`,
built from the player's with `.minus` and `.plus`) and the facilitator's console
(`console.COMMANDS`) are each one class-level `CommandTable`, whose handlers take the object
they run on first. A table finds a command by its word or an alias, lists the words for
completion and hints, and gives `usage -> what it does` for `help`: a command added to the table
is in all three, and a command removed is in none. (The classroom room's journalled actions are
not typed commands: they are the `_BY_KIND` table in `classroom/room/`.)

    class Game:
        def cmd_wait(self, rest): ...
        def cmd_look(self, rest): ...
        COMMANDS = CommandTable([
            Command("wait [MINUTES]", "let time pass", cmd_wait, aliases=("w", "z")),
            Command("look", "show where you are again", cmd_look, aliases=("l",)),
        ])

    game.COMMANDS.find("z").run(game, "10")
    game.COMMANDS.closest("wiat")    # "wait": for "did you mean ...?"

This module is the bottom layer: standard library only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Command", "CommandTable"]

H = TypeVar("H", bound=Callable[..., object])


@dataclass(frozen=True, slots=True)
class Command(Generic[H]):
    """A command: its usage (`"wait [MINUTES]"`, the first word is the command), one line of
    help, what runs it, and other words that run it too. A `hidden` command works but is not
    in the help."""

    usage: str
    what: str
    run: H
    aliases: tuple[str, ...] = ()
    hidden: bool = False

    @property
    def word(self) -> str:
        return self.usage.split()[0]

    @property
    def words(self) -> tuple[str, ...]:
        return (self.word, *self.aliases)


class CommandTable(Generic[H]):
    """Commands in help order, found by word or alias (case-insensitively)."""

    def __init__(self, commands: Iterable[Command[H]] = ()) -> None:
        self._commands: dict[str, Command[H]] = {}
        self._by_word: dict[str, Command[H]] = {}
        for command in commands:
            self._add(command)

    def _add(self, command: Command[H]) -> None:
        old = self._commands.pop(command.word, None)
        if old is not None:
            for word in old.words:
                self._by_word.pop(word, None)
        self._commands[command.word] = command
        for word in command.words:
            self._by_word[word.lower()] = command

    def find(self, word: str) -> Command[H] | None:
        """The command `word` (or an alias) runs, if any."""
        return self._by_word.get(word.lower())

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.lower() in self._by_word

    def __iter__(self) -> Iterator[Command[H]]:
        return iter(self._commands.values())

    def __len__(self) -> int:
        return len(self._commands)

    def words(self, aliases: bool = False) -> list[str]:
        """Each command's word in help order (and its aliases after it, if asked)."""
        if aliases:
            return [w for c in self for w in c.words]
        return [c.word for c in self]

    def closest(self, word: str) -> str | None:
        """The command word a misspelt `word` (three letters or more) most likely meant."""
        if not 3 <= len(word) <= 40:
            return None
        import difflib  # only for mistakes
        close = difflib.get_close_matches(word.lower(), self.words(), n=1, cutoff=0.6)
        return close[0] if close else None

    def help(self) -> dict[str, str]:
        """`usage -> what it does` for the commands not hidden, in order."""
        return {c.usage: c.what for c in self if not c.hidden}

    def plus(self, *commands: Command[H]) -> CommandTable[H]:
        """This table with `commands` added (a command with the same word is replaced)."""
        table = CommandTable(self)
        for command in commands:
            table._add(command)
        return table

    def rerouted(self, word: str, run: H | None = None,
                 what: str | None = None) -> CommandTable[H]:
        """This table with the command `word` names run by `run` instead (a subclass's own
        version of its handler), or said in its help as `what`: its usage, aliases and place
        kept."""
        old = self.find(word)
        if old is None:
            raise KeyError(word)
        new = dataclasses.replace(old, run=old.run if run is None else run,
                                  what=old.what if what is None else what)
        return CommandTable(new if c is old else c for c in self)

    def minus(self, *words: str) -> CommandTable[H]:
        """This table without the commands `words` name (by word or alias)."""
        gone = {id(c) for w in words if (c := self.find(w)) is not None}
        return CommandTable(c for c in self if id(c) not in gone)
