"""`lint:` fields: an author silences one finding of `check` for a choice, a scene or a file.

```yaml
lint: { ignore: [never-enabled], why: "the inspector only comes if the bell was rung" }
```

The loader reads the field's shape (a list of codes and a reason, both required) and keeps
what it covers as line ranges; the check knows which codes exist, applies the suppressions
and says which of them silenced nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..engine import Where

if TYPE_CHECKING:
    from yaml.nodes import Node

    from .reader import NodeReader

__all__ = ["LINT_FIELDS", "SCOPES", "Spanned", "Suppression", "read_lint"]

LINT_FIELDS = {"ignore": True, "why": True}
SCOPES = ("file", "scene", "choice")


class Spanned(Protocol):
    """What a `lint:` field covers: a YAML node, or a scene's key and value (`scenes.Span`)."""

    @property
    def start_mark(self) -> Any: ...
    @property
    def end_mark(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class Suppression:
    """Findings with one of `codes` between lines `first` and `last` of `file` are silenced."""

    file: str
    first: int
    last: int
    codes: tuple[str, ...]
    why: str
    where: Where            # the `lint:` key, for messages
    scope: str              # file, scene or choice

    def covers(self, file: str, line: int, code: str) -> bool:
        return file == self.file and self.first <= line <= self.last and code in self.codes


def read_lint(ld: NodeReader, file: str, key: Node, value: Node, scope: str,
              span: Spanned | None, out: dict[tuple[str, int, int], Suppression]) -> None:
    """Check a `lint:` field and record what it covers (`span`: the choice or scene node;
    None: the whole file)."""
    f = ld.fields(file, value, LINT_FIELDS, "`lint`")
    if f is None or "ignore" not in f or "why" not in f:
        return
    codes = []
    for n in ld.list_of(file, f["ignore"][1], "ignore"):
        code = ld.string(file, n, "ignore")
        if code is not None:
            codes.append(code.strip())
    why = ld.string(file, f["why"][1], "why")
    if not codes or why is None:
        if not codes:
            ld.error(file, f["ignore"][1], "`ignore` needs the code of at least one warning",
                     "e.g. `ignore: [never-enabled]`; `check` prints each warning's code")
        return
    if span is None:
        first, last = 1, 10**9
    else:
        first, last = span.start_mark.line + 1, span.end_mark.line + 1
        if span.end_mark.column == 0 and last > first:
            last -= 1   # a block ends at the start of the next line
    where = ld.where(file, key)
    out[(file, where.line, where.col)] = Suppression(file, first, last, tuple(codes),
                                                     why.strip(), where, scope)
