"""Scenes: their text and variants, their way forward (choices, in choices.py; a wait;
redirects; or an ending, in endings.py), content notes and the marked decision."""

from __future__ import annotations

from ..engine import Choice, Decision, Redirect, Scene, Symbols, Variant, suggest
from .choices import compile_choice
from .context import Setup
from .endings import compile_ending
from .fields import DECISION_FIELDS, PROMPT_STAGES, REDIRECT_FIELDS, SCENE_FIELDS, VARIANT_FIELDS
from .lint import read_lint
from .reader import Entry, NodeReader, tidy
from .yamlnodes import Node, ScalarNode

__all__ = ["Span", "compile_scene"]

Fields = dict[str, tuple[Node, Node]]


class Span:
    """A scene's lines: from its key to the end of its value."""

    def __init__(self, key: Node, node: Node):
        self.start_mark, self.end_mark = key.start_mark, node.end_mark


def compile_scene(ld: NodeReader, e: Entry, st: Setup) -> Scene | None:
    """One scene (None if it has a mistake; the problems go to `ld`)."""
    what = f"scene `{e.id}`"
    f = ld.fields(e.file, e.node, SCENE_FIELDS, what)
    if f is None:
        return None
    sym = st.sym
    if "lint" in f:
        read_lint(ld, e.file, *f["lint"], "scene", Span(e.key, e.node), ld.suppressions)
    place = st.ref.check(e.file, f["place"][1], "place", what) if "place" in f else None
    text = ld.template(e.file, f["text"][1], sym, "text") if "text" in f else None
    variants = _variants(ld, e, f, sym)
    ending = compile_ending(ld, e, f["ending"][1], sym) if "ending" in f else None
    choice_nodes = ld.list_of(e.file, f["choices"][1], "choices") if "choices" in f else []
    choices = _choices(ld, e, choice_nodes, st)
    if ending is not None and choices:
        ld.error(e.file, f["choices"][0], f"{what} is an ending and cannot have choices",
                 "remove `choices:` or `ending:`")
    wait = _wait(ld, e, f["wait"][1], st.default_takes) if "wait" in f else None
    on_enter = ld.effects(e.file, f["on_enter"][1], sym, "on_enter") if "on_enter" in f \
        else ()
    redirects = _redirects(ld, e, f["redirect"][1], st) if "redirect" in f else []
    notes: tuple[str, ...] = ()
    if "content_notes" in f:
        notes = tuple(str(ld.scalar(e.file, n, "content_notes"))
                      for n in ld.list_of(e.file, f["content_notes"][1], "content_notes"))
    decision = compile_decision(ld, e, f["decision"][1]) if "decision" in f else None
    told = ld.template(e.file, f["told"][1], sym, "told") if "told" in f else None
    brief = ld.template(e.file, f["brief"][1], sym, "brief") if "brief" in f else None
    if ending is None and not choice_nodes and wait is None and "redirect" not in f:
        ld.error(e.file, e.key, f"{what} has no way forward",
                 "give it `choices:`, `wait:`, a `redirect:` or make it an `ending:`",
                 length=len(e.id))
    title = ld.field_str(e.file, f, "title")
    if place is None or text is None or title is None:
        return None
    return Scene(e.id, title, place, text, tuple(variants), tuple(choices), ending, wait,
                 on_enter, tuple(redirects), ld.where(e.file, e.key), notes, decision,
                 told, brief)


def _variants(ld: NodeReader, e: Entry, f: Fields, sym: Symbols) -> list[Variant]:
    """`variants:`: texts shown instead of (or after) the scene's when their `if:` holds."""
    variants: list[Variant] = []
    if "variants" not in f:
        return variants
    for vn in ld.list_of(e.file, f["variants"][1], "variants"):
        vf = ld.fields(e.file, vn, VARIANT_FIELDS, "a variant")
        if vf is None or "if" not in vf or "text" not in vf:
            continue
        c = ld.cond(e.file, vf["if"][1], sym, "if")
        t = ld.template(e.file, vf["text"][1], sym, "text")
        append = ld.boolean(e.file, vf["append"][1], "append") if "append" in vf else False
        if c and t:
            variants.append(Variant(c, t, append, ld.where(e.file, vn)))
    return variants


def _choices(ld: NodeReader, e: Entry, nodes: list[Node], st: Setup) -> list[Choice]:
    choices = []
    for i, cn in enumerate(nodes):
        ch = compile_choice(ld, e, i, cn, st)
        if ch is not None:
            choices.append(ch)
    return choices


def _wait(ld: NodeReader, e: Entry, node: Node, default_takes: int) -> int | None:
    """`wait:`: a duration, or `true` (the default time a choice takes)."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
        return (default_takes or 5) if ld.scalar(e.file, node, "wait") else None
    wait = ld.duration(e.file, node, "wait")
    if wait == 0:
        ld.error(e.file, node, "a wait must take some time", "e.g. `wait: 15m`")
    return wait


def _redirects(ld: NodeReader, e: Entry, node: Node, st: Setup) -> list[Redirect]:
    redirects = []
    for rn in ld.list_of(e.file, node, "redirect"):
        rf = ld.fields(e.file, rn, REDIRECT_FIELDS, "a redirect")
        if rf is None or "if" not in rf or "go" not in rf:
            continue
        c = ld.cond(e.file, rf["if"][1], st.sym, "if")
        go = st.ref.check(e.file, rf["go"][1], "scene", "redirect")
        if go == e.id:
            ld.error(e.file, rf["go"][1], "a scene cannot redirect to itself")
        elif c and go:
            redirects.append(Redirect(c, go, ld.where(e.file, rn)))
    return redirects


def compile_decision(ld: NodeReader, e: Entry, node: Node) -> Decision | None:
    """`decision:`: the scene where a historical decision is made, with its debrief prompts."""
    f = ld.fields(e.file, node, DECISION_FIELDS, "a decision")
    if f is None:
        return None
    prompts = []
    if "prompts" in f:
        for stage, (k, v) in ld.mapping(e.file, f["prompts"][1], "prompts").items():
            if stage not in PROMPT_STAGES:
                ld.error(e.file, k, f"`{stage}` is not a prompt stage",
                         suggest(stage, PROMPT_STAGES)
                         or f"stages: {', '.join(PROMPT_STAGES)}", length=len(stage))
                continue
            text = ld.string(e.file, v, f"prompts.{stage}")
            if text:
                prompts.append((stage, tidy(text, getattr(v, "style", None))))
    prompts.sort(key=lambda p: PROMPT_STAGES.index(p[0]))
    ident = ld.field_str(e.file, f, "id")
    question = ld.field_str(e.file, f, "question")
    history = ld.field_str(e.file, f, "history")
    if not (ident and question and history):
        return None
    return Decision(ident, question, history,
                    ld.field_str(e.file, f, "source", required=False) or "",
                    tuple(prompts), ld.where(e.file, node))
