"""`winterpalace play --web`: the single-player game in a browser on this computer.

The same `menus.Flow` the terminal drives (title, roles, the night, the ending menu), the
same saves (autosaved after every turn, `--continue`, `save`/`load`), the same page as a
classroom student's. The server listens on 127.0.0.1 only and wants the key in the address
it prints (`http://127.0.0.1:8000/#key=...`), so no other user of this computer, and no web
page open in the browser, can play in your name. One tab plays at a time: opening another
moves the game there. Quitting in the page (or Ctrl-C here) saves and stops the server.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import signal
import sys
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..engine import World
from ..errors import EXIT_ERROR, EXIT_OK, stderr
from ..menus import EndingMenu, Flow, FlowOutput, Goodbye
from ..saves import SaveStore
from ..session import Output, Screen
from . import protocol
from .http import Bucket, Socket, is_loopback, make_app, open_socket, peer, serve

HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class SinglePlayer:
    """One player's Flow, played from whichever tab has it now."""

    def __init__(self, world: World, flow: Flow, key: str, opening: list[FlowOutput]):
        self.world = world
        self.flow = flow
        self.key = key
        self.opening: list[FlowOutput] | None = opening
        self.sock: Socket | None = None
        self.done = asyncio.Event()
        self.app = make_app({"localhost"})
        self.app.router.add_get("/ws", self.socket)

    def _hello(self) -> dict[str, Any]:
        return {"t": "hello", "mode": "single", "title": self.world.title,
                "subtitle": self.world.subtitle, "secure": False,
                "version": protocol.VERSION}

    async def socket(self, request: web.Request) -> web.StreamResponse:
        ws = await open_socket(request)
        if not isinstance(ws, web.WebSocketResponse):
            return ws
        sock = Socket(ws, peer(request))
        try:
            await self._play(sock)
        finally:
            if self.sock is sock:
                self.sock = None
                self.flow.hangup()          # a closed tab: the game is autosaved
            await sock.close()
        return ws

    async def _play(self, sock: Socket) -> None:
        messages = sock.messages(Bucket()).__aiter__()
        sock.send(self._hello())
        try:
            first = await asyncio.wait_for(messages.__anext__(), 60)
        except (TimeoutError, StopAsyncIteration):
            return
        key = first.get("key")
        if not is_loopback(sock.address) or not isinstance(key, str) \
                or not hmac.compare_digest(key.encode(), self.key.encode()):
            sock.send({"t": "bye", "forget": True, "text": "Open the address your terminal "
                       "shows (it ends with #key=...) to play here."})
            return
        if self.sock is not None:
            old, self.sock = self.sock, None
            old.send({"t": "bye", "forget": False, "text": "Your game is now open in "
                      "another tab."})
            await old.close()
        self.sock = sock
        self._show(sock, self._resume())
        async for msg in messages:
            if self.sock is not sock:
                return
            if msg.get("t") == "leave":
                return
            if msg.get("t") != "line":
                continue
            outs = self.flow.handle(protocol.text_field(msg, "text"))
            self._show(sock, outs)
            if self.flow.done:
                self.done.set()
                return

    def _resume(self) -> list[FlowOutput]:
        """What a tab shows when it takes the game: the opening, or where the player is."""
        if self.opening is not None:
            out, self.opening = self.opening, None
            return out
        if self.flow.session is not None and self.flow.state in ("play", "ended"):
            return self.flow.start()
        return [self.flow.title_screen()]

    def _show(self, sock: Socket, outs: list[FlowOutput]) -> None:
        bye = [o for o in outs if isinstance(o, Goodbye)]
        shown = [o for o in outs if not isinstance(o, Goodbye)]
        view = next((o.view for o in reversed(shown) if isinstance(o, Screen)), None)
        if view is not None:
            sock.send(protocol.status(view))     # the bar first: a new scene scrolls under it
        if shown:
            sock.send(protocol.outputs(shown, self.world))
        if bye:
            sock.send({"t": "bye", "forget": False, "final": True, "text": bye[-1].text.replace(
                "`winterpalace play --continue` takes you back to it",
                "`winterpalace play --web --continue` (or `winterpalace play --continue` in "
                "a terminal) takes you back to it")})
            return
        sock.send(self._ask(outs))

    def _ask(self, outs: list[Any]) -> dict[str, Any]:
        """The question the flow's state asks, as data (the page shows it as buttons)."""
        flow = self.flow
        if flow.state == "title":
            opts = [_Opt(str(r.number), r.name, f"{r.area}, from {r.start}: {r.title}")
                    for r in flow.roles]
            for n, info in enumerate(flow.store.unfinished()[:5] if flow.store else []):
                opts.append(_Opt("continue" if n == 0 else f"load {info.slot}",
                                 f"Continue: {info.role_name}",
                                 f", {info.clock}, {info.scene_title}"))
            return protocol.ask("menu", "Choose a role", "Roles", opts)
        if flow.state == "confirm" and flow.pending is not None:
            return protocol.ask("menu", "", "", [
                _Opt("yes", f"Begin the night as {flow.pending.name}"),
                _Opt("back", "Back to the roles")])
        if flow.state == "night":
            return protocol.ask("menu", "An unfinished night", "", [
                _Opt("1", "Continue that night"),
                _Opt("2", "Begin a new night", " (that one is kept)"),
                _Opt("3", "Back to the roles")])
        if flow.state == "ended":
            menu = next((o for o in outs if isinstance(o, EndingMenu)), None)
            role = menu.role_name if menu else ""
            options = menu.options if menu else EndingMenu(role).options
            return protocol.ask("menu", "What now?", "", [
                _Opt(str(n), o.format(role=role)) for n, o in enumerate(options, 1)])
        return protocol.ask("play", flow.prompt_hint())


