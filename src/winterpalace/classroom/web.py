"""The classroom in a browser: students on a web page in the same night as the SSH students,
and the teacher's projector view. Served by aiohttp in the server's own event loop.

A browser student is one more transport: the same door (connection caps, three codes per
connection, backoff per address, the server-wide limit), the same conversation
(`connection.PlayerConnection`: name, PIN, role, faction, the night, `say`, `alert`), the same
room, journal, rate limits and idle timeouts. Only the wire differs: typed outputs go out as
JSON (`web.protocol`) and the page builds them with `textContent`; questions go out as data,
so the page shows buttons and forms.

Taking the seat again. At first join the page is given the PIN like everyone, and a *seat
token* it keeps in the browser (localStorage): an HMAC, under a key kept in the session folder
(`web.key`), of the session, the student's name and their current PIN's record. Opening the
page again (a closed tab, a reload, a dropped Wi-Fi) takes the seat back without the PIN, also
after the server is resumed. The token is worth exactly what the name and PIN are worth: it
dies when the teacher `admit`s the student (a new PIN), when the session ends or the student
is removed, and "Leave this device" on the page forgets it. Over plain HTTP anyone on the
network can read the code, the PIN and the token as they pass (as with telnet): the console
says so, and `--tls-cert/--tls-key` encrypt the page.

The projector (`/projector`) shows the class clock, who is where, the class's votes as they
are cast, alerts (counted; their words only when the teacher asks) and the night's timeline as
the debrief draws it. It is open to this computer (loopback) and, from elsewhere, to a link
with the teacher's key (`/projector#key=...`, printed on the console).
"""

from __future__ import annotations

import asyncio
import base64
import copy
import dataclasses
import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from ..session import Notice, Output, Screen
from ..web import protocol
from ..web.http import Bucket, Served, Socket, is_loopback, make_app, open_socket, peer, serve
from .class_folder import write_private
from .connection import PLAY, PlayerConnection, Question, error_line
from .room import LogLine, Room
from .server import Classroom
from .terminal import IdleTimeout, Prompt

SEAT_KEY_FILE = "web.key"
PROJECTOR_KEY_FILE = "projector.key"
LOGIN_TIMEOUT = 180.0        # seconds on the code form before the connection is closed
MAX_TYPEAHEAD = 50           # lines sent ahead of the questions; more are dropped
PROJECTOR_EVERY = 0.25       # seconds: the projector is redrawn at most this often
TIMELINE_EVERY = 5.0         # seconds: the timeline is drawn again at most this often

STOPPING_PAGE = ("The class is stopping for now; your place is kept. This page takes you back "
                 "to it when your teacher starts the class again.")
WARNING = ("WARNING: the browser page is plain HTTP, not encrypted: the class code, PINs and "
           "everything students type travel in clear text over the network. Use it on a "
           "network you trust, or give --tls-cert and --tls-key.")


# ------------------------------------------------------------------------------ seat tokens


