"""`winterpalace graph [DIR] [--role R] [--format dot|mermaid|svg]`: the scene map.

Scenes are nodes grouped by place, coloured by the hour they can first be reached; edges carry
their time cost and gates; endings are highlighted and unreachable scenes greyed and dashed.
"""

from __future__ import annotations

import argparse
import colorsys
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.markup import escape

from ..engine import World, format_duration
from ..errors import EXIT_BAD_SCENARIO, EXIT_ERROR, EXIT_OK
from . import analysis
from .common import console, load_or_print

INSTALL_GRAPHVIZ = ("the `svg` format needs Graphviz's `dot` program, which is not installed.\n"
                    "  Debian/Ubuntu: sudo apt install graphviz\n"
                    "  Fedora:        sudo dnf install graphviz\n"
                    "  macOS:         brew install graphviz\n"
                    "  Windows:       winget install graphviz\n"
                    "Or use --format dot (paste it into any Graphviz viewer) or --format mermaid "
                    "(GitHub and many editors draw it).")


def register(sub: Any) -> None:
    p = sub.add_parser("graph", help="draw the scene graph (dot, mermaid or svg)",
                       description="The scene graph of a role: scenes grouped by place, edges "
                       "with time costs and gates, endings highlighted, nodes coloured by the "
                       "hour they are first reachable, unreachable scenes marked.")
    p.add_argument("dir", nargs="?", help="scenario folder (default: the shipped game)")
    p.add_argument("--role", help="only what this role can reach (and what it cannot, nearby)")
    p.add_argument("--format", choices=("dot", "mermaid", "svg"), default="dot",
                   help="dot: Graphviz source (default); mermaid: a Mermaid flowchart for "
                   "Markdown pages; svg: a drawing (needs Graphviz's `dot` installed)")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=cmd_graph)


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str
    kind: str            # choice, redirect, event


