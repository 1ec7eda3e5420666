"""The browser front end: one page for reading and choosing, served from the package.

`protocol` turns the game's typed outputs into JSON messages (the page builds its DOM from
them with `textContent`, never markup); `http` serves the page's files with strict headers
and checks every WebSocket (Host, Origin, size, rate); `play` is `winterpalace play --web`,
the single-player game on this computer. The classroom's own web transport and projector
view are in `classroom/web.py`, on top of these.
"""

__all__ = ["http", "play", "protocol"]
