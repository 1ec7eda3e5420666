"""A class session: one shared night for many students, its teacher's console, its journal,
the debrief, and the door that keeps strangers out.

Layers inside the package, lowest first: `names`, `codes`, `door`, `ballots`, `sight` (what
each scene can read of the shared world, so news reaches only those it concerns) and the
`room/` package (`room/state`, `news`, `votes`, `clock`, `students`, `teacher`, put together
in `room`: the pure night, records in, deliveries out); `journal` and `class_folder` (the disk:
a class session's journal and its folder); `player` (a student's commands); `server` (the live
hub); `terminal` (what a conversation needs from a transport) with `render` (a student's
outputs for their terminal), `ptterminal`, `lineprompt` and `keyinput` (prompt_toolkit over a
socket); `connection` (a student's conversation, whatever the transport); `ssh` (with
`asyncssh_patch`, the one patch of asyncssh's insides), `telnet`, `web` (transports);
`timeline` (the night as a picture, pure, for the debrief and a live view); `addresses` (this
computer's, for the join line); `console`, `debrief`, `cli` on top.

The public API is below (`__all__`); the transports, the simulated students (`simulate`,
`websim`, for tests and benchmarks) and `cli` are imported from their modules.
"""

from .class_folder import ClassFolder, ClassFolderBusy, ClassFolderError, class_folders
from .console import FacilitatorConsole
from .journal import Journal, JournalError, read_journal
from .names import clean_name, clean_text, name_key
from .player import ClassroomSession
from .room import LogLine, Player, Result, Room, RoomError
from .server import Classroom

__all__ = ["ClassFolder", "ClassFolderBusy", "ClassFolderError", "Classroom",
           "ClassroomSession", "FacilitatorConsole", "Journal", "JournalError", "LogLine",
           "Player", "Result", "Room", "RoomError", "class_folders", "clean_name", "clean_text",
           "name_key", "read_journal"]