def hour_colour(minutes: int | None) -> str:
    """A pale colour for the hour of the day (hex), grey when unreachable."""
    if minutes is None:
        return "#dddddd"
    hour = (minutes // 60) % 24
    r, g, b = colorsys.hls_to_rgb(((hour * 15) % 360) / 360.0, 0.85, 0.6)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _gate(world: World, after: int | None, before: int | None, cond: str | None,
          once: bool) -> list[str]:
    parts = []
    hh = world.clock.hhmm
    if after is not None and before is not None:
        parts.append(f"{hh(after)}-{hh(before)}")
    elif after is not None:
        parts.append(f"from {hh(after)}")
    elif before is not None:
        parts.append(f"until {hh(before)}")
    if cond:
        parts.append("if " + (cond if len(cond) <= 32 else cond[:30] + "..."))
    if once:
        parts.append("once")
    return parts


def build(world: World, role: str | None) -> tuple[list[str], list[Edge], dict[str, int | None],
                                                   set[str]]:
    """(scenes shown, edges, earliest time per scene, scenes unreachable for the view)."""
    reach = {r: analysis.reach_role(world, r) for r in ([role] if role else world.roles)}
    earliest: dict[str, int | None] = {}
    for sid in world.scenes:
        ts = [rr.earliest[sid] for rr in reach.values() if sid in rr.earliest]
        earliest[sid] = min(ts) if ts else None
    reachable = {s for s, t in earliest.items() if t is not None}
    edges: list[Edge] = []
    for sid, scene in world.scenes.items():
        for ch in scene.choices:
            label = [format_duration(ch.takes)] + _gate(world, ch.after, ch.before,
                                                        ch.cond.source if ch.cond else None,
                                                        ch.once)
            edges.append(Edge(sid, ch.go or sid, ", ".join(label), "choice"))
        for rd in scene.redirects:
            edges.append(Edge(sid, rd.go, "if " + rd.cond.source, "redirect"))
    for rid, _rr in reach.items():
        for target, at, ev in analysis.event_moves(world, rid):
            e = Edge(f"event:{ev}", target, world.clock.hhmm(at), "event")
            if e not in edges:
                edges.append(e)
    if role:
        near = {e.dst for e in edges if e.src in reachable} | \
            {e.src for e in edges if e.dst in reachable and not e.src.startswith("event:")}
        shown = [s for s in world.scenes if s in reachable or s in near]
    else:
        shown = list(world.scenes)
    keep = set(shown)
    edges = [e for e in edges if (e.src in keep or e.src.startswith("event:")) and e.dst in keep]
    return shown, edges, earliest, keep - reachable


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(world: World, role: str | None = None) -> str:
    """The graph in Graphviz's language."""
    shown, edges, earliest, unreachable = build(world, role)
    hh = world.clock.hhmm
    title = world.title + (f": {world.roles[role].name}" if role else "")
    out = ["digraph scenario {", f"  label={_q(title)}; labelloc=t; rankdir=LR;",
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=8];']
    by_place: dict[str, list[str]] = {}
    for sid in shown:
        by_place.setdefault(world.scenes[sid].place, []).append(sid)
    for n, (place, sids) in enumerate(by_place.items()):
        p = world.places.get(place)
        out.append(f"  subgraph cluster_{n} {{")
        out.append(f"    label={_q(p.name if p else place)}; style=dashed; color=grey60;")
        for sid in sids:
            s = world.scenes[sid]
            t = earliest.get(sid)
            when = f"from {hh(t)}" if t is not None else "unreachable"
            label = f"{s.title}\n{sid} · {when}"
            attrs = [f"label={_q(label)}",
                     f'fillcolor="{hour_colour(t)}"']
            if s.ending is not None:
                attrs += ["shape=doubleoctagon", "penwidth=2",
                          'color="#b00020"' if not s.ending.historical else 'color="#1b5e20"']
            if sid in unreachable:
                attrs += ['style="rounded,filled,dashed"', 'fontcolor="grey40"']
            out.append(f"    {_q(sid)} [{', '.join(attrs)}];")
        out.append("  }")
    events = sorted({e.src for e in edges if e.kind == "event"})
    for ev_node in events:
        ev = next(e for e in world.events if e.id == ev_node[6:])
        ev_label = f"{hh(ev.at)} {ev.title}"
        out.append(f"  {_q(ev_node)} [shape=note, style=filled, fillcolor=\"#fff3c4\", "
                   f"label={_q(ev_label)}];")
    for e in edges:
        style = {"choice": "", "redirect": ", style=dashed", "event": ", style=dotted"}[e.kind]
        out.append(f"  {_q(e.src)} -> {_q(e.dst)} [label={_q(e.label)}{style}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _m(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(world: World, role: str | None = None) -> str:
    """The graph as a Mermaid flowchart (GitHub and many editors draw it)."""
    shown, edges, earliest, unreachable = build(world, role)
    hh = world.clock.hhmm
    out = ["flowchart LR"]
    nid = {sid: f"s_{sid}" for sid in shown}
    by_place: dict[str, list[str]] = {}
    for sid in shown:
        by_place.setdefault(world.scenes[sid].place, []).append(sid)
    classes: dict[str, str] = {}
    for place, sids in by_place.items():
        p = world.places.get(place)
        out.append(f'  subgraph p_{place}["{_m(p.name if p else place)}"]')
        for sid in sids:
            s = world.scenes[sid]
            t = earliest.get(sid)
            when = f"from {hh(t)}" if t is not None else "unreachable"
            text = f'"{_m(s.title)}<br/><small>{sid} · {when}</small>"'
            out.append(f"    {nid[sid]}(({text}))" if s.ending is not None
                       else f"    {nid[sid]}({text})")
            cls = "unreachable" if sid in unreachable or t is None else f"h{(t // 60) % 24}"
            classes.setdefault(cls, hour_colour(None if sid in unreachable else t))
            out.append(f"    class {nid[sid]} {cls}")
            if s.ending is not None:
                out.append(f"    class {nid[sid]} ending")
        out.append("  end")
    for ev_src in sorted({e.src for e in edges if e.kind == "event"}):
        ev = next(e for e in world.events if e.id == ev_src[6:])
        nid[ev_src] = f"e_{ev.id}"
        out.append(f'  e_{ev.id}>"{hh(ev.at)} {_m(ev.title)}"]')
    for e in edges:
        arrow = {"choice": "-->", "redirect": "-.->", "event": "-.->"}[e.kind]
        out.append(f'  {nid[e.src]} {arrow}|"{_m(e.label)}"| {nid[e.dst]}')
    for cls, colour in sorted(classes.items()):
        extra = ",stroke-dasharray: 5 5,color:#666" if cls == "unreachable" else ""
        out.append(f"  classDef {cls} fill:{colour}{extra}")
    out.append("  classDef ending stroke:#b00020,stroke-width:3px")
    return "\n".join(out) + "\n"


def to_svg(dot_source: str) -> str | None:
    """Render DOT to SVG with Graphviz; None when `dot` is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    done = subprocess.run([exe, "-Tsvg"], input=dot_source, capture_output=True, text=True,
                          check=False, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or "dot failed")
    return done.stdout


def cmd_graph(args: argparse.Namespace) -> int:
    err = console(sys.stderr)
    world = load_or_print(args.dir, err)
    if world is None:
        return EXIT_BAD_SCENARIO
    if args.role and args.role not in world.roles:
        err.print(escape(f"winterpalace: no role {args.role!r}; roles: {', '.join(world.roles)}"))
        return EXIT_BAD_SCENARIO
    if args.format == "mermaid":
        text = to_mermaid(world, args.role)
    else:
        text = to_dot(world, args.role)
        if args.format == "svg":
            try:
                svg = to_svg(text)
            except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                err.print(escape(f"winterpalace: Graphviz could not draw the graph: {e}"))
                return EXIT_ERROR
            if svg is None:
                err.print(escape("winterpalace: " + INSTALL_GRAPHVIZ))
                return EXIT_ERROR
            text = svg
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            err.print(escape(f"winterpalace: cannot write {args.output}: {e.strerror}"))
            return EXIT_ERROR
        err.print(escape(f"Wrote {args.output}."))
    else:
        sys.stdout.write(text)
    return EXIT_OK
