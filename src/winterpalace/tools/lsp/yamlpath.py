"""Where the cursor is in a scenario file, read from the text alone (it may not parse yet).

`context(lines, line, col)` gives the keys above the cursor (`["scenes", "cottage",
"choices", "go"]`), the key under the cursor if it is on one, and the word under it: enough
for completion, hover and go-to-definition while the author types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^(\s*)(?:-\s+)*([A-Za-z_][\w-]*)\s*:(?=\s|$)")
_FLOW_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:(?=\s|$)")

# The kind of mapping found at a path of keys ("*" is any id; "-" a list entry).
_KINDS: list[tuple[tuple[str, ...], str]] = [
    (("clock",), "clock"), (("roles", "*"), "role"), (("scenes", "*"), "scene"),
    (("scenes", "*", "choices"), "choice"), (("scenes", "*", "variants"), "variant"),
    (("scenes", "*", "ending"), "ending"), (("scenes", "*", "redirect"), "redirect"),
    (("scenes", "*", "decision"), "decision"), (("places", "*"), "place"),
    (("areas", "*"), "area"), (("items", "*"), "item"), (("characters", "*"), "character"),
    (("characters", "*", "schedule"), "stint"), (("events", "*"), "event"),
    (("events", "*", "narrate"), "reach"), (("narrate", "*"), "reach"),
    (("scenes", "*", "choices", "lint"), "lint"), (("scenes", "*", "lint"), "lint"),
    (("lint",), "lint"), (("lesson",), "lesson"), (("lesson", "roles", "*"), "packet"),
    (("lesson", "factions", "*"), "faction"), (("lesson", "votes", "*"), "vote"),
]


@dataclass
class Context:
    path: list[str]          # keys of the mappings around the cursor, outermost first
    key: str | None          # the key the cursor is on, if any
    field: str | None        # the key whose value the cursor is in, if any
    word: str                # the word under (or just before) the cursor
    word_start: int          # its first column (0-based)
    before: str              # the line's text before the cursor
    after: str = ""          # the line's text after the word under the cursor


def kind_of(path: list[str]) -> str | None:
    """The kind of mapping at `path` (None: the top of a file, or unknown)."""
    for pattern, kind in _KINDS:
        if len(pattern) == len(path) and all(p == "*" or p == q for p, q in zip(pattern, path, strict=False)):
            return kind
    return None


def _indent_and_key(line: str) -> tuple[int, str | None]:
    m = _KEY.match(line)
    if m:
        # `- label: x`: the key sits after the dash, as deep as the list entry's fields.
        return len(line) - len(line.lstrip(" -")), m.group(2)
    return len(line) - len(line.lstrip(" ")), None


def context(lines: list[str], line: int, col: int) -> Context:
    text = lines[line] if 0 <= line < len(lines) else ""
    col = max(0, min(col, len(text)))       # a column past the line's end: its end
    before = text[:col]
    word_start = col
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] in "_-"):
        word_start -= 1
    end = col
    while end < len(text) and (text[end].isalnum() or text[end] in "_-"):
        end += 1
    word = text[word_start:end]
    indent, own_key = _indent_and_key(text)
    if not text.strip():
        indent = col
    path: list[str] = []
    depth = indent
    for i in range(min(line, len(lines)) - 1, -1, -1):   # a line past the end: the end
        raw = lines[i]
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        ind, key = _indent_and_key(raw)
        if key is not None and ind < depth:
            path.insert(0, key)
            depth = ind
            if ind == 0:
                break
    key = None
    field = None
    after = text[end:]
    # Inside `{ a: 1, b: 2 }` on one line: the key under the cursor, or the one before it.
    brace = before.rfind("{")
    if brace >= 0 and "}" not in before[brace:]:
        if own_key is not None:
            path.append(own_key)
        inner = before[brace + 1:]
        keys = _FLOW_KEY.findall(inner)
        if after.lstrip().startswith(":") and word:
            key = word
        elif keys and not inner.rstrip().endswith(","):
            last = inner.rsplit(",", 1)[-1]
            field = keys[-1] if ":" in last else None
        return Context(path, key, field, word, word_start, before, after)
    m = _KEY.match(text)
    if m and col <= m.end(2):
        key = m.group(2)
    elif m:
        field = m.group(2)
    return Context(path, key, field, word, word_start, before, after)
