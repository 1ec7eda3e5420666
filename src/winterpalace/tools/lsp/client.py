"""A small language-server client over stdio: spawns `winterpalace lsp` (or any command) and
speaks JSON-RPC with Content-Length framing, as an editor does. Used by the tests and by
bench/tools_bench.py; standard library only."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Client:
    def __init__(self, command: list[str] | None = None, cwd: str | None = None):
        self.proc = subprocess.Popen(command or [sys.executable, "-m", "winterpalace", "lsp"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.next_id = 0
        self.responses: dict[int, Any] = {}
        self.notifications: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # ----------------------------------------------------------------- wire

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length is None:
                continue
            msg = json.loads(out.read(length))
            if "id" in msg and ("result" in msg or "error" in msg):
                with self.lock:
                    self.responses[msg["id"]] = msg
                    self.lock.notify_all()
            elif "id" in msg:   # a request from the server (e.g. configuration): answer null
                self._send({"id": msg["id"], "result": None})
            else:
                self.notifications.put((time.perf_counter(), msg))

    # ----------------------------------------------------------------- requests

    def request(self, method: str, params: Any, timeout: float = 30.0) -> Any:
        self.next_id += 1
        rid = self.next_id
        self._send({"id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self.lock:
            while rid not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no answer to {method}")
                self.lock.wait(left)
            msg = self.responses.pop(rid)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg["result"]

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def wait_for(self, match: Callable[[dict[str, Any]], bool],
                 timeout: float = 30.0) -> tuple[float, dict[str, Any]]:
        """The next notification that `match`es (others are dropped), with when it came."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no such notification")
            try:
                at, msg = self.notifications.get(timeout=left)
            except queue.Empty:
                raise TimeoutError("no such notification") from None
            if match(msg):
                return at, msg

    # ----------------------------------------------------------------- LSP

    def initialize(self, root: Path) -> Any:
        got = self.request("initialize", {"processId": None, "rootUri": root.as_uri(),
                                          "capabilities": {}})
        self.notify("initialized", {})
        return got

    def open(self, path: Path, text: str | None = None) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": path.resolve().as_uri(), "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8") if text is None else text}})

    def change(self, path: Path, text: str, version: int) -> None:
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": path.resolve().as_uri(), "version": version},
            "contentChanges": [{"text": text}]})

    def diagnostics(self, path: Path, timeout: float = 30.0,
                    where: Callable[[list[dict[str, Any]]], bool] = lambda d: True,
                    ) -> tuple[float, list[dict[str, Any]]]:
        uri = path.resolve().as_uri()
        at, msg = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                and m["params"]["uri"] == uri
                                and where(m["params"]["diagnostics"]), timeout)
        return at, msg["params"]["diagnostics"]

    def at(self, method: str, path: Path, line: int, character: int, **extra: Any) -> Any:
        return self.request(method, {"textDocument": {"uri": path.resolve().as_uri()},
                                     "position": {"line": line, "character": character},
                                     **extra})

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if f is not None:
                f.close()