class SeatTokens:
    """Signed tokens that take a seat again without the PIN (see the module's docstring)."""

    def __init__(self, secret: bytes, class_folder: str):
        self.secret = secret
        self.class_folder = class_folder   # its name: a token is for one class session

    @classmethod
    def for_folder(cls, folder: Path) -> SeatTokens:
        """The session's key from `web.key` (made, 0600, the first time)."""
        path = folder / SEAT_KEY_FILE
        try:
            secret = bytes.fromhex(path.read_text("ascii").strip())
        except (OSError, ValueError):
            secret = b""
        if len(secret) < 32:
            secret = secrets.token_bytes(32)
            write_private(path, secret.hex() + "\n")
        return cls(secret, folder.name)

    def _sign(self, payload: bytes) -> str:
        mac = hmac.new(self.secret, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    @staticmethod
    def _pin_print(pin_record: str) -> str:
        return hashlib.sha256(pin_record.encode()).hexdigest()[:16]

    def make(self, room: Room, name: str) -> str:
        p = room.player(name)
        assert p is not None
        body = json.dumps({"s": self.class_folder, "k": p.key, "p": self._pin_print(p.pin)},
                          separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + self._sign(body)

    def check(self, room: Room, token: object) -> str | None:
        """The name whose seat `token` takes, or None (forged, old, or for another session)."""
        if not isinstance(token, str) or len(token) > 600 or token.count(".") != 1:
            return None
        head, sig = token.split(".")
        try:
            body = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        if not hmac.compare_digest(self._sign(body), sig) or not isinstance(data, dict):
            return None
        p = room.players.get(str(data.get("k")))
        if data.get("s") != self.class_folder or p is None or p.removed or room.ended:
            return None
        if not hmac.compare_digest(self._pin_print(p.pin), str(data.get("p"))):
            return None
        return p.name


def kept_projector_key(folder: Path) -> str:
    """The projector link's key, kept in the session folder (`projector.key`, 0600) so a link
    opened on another computer works again after `--resume`; made the first time (and again
    only if the teacher deletes the file)."""
    path = folder / PROJECTOR_KEY_FILE
    try:
        key = path.read_text("ascii").strip()
    except (OSError, ValueError):
        key = ""
    if len(key) < 24 or not key.replace("-", "").replace("_", "").isalnum():
        key = secrets.token_urlsafe(18)
        write_private(path, key + "\n")
    return key


# ------------------------------------------------------------------------------ students


class WebTerminal:
    """The `terminal.Terminal` of a browser student: lines come as `line` messages."""

    def __init__(self, sock: Socket, username: str):
        self.sock = sock
        self._username = username
        self.lines: asyncio.Queue[str | BaseException] = asyncio.Queue()

    @property
    def username(self) -> str:
        return self._username

    @property
    def terminal_type(self) -> str | None:
        return None

    @property
    def address(self) -> str:
        return self.sock.address

    @property
    def lost(self) -> bool:
        return self.sock.closed

    def columns(self) -> int:
        return 80

    def put(self, line: str) -> None:
        if self.lines.qsize() < MAX_TYPEAHEAD:
            self.lines.put_nowait(line)

    async def read_line(self, prompt: Prompt, timeout: float | None) -> str:
        if self.lost and self.lines.empty():
            raise EOFError
        try:
            got = await asyncio.wait_for(self.lines.get(), timeout)
        except TimeoutError:
            raise IdleTimeout from None
        if isinstance(got, BaseException):
            if isinstance(got, EOFError):
                self.lines.put_nowait(got)        # stays ended for the next question
            raise got
        return got

    def write(self, text: str) -> None:
        self.sock.send(protocol.outputs([Notice(text.strip())]))

    def close_input(self) -> None:
        self.lines.put_nowait(EOFError())


class WebStudent(PlayerConnection):
    """The conversation, with questions sent as data and outputs as JSON."""

    confirm_name = False          # the name was typed in the page's first form

    def __init__(self, hub: Classroom, term: WebTerminal, tokens: SeatTokens,
                 seat: str | None = None, **timeouts: float):
        super().__init__(hub, term, **timeouts)
        self.web_term = term
        self.tokens = tokens
        self.seat = seat
        self._asked: tuple[Any, ...] | None = None

    async def read(self, message: Prompt, timeout: float | None, question: Question) -> str:
        text = message() if callable(message) else message
        key = (question.kind,) if question is PLAY else (question, text)
        if key != self._asked:
            self._asked = key
            self.web_term.sock.send(protocol.ask(question.kind, text, question.title,
                                                 question.options, question.default))
        line = await self.web_term.read_line(message, timeout)
        if question is not PLAY:
            self._asked = None     # the same question asked again is sent again
        return line

    def show_menu(self, question: Question) -> None:
        pass                       # the options go with the question itself

    def _print(self, outs: list[Output]) -> None:
        if not outs or self.term.lost:
            return
        room = self.hub.room
        sock = self.web_term.sock
        view = next((o.view for o in reversed(outs) if isinstance(o, Screen)), None)
        # The bar first: the page scrolls a new scene to just under it.
        sock.send(protocol.status(view, {"class": class_clock(room)}))
        sock.send(protocol.outputs(outs, room.world))

    async def enter(self) -> bool:
        room = self.hub.room
        if self.seat is not None:
            p = room.player(self.seat)
            if p is not None and not p.removed and not room.ended:
                ok = await self._seat(p.name)
                if ok:
                    self._give_token()
                return ok
        ok = await super().enter()
        if ok:
            self._give_token()
        return ok

    def _give_token(self) -> None:
        if self.name is not None:
            self.web_term.sock.send({"t": "seat", "name": self.name,
                                     "token": self.tokens.make(self.hub.room, self.name)})


def class_clock(room: Room) -> dict[str, Any]:
    state = "ended" if room.ended else "caucus break" if room.caucus_minutes else \
        "paused" if room.paused else "running" if room.started else "not started"
    return {"now": room.hhmm(room.now), "limit": room.hhmm(room.limit), "state": state,
            "pace": room.pace}


# ------------------------------------------------------------------------------ projector


class Projector:
    """The teacher's live view of the class, pushed to every open projector page."""

    def __init__(self, hub: Classroom, key: str):
        self.hub = hub
        self.key = key
        self.sockets: set[Socket] = set()
        self._pending: asyncio.TimerHandle | None = None
        self._timeline = ""
        self._timeline_version = 0
        self._timeline_at = 0.0
        self._timeline_due: asyncio.TimerHandle | None = None
        self._drawing: asyncio.Future[str] | None = None
        self._again = False                  # changed while being drawn: draw once more
        self._sent_version: dict[Socket, int] = {}

    def allowed(self, address: str, key: object) -> bool:
        """This computer, or anyone with the teacher's key."""
        if is_loopback(address):
            return True
        return isinstance(key, str) and hmac.compare_digest(key.encode(), self.key.encode())

    def changed(self, lines: list[LogLine]) -> None:
        """Called after each change to the class: redraw soon (at most every 0.25 s)."""
        if not self.sockets or self._pending is not None:
            return
        self._pending = asyncio.get_running_loop().call_later(PROJECTOR_EVERY, self._push)

    def _push(self) -> None:
        self._pending = None
        if not self.sockets:
            return
        msg = self.snapshot()
        for s in list(self.sockets):
            self.send(s, msg)

    def send(self, sock: Socket, msg: dict[str, Any]) -> None:
        """Send a snapshot; the timeline (the largest part) only when this page lacks it."""
        version = msg.get("timeline_version", 0)
        if self._sent_version.get(sock) == version:
            msg = {k: v for k, v in msg.items() if k != "timeline"}
        self._sent_version[sock] = version
        sock.send(msg)

    def forget(self, sock: Socket) -> None:
        self.sockets.discard(sock)
        self._sent_version.pop(sock, None)

    def snapshot(self) -> dict[str, Any]:
        room = self.hub.room
        world = room.world
        on, total = room.connected_count()
        timeline = self._timeline_now(room)
        return {"t": "class", "title": world.title, "clock": class_clock(room),
                "connected": on, "students": total, "plan": self._plan(room),
                "votes": self._votes(room), "alerts": self._alerts(room),
                "timeline": timeline, "timeline_version": self._timeline_version}

    def _plan(self, room: Room) -> dict[str, Any]:
        from .timeline import OTHER_COLOUR, colours  # the timeline's colours

        world = room.world
        colour = colours(dict(world.areas))
        where: dict[str, list[dict[str, Any]]] = {}
        lobby = []
        for p in sorted(room.present(), key=lambda q: q.key):
            who = {"name": p.name, "role": room.role_name(p), "connected": p.connected,
                   "ended": p.ps is not None and p.ps.ending is not None,
                   "time": room.hhmm(p.ps.time) if p.ps else ""}
            place = room.place_of(p)
            if place is None:
                lobby.append(who)
            else:
                where.setdefault(place, []).append(who)
        areas = []
        for aid, area in [*world.areas.items(), ("", None)]:
            places = [pl for pl in world.places.values() if (pl.area or "") == aid]
            if area is None and not places:
                continue
            shown = [{"id": pl.id, "name": pl.name, "students": where[pl.id]}
                     for pl in places if pl.id in where]
            areas.append({"id": aid, "name": area.name if area else "Elsewhere",
                          "colour": colour.get(aid, OTHER_COLOUR),
                          "places": shown, "quiet": len(places) - len(shown)})
        return {"areas": areas, "lobby": lobby}

    def _votes(self, room: Room) -> list[dict[str, Any]]:
        out = []
        secret = room.votes.secret
        for v in room.votes.by_hold():
            scene = room.world.scenes.get(v.scene)
            question = scene.decision.question if scene and scene.decision else v.id
            ballots = room.votes.ballots.get(v.id, {})
            tally = room.votes.counted.get(v.id)
            counts = None
            if not secret:
                counts = {o: sum(1 for b in ballots.values() if b.option == o)
                          for o, _ in v.options}
            out.append({"id": v.id, "question": question, "hold": room.hhmm(v.hold),
                        "cast": len(ballots), "waiting": len(room.eligible(v)) if not tally
                        else 0, "counts": counts, "secret": secret,
                        "result": tally.line() if tally else None})
        return out

    def _alerts(self, room: Room) -> dict[str, Any]:
        waiting = sorted(n for n, f in self.hub.admits.items() if not f.done())
        shown = [room.players[k].name if k in room.players else k for k in waiting]
        return {"count": len(room.alerts),
                "items": [{"name": n, "text": t} for n, t in room.alerts[-20:]],
                "admit": shown}

    def _timeline_now(self, room: Room) -> str | None:
        """The debrief's timeline as last drawn (None before anyone's night has begun); asks
        for it to be drawn again, at most every few seconds and off the event loop (with a
        hundred students it is a 300 KB drawing: 20 ms no student should wait for)."""
        if not room.started and not any(p.ps for p in room.players.values()):
            return None
        if self._drawing is not None:
            self._again = True
        elif self._timeline_due is None:
            wait = TIMELINE_EVERY - (time.monotonic() - self._timeline_at)
            if wait <= 0:
                self._draw()
            else:      # changes inside the interval are drawn when it has passed
                self._timeline_due = asyncio.get_running_loop().call_later(wait, self._draw)
        return self._timeline

    def _draw(self) -> None:
        self._timeline_due = None
        self._timeline_at = time.monotonic()
        self._again = False
        room = _still(self.hub.room)         # taken now, on the loop: one consistent moment
        self._drawing = asyncio.ensure_future(asyncio.to_thread(_timeline, room))
        self._drawing.add_done_callback(self._drawn)

    def _drawn(self, done: asyncio.Future[str]) -> None:
        self._drawing = None
        if done.cancelled():
            return
        error = done.exception()
        if error is not None:
            self.hub.on_log([LogLine("alert", f"the projector's timeline could not be drawn: "
                                              f"{type(error).__name__}: {error}")])
            return
        if done.result() != self._timeline:
            self._timeline = done.result()
            self._timeline_version += 1
            self._push()
        elif self._again:
            self._timeline_now(self.hub.room)

    def close(self) -> None:
        for h in (self._pending, self._timeline_due):
            if h is not None:
                h.cancel()


def _still(room: Room) -> Room:
    """A copy of the room that the night's next changes do not touch, for drawing in another
    thread: the players and counted votes copied (their states are never changed in place:
    each change makes new ones), the rest shared."""
    still = copy.copy(room)
    still.players = {k: dataclasses.replace(p) for k, p in room.players.items()}
    still.votes = copy.copy(room.votes)
    still.votes.counted = dict(room.votes.counted)
    return still


def _timeline(room: Room) -> str:
    from . import timeline

    return timeline.svg(timeline.from_room(room, room.world.title, now=room.now))


# ------------------------------------------------------------------------------ the site


class WebClass:
    """The web front end of one classroom: the page, students' sockets, the projector."""

    def __init__(self, hub: Classroom, tokens: SeatTokens, projector_key: str = "",
                 question_timeout: float | None = None, play_timeout: float | None = None,
                 names: set[str] | None = None):
        self.hub = hub
        self.tokens = tokens
        self.projector = Projector(hub, projector_key or kept_projector_key(hub.folder))
        self.timeouts: dict[str, float] = {}
        if question_timeout is not None:
            self.timeouts["question_timeout"] = question_timeout
        if play_timeout is not None:
            self.timeouts["play_timeout"] = play_timeout
        self.tasks: set[asyncio.Task[Any]] = set()
        self.sockets: set[Socket] = set()
        self.students: set[WebStudent] = set()
        self.stopping = False
        self.url = ""                # as students type it (set by whoever starts the site)
        self.served: Served | None = None
        self.app = make_app(names)
        self.app.router.add_get("/ws", self.student_socket)
        self.app.router.add_get("/projector/ws", self.projector_socket)
        hub.observers.append(self.projector.changed)

    @property
    def port(self) -> int:
        assert self.served is not None
        return self.served.port

    @property
    def secure(self) -> bool:
        return self.served is not None and self.served.secure

    def _hello(self) -> dict[str, Any]:
        w = self.hub.world
        return {"t": "hello", "mode": "class", "title": w.title, "subtitle": w.subtitle,
                "secure": self.secure, "version": protocol.VERSION}

    async def student_socket(self, request: web.Request) -> web.StreamResponse:
        ws = await open_socket(request)
        if not isinstance(ws, web.WebSocketResponse):
            return ws
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        sock = Socket(ws, peer(request))
        self.sockets.add(sock)
        try:
            await self._student(sock)
        except Exception as e:
            self.hub.on_log([error_line(e)])
        finally:
            self.sockets.discard(sock)
            self.tasks.discard(task)
            await sock.close()
        return ws

    async def _student(self, sock: Socket) -> None:
        door, room = self.hub.door, self.hub.room
        refusal = door.arrive(sock.address)
        if refusal is not None:
            sock.send({"t": "bye", "text": refusal, "forget": False})
            return
        admitted = False
        messages = sock.messages(Bucket()).__aiter__()
        try:
            sock.send(self._hello())
            first = await asyncio.wait_for(messages.__anext__(), LOGIN_TIMEOUT)
            seat = self.tokens.check(room, first.get("seat")) if first.get("t") == "hello" \
                else None
            name = ""
            if seat is None:
                note = "" if not first.get("seat") else \
                    "Your saved seat is no longer open: type the class code to join again."
                got = await self._login(sock, messages, note)
                if got is None:
                    return
                name = got
            admitted = True
            door.admitted(sock.address)
            term = WebTerminal(sock, name)
            student = WebStudent(self.hub, term, self.tokens, seat, **self.timeouts)
            pump = asyncio.create_task(self._pump(messages, term))
            self.students.add(student)
            try:
                await student.run()
            finally:
                self.students.discard(student)
                pump.cancel()
            if self.stopping:
                return
            p = room.player(student.name or "")
            forget = p is None or p.removed or room.ended
            if student.kicked and not forget:
                text = "This seat is now open on another screen."
            elif forget and p is not None:
                text = "The session is over for you. Thank you for playing."
            else:
                text = "You have left the class. Your place is kept."
            sock.send({"t": "bye", "text": text, "forget": forget and student.name is not None})
        except (TimeoutError, StopAsyncIteration):
            pass
        finally:
            door.leave(sock.address, admitted)

    async def _login(self, sock: Socket, messages: Any, note: str) -> str | None:
        """Ask for the class code (and a name) through the door; the name, or None."""
        door = self.hub.door
        tries = 0
        sock.send({"t": "login", "note": note} if note else {"t": "login"})
        while True:
            msg = await asyncio.wait_for(messages.__anext__(), LOGIN_TIMEOUT)
            if msg.get("t") != "login":
                continue
            refusal = door.may_try(sock.address)
            if refusal is not None:
                sock.send({"t": "bye", "text": refusal, "forget": False})
                return None
            if await self.hub.check_code(protocol.text_field(msg, "code", 200)):
                return protocol.text_field(msg, "name", 100).strip()
            tries += 1
            await asyncio.sleep(door.wrong(sock.address))
            if tries >= door.limits.tries_per_connection:
                sock.send({"t": "bye", "forget": False, "text": "Wrong class code three "
                           "times. Ask your teacher for the code, then try again."})
                return None
            sock.send({"t": "login", "error": "That is not the class code. Check it with "
                       "your teacher (capitals, spaces and hyphens do not matter)."})

    async def _pump(self, messages: Any, term: WebTerminal) -> None:
        """The browser's lines into the conversation, until the socket closes."""
        try:
            async for msg in messages:
                kind = msg.get("t")
                if kind == "line":
                    term.put(protocol.text_field(msg, "text"))
                elif kind == "leave":
                    break
        finally:
            term.close_input()

    async def projector_socket(self, request: web.Request) -> web.StreamResponse:
        ws = await open_socket(request)
        if not isinstance(ws, web.WebSocketResponse):
            return ws
        sock = Socket(ws, peer(request))
        try:
            messages = sock.messages(Bucket()).__aiter__()
            first = await asyncio.wait_for(messages.__anext__(), LOGIN_TIMEOUT)
            if not self.projector.allowed(sock.address, first.get("key")):
                sock.send({"t": "bye", "forget": True, "text": "The projector view opens on "
                           "the teacher's computer, or with the link the console shows."})
                return ws
            self.projector.sockets.add(sock)
            self.projector.send(sock, self.projector.snapshot())
            async for _ in messages:
                pass
        except (TimeoutError, StopAsyncIteration):
            pass
        finally:
            self.projector.forget(sock)
            await sock.close()
        return ws

    async def close(self, goodbye: float = 0.3) -> None:
        """Say goodbye to every browser, close their sockets and stop listening."""
        self.stopping = True
        self.projector.close()
        if self.projector.changed in self.hub.observers:
            self.hub.observers.remove(self.projector.changed)
        # Every conversation (here and on the other transports) is told in its own words;
        # the pages also get a farewell that says they come back by themselves.
        self.hub.say_goodbye()    # each conversation marks its student away itself
        for s in self.sockets:
            s.send({"t": "bye", "forget": False, "retry": True, "text": STOPPING_PAGE})
        for s in self.projector.sockets:
            s.send({"t": "bye", "forget": False, "retry": True, "text": "The class is "
                    "stopping for now. This view comes back by itself when your teacher "
                    "starts the class again."})
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=goodbye)
        # Pages still at the code form or the projector are closed from here (their own
        # handlers wait for the browser's next message).
        await asyncio.gather(*(s.close(1001, "The class server has stopped.")
                               for s in list(self.sockets) + list(self.projector.sockets)))
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=1)
        if self.served is not None:
            await self.served.close()
        for t in self.tasks:
            t.cancel()


