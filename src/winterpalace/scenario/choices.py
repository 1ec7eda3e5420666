"""A scene's choices: label, target, time cost and window, condition, what is shown when it is
closed (`otherwise:`), effects and result."""

from __future__ import annotations

from ..engine import Choice
from .context import Setup
from .fields import CHOICE_FIELDS
from .lint import read_lint
from .reader import Entry, NodeReader, tidy
from .yamlnodes import Node

__all__ = ["compile_choice"]


def compile_choice(ld: NodeReader, e: Entry, index: int, node: Node,
                   st: Setup) -> Choice | None:
    """Choice number `index` of scene `e` (None if it has a mistake)."""
    f = ld.fields(e.file, node, CHOICE_FIELDS, "a choice")
    if f is None:
        return None
    sym, clock, default_takes = st.sym, st.clock, st.default_takes
    if "lint" in f:
        read_lint(ld, e.file, *f["lint"], "choice", node, ld.suppressions)
    label = ld.template(e.file, f["label"][1], sym, "label") if "label" in f else None
    go = st.ref.check(e.file, f["go"][1], "scene", "go") if "go" in f else None
    takes = default_takes
    if "takes" in f:
        d = ld.duration(e.file, f["takes"][1], "takes")
        takes = d if d is not None else default_takes
    after = ld.time_of_day(e.file, f["after"][1], "after", clock) if "after" in f else None
    before = ld.time_of_day(e.file, f["before"][1], "before", clock) if "before" in f \
        else None
    if after is not None and before is not None and before <= after:
        ld.error(e.file, f["before"][1], "`before` is not later than `after`: this choice "
                 "can never be taken", "check the two times")
    cond = ld.cond(e.file, f["if"][1], sym, "if") if "if" in f else None
    otherwise, show = _otherwise(ld, e, f["otherwise"][1]) if "otherwise" in f else (None, False)
    once = ld.boolean(e.file, f["once"][1], "once") if "once" in f else False
    effects = ld.effects(e.file, f["do"][1], sym, "do") if "do" in f else ()
    result = ld.template(e.file, f["result"][1], sym, "result") if "result" in f else None
    remember = ld.field_str(e.file, f, "remember", required=False)
    if label is None:
        return None
    return Choice(e.id, index, label, go, takes, after, before, cond, otherwise, show, once,
                  effects, result, remember, ld.where(e.file, node),
                  ld.told(e.file, f, sym, "result"))


def _otherwise(ld: NodeReader, e: Entry, on: Node) -> tuple[str | None, bool]:
    """`otherwise:` -> (the text shown for the closed choice, whether it is shown): `hide`,
    `show` (greyed, as it is), or a text (`show "..."`) to show instead."""
    text = ld.string(e.file, on, "otherwise")
    if text is None:
        return None, False
    low = text.strip().lower()
    if low in ("hide", "hidden"):
        return None, False
    if low in ("show", "shown", "grey", "greyed"):
        return None, True
    if low.startswith("show "):
        text = text.strip()[5:].strip().strip('"')
    return tidy(text, getattr(on, "style", None)), True
