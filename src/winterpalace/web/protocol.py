"""The browser's message protocol: typed outputs as JSON, never HTML.

Every message is one JSON object with a `t` (its type). The page builds its DOM from these
with `textContent` only, so no text from a scenario, a student or a save is ever markup.

Server to browser:

- `hello`   {mode: "class"|"single", title, subtitle, secure: bool, version}
- `login`   {error?: str, note?: str}: class mode, ask for the class code and a name
- `ask`     {kind, prompt, title, options: [{answer, label, detail, unavailable}], default}:
            a question. kind is name, pin, lost_pin, role, faction, text, menu (single
            player's title, confirm and ending menus) or play (the night's own prompt: the
            choices of the last screen, a command line)
- `out`     {items: [output, ...]}: what to show, in order (below)
- `status`  {time, place, area, class?: {now, limit, state}}: for the bar at the top
- `seat`    {token, name}: class mode, keep this to take the seat again without the PIN
- `bye`     {text, forget, retry?, final?}: the connection ends; forget: drop the kept seat;
            retry: the server is restarting, come back by yourself; final: it has stopped
- `error`   {text}: a message was refused (too long, too fast, not JSON)

Browser to server: `hello` {seat?, key?} first, then `login` {code, name} (class mode, until
admitted), `line` {text} (an answer, a number, a command; the same language as the terminal)
and `leave` {} (forget this seat on this device).

An output is its dataclass's fields (recursively, tuples as lists), its class name under
`type`, and a few derived fields a page should not have to compute (clock lines, durations as
text, the scene's content notes). Fields added to the engine's records later appear by
themselves; a page ignores what it does not know.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import PurePath
from typing import Any

from ..engine import ChoiceView, EndingView, Reading, Turn, View, World, format_duration

VERSION = 1
MAX_DEPTH = 8          # nesting of records: the engine's are three deep


def data(value: Any, world: World | None = None, depth: int = 0) -> Any:
    """`value` as plain JSON data: dataclasses by field, with `type` and derived fields."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if depth > MAX_DEPTH:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"type": type(value).__name__}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if isinstance(v, PurePath):
                continue            # where a file is on the computer is nobody's business
            out[f.name] = data(v, world, depth + 1)
        out.update(_derived(value, world))
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [data(v, world, depth + 1) for v in items]
    if isinstance(value, dict):
        return {str(k): data(v, world, depth + 1) for k, v in value.items()}
    return str(value)


def _derived(value: Any, world: World | None) -> dict[str, Any]:
    """What a page shows but should not compute: worded clocks, durations, content notes."""
    if isinstance(value, Reading):
        return {"line": value.line(), "sentence": value.sentence()}
    from ..menus import TitleScreen, unloadable_line  # the terminal's own sentence
    if isinstance(value, TitleScreen):
        return {"unloadable_line": unloadable_line(value.unloadable)}
    if isinstance(value, ChoiceView):
        return {"takes_text": format_duration(value.takes) if value.takes else ""}
    if isinstance(value, Turn):
        from ..session import interrupted_line, stop_line  # the terminal's own sentences
        return {"stop_line": stop_line(value), "interrupted_line": interrupted_line(value)}
    if isinstance(value, View):
        notes: tuple[str, ...] = ()
        if world is not None and value.scene in world.scenes:
            notes = world.scenes[value.scene].content_notes
        where = value.area_name + (f", {value.detail}" if value.detail else "")
        return {"wait_text": format_duration(value.wait) if value.wait else "",
                "content_notes": list(notes), "where": where}
    if isinstance(value, EndingView):
        return {"trail_text": " \u2192 ".join(f"{t} {place}"
                                              for t, _title, place in value.summary.trail)}
    describe = getattr(value, "describe", None)
    played = getattr(value, "played", None)
    if callable(describe) and callable(played):          # a save's listing (SaveInfo)
        return {"describe": describe(), "played": played()}
    return {}


def outputs(items: list[Any], world: World | None = None) -> dict[str, Any]:
    """An `out` message for outputs of the session, the flow or the classroom."""
    return {"t": "out", "items": [data(o, world) for o in items
                                  if type(o).__name__ != "QuitRequest"]}


def status(view: View | None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A `status` message: the player's clock and place, for the bar that is always shown."""
    msg: dict[str, Any] = {"t": "status"}
    if view is not None:
        msg.update(time=view.clock.line(), hhmm=view.clock.hhmm, place=view.place_name,
                   area=view.area_name, role=view.role_name)
    if extra:
        msg.update(extra)
    return msg


def ask(kind: str, prompt: str = "", title: str = "", options: Any = (),
        default: str = "") -> dict[str, Any]:
    """An `ask` message. `options` are records with answer, label, detail, unavailable."""
    return {"t": "ask", "kind": kind, "prompt": prompt, "title": title,
            "options": [{"answer": str(o.answer), "label": str(o.label),
                         "detail": str(getattr(o, "detail", "") or ""),
                         "unavailable": getattr(o, "unavailable", None)} for o in options],
            "default": default}


def encode(message: dict[str, Any]) -> str:
    """One message as JSON text (no NaN, plain ASCII-safe escapes left to the JSON)."""
    return json.dumps(message, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def decode(text: str) -> dict[str, Any] | None:
    """A browser's message, or None if it is not a JSON object with a string `t`."""
    try:
        msg = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(msg, dict) or not isinstance(msg.get("t"), str):
        return None
    return msg


def text_field(msg: dict[str, Any], key: str, limit: int = 1000) -> str:
    """A string field of a browser's message, cut to `limit` ('' if missing or not text)."""
    v = msg.get(key)
    return v[:limit] if isinstance(v, str) else ""


__all__ = ["VERSION", "ask", "data", "decode", "encode", "outputs", "status", "text_field"]