@dataclass(frozen=True, slots=True)
class _Opt:
    """An option of a menu (what `protocol.ask` sends: answer, label, detail)."""

    answer: str
    label: str
    detail: str = ""
    unavailable: str | None = None


def run(world: World, store: SaveStore, role: str | None, seed: int | None,
        resume: bool, gentle: bool, port: int) -> int:
    """Serve the game on 127.0.0.1:`port` until the player quits or Ctrl-C. Exit status."""
    flow = Flow(world, store=store, seed=seed, confirm=True, gentle=gentle)
    opening = flow.start(role=role, resume=resume)
    key = secrets.token_urlsafe(16)
    player = SinglePlayer(world, flow, key, opening)
    try:
        return asyncio.run(_serve(player, port))
    except KeyboardInterrupt:
        notice = flow.hangup()
        sys.stdout.write("\nStopped; your game is saved.\n" if notice is None else
                         f"\n{notice.text}\n")
        return EXIT_OK if notice is None else EXIT_ERROR


async def _serve(player: SinglePlayer, port: int) -> int:
    try:
        site = await serve(player.app, HOST, port)
    except OSError as e:
        stderr(f"winterpalace: cannot serve the game on {HOST}:{port}: "
               f"{e.strerror or e}. Try another port: --web 8001")
        return EXIT_ERROR
    url = f"http://{HOST}:{site.port}/#key={player.key}"
    sys.stdout.write(f"The game is at {url}\nOpen it in a browser on this computer. "
                     "Quit in the page, or press Ctrl-C here, to stop (your game is saved).\n")
    sys.stdout.flush()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, AttributeError):  # pragma: no cover
            pass
    done = asyncio.create_task(player.done.wait())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({done, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for t in (done, stopped):
        t.cancel()
    if player.sock is not None:
        if not player.done.is_set():
            player.sock.send({"t": "bye", "forget": False, "final": True, "text": "The game "
                              "has been stopped on the computer. Your game is saved."})
        await player.sock.close()
    await site.close()
    notice = player.flow.hangup()
    sys.stdout.write("Goodbye. Your game is saved.\n" if notice is None else f"{notice.text}\n")
    return EXIT_OK if notice is None else EXIT_ERROR


Outputs = list[Output]

__all__ = ["DEFAULT_PORT", "SinglePlayer", "run"]