async def start_web(hub: Classroom, host: str, port: int, tls: Any = None,
                    question_timeout: float | None = None, play_timeout: float | None = None,
                    names: set[str] | None = None, projector_key: str = "") -> WebClass:
    """Serve the class's page on host:port (0: any free port). Raises OSError."""
    site = WebClass(hub, SeatTokens.for_folder(hub.folder), projector_key, question_timeout,
                    play_timeout, names)
    site.served = await serve(site.app, host, port, tls)
    return site




# ------------------------------------------------------------------------------ the console

DEFAULT_PORT = 8080           # the page's port unless --web says otherwise


async def start_from_args(hub: Classroom, args: Any, host_name: str
                          ) -> tuple[WebClass | None, list[str], str | None]:
    """Start the page as the options say: (the site or None, lines for the console, an error
    that should stop the server or None). The default port being taken is not an error: the
    class goes on without the page, and the console says how to have it."""
    web = (args.web or "").strip().lower()
    if web == "off":
        return None, [], None
    port = int(web) if web else DEFAULT_PORT
    tls = None
    if args.tls_cert:
        from ..web.http import tls_context
        try:
            tls = tls_context(args.tls_cert, args.tls_key)
        except (OSError, ValueError) as e:
            return None, [], (f"--tls-cert/--tls-key: cannot use {args.tls_cert} and "
                              f"{args.tls_key}: {getattr(e, 'strerror', None) or e}")
    try:
        site = await start_web(hub, args.host, port, tls, args.question_timeout,
                               args.idle_timeout, projector_key=args.projector_key or "")
    except OSError as e:
        why = f"cannot serve the browser page on {args.host}:{port}: {e.strerror or e}"
        if web:
            return None, [], why + ". Try another --web port."
        return None, [(f"note: {why}. The class runs without it; start with --web PORT "
                       "(or --web off) to choose.")], None
    scheme = "https" if tls else "http"
    shown = "" if (scheme, site.port) in (("http", 80), ("https", 443)) else f":{site.port}"
    url = site.url = f"{scheme}://{host_name}{shown}"
    lines = [(f"Browser page: {url}  (for students with no ssh: they type the class code "
              "there)"),
             (f"Projector view: {scheme}://127.0.0.1{shown}/projector on this computer; from "
              f"another: {url}/projector#key={site.projector.key}")]
    if not tls:
        lines.insert(0, WARNING)
    return site, lines, None


__all__ = ["DEFAULT_PORT", "WARNING", "Projector", "SeatTokens", "WebClass", "WebStudent",
           "kept_projector_key", "start_from_args", "start_web"]
