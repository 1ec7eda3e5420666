"""The classroom lesson: role packets, the class's votes, caucus breaks, content mode, the
debrief, and expiry of session data. Builds on `winterpalace.classroom`."""
