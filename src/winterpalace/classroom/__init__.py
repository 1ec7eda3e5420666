"""A class session: one shared night for many students, its teacher's console, its journal,
the debrief, and the door that keeps strangers out.

Layers inside the package, lowest first: `names`, `codes`, `door`, `ballots` and `room` (the
pure night: records in, deliveries out); `journal` and `sessions` (the disk); `player` (a
student's commands); `server` (the live hub); `connection` (a student's conversation, whatever
the transport); `ssh`, `telnet` (transports); `timeline` (the night as a picture, pure, for
the debrief and a live view); `addresses` (this computer's, for the join line); `console`,
`debrief`, `cli` on top.
"""
