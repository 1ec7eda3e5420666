"""`winterpalace test [DIR]`: random playthroughs, exhaustive search, walkthroughs, recording.

Exit status: 0 all well, 1 something found (a dead end, a loop, a crash, a failed walkthrough,
or with `--strict` anything never reached), 2 the scenario or a walkthrough could not be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from ..engine import World
from ..errors import EXIT_BAD_SCENARIO, EXIT_ERROR, EXIT_OK
from ..scenario import ScenarioError
from ..ui import plain
from . import exhaustive, randomtest, walkthrough
from .common import console, load_or_print, print_problems

DEFAULT_WALKTHROUGHS = "tests/walkthroughs"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "test", help="play-test a scenario: random, exhaustive, walkthroughs, record",
        description="Play-test a scenario. With no mode, runs 1000 random playthroughs per "
        "role.", formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        "  winterpalace test --random 10000 --seed 1\n"
        "  winterpalace test docs/example --exhaustive --bound 100000\n"
        "  winterpalace test --walkthroughs tests/walkthroughs\n"
        "  winterpalace test --record new.yaml --role sailor --seed 3 --from transcript.txt")
    p.add_argument("dir", nargs="?", help="scenario folder (default: the shipped game)")
    p.add_argument("--random", type=int, metavar="N", help="N random playthroughs per role")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    p.add_argument("--role", action="append", help="only this role (repeatable)")
    p.add_argument("--exhaustive", action="store_true",
                   help="explore every reachable state, up to --bound states per role")
    p.add_argument("--bound", type=int, default=exhaustive.DEFAULT_BOUND,
                   help=f"states per role for --exhaustive (default {exhaustive.DEFAULT_BOUND})")
    p.add_argument("--abstract", action="store_true",
                   help="exhaustive: compare states by time window and cap numbers, so big "
                   "scenarios finish (paths found are real; nothing is proved unreachable)")
    p.add_argument("--walkthroughs", nargs="*", metavar="PATH",
                   help=f"run walkthrough files (default: {DEFAULT_WALKTHROUGHS})")
    p.add_argument("--record", metavar="FILE",
                   help="play (or read --from a transcript) and write the commands as a "
                   "walkthrough")
    p.add_argument("--from", dest="source", metavar="TRANSCRIPT",
                   help="with --record: a plain-mode transcript or a file of commands")
    p.add_argument("--history-only", action="store_true",
                   help="random: play history only (no simulated other players or class votes)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="random: processes to use (default: the CPUs, at most 4; the report "
                   "is the same for any N)")
    p.add_argument("--save-findings", metavar="DIR",
                   help="random: write each dead end, loop or crash as a walkthrough file "
                   "that replays it")
    p.add_argument("--strict", action="store_true",
                   help="fail when a scene, ending, choice or event is never reached")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text: a report for people (default); json: the same report as one "
                   "JSON document, for scripts and CI")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_test)


def cmd_test(args: argparse.Namespace) -> int:
    if args.walkthroughs is not None:
        return _walkthroughs(args)
    out = console(sys.stdout)
    err = console(sys.stderr)
    world = load_or_print(args.dir, err)
    if world is None:
        return EXIT_BAD_SCENARIO
    for r in args.role or ():
        if r not in world.roles:
            err.print(escape(f"winterpalace: no role {r!r}; roles: {', '.join(world.roles)}"))
            return EXIT_BAD_SCENARIO
    if args.record:
        return _record(args, world, err)
    if args.exhaustive:
        return _exhaustive(args, world, out)
    return _random(args, world, out, err)


# --------------------------------------------------------------------------- random


def _random(args: argparse.Namespace, world: World, out: Any, err: Any) -> int:
    n = args.random if args.random is not None else 1000
    if n < 1:
        err.print("winterpalace: --random needs at least 1 playthrough")
        return EXIT_BAD_SCENARIO
    jobs = args.jobs if args.jobs is not None else min(4, os.cpu_count() or 1)
    if jobs < 1:
        err.print("winterpalace: --jobs needs at least 1")
        return EXIT_BAD_SCENARIO
    report = _play_randomly(args, world, n, jobs, err)
    saved = _save_findings(args, report, err) if args.save_findings else []
    never = report.never()
    gaps = any(ids for what, ids in never.items() if what != "texts")   # texts: information
    failed = bool(report.findings) or (args.strict and gaps)
    if args.format == "json":
        sys.stdout.write(json.dumps({"ok": not failed, **report.to_dict()}, indent=2) + "\n")
        return EXIT_ERROR if failed else EXIT_OK
    rate = report.runs / report.seconds if report.seconds else 0.0
    out.print(f"{report.runs} playthroughs ({n} per role, seed {args.seed}), {report.actions} "
              f"actions in {report.seconds:.2f} s ({rate:,.0f} playthroughs/s, "
              f"{report.jobs} process{'es' if report.jobs != 1 else ''}).")
    _print_others(out, report)
    _print_coverage(out, report)
    _print_never_reached(out, world, never)
    _print_endings(out, world, report)
    _print_findings(out, args, report)
    for path in saved:
        out.print(escape(f"Saved {path} (winterpalace test --walkthroughs {path})"))
    if failed:
        why = f"{len(report.findings)} problem(s) found" if report.findings else \
            "some of the scenario was never reached (--strict)"
        out.print(f"[bold red]{why}.[/]")
    else:
        out.print("[green]No dead ends, loops or crashes.[/]")
    return EXIT_ERROR if failed else EXIT_OK


def _play_randomly(args: argparse.Namespace, world: World, n: int, jobs: int,
                   err: Any) -> randomtest.Report:
    """`n` random playthroughs per role, under a progress bar when the terminal shows one."""
    roles = args.role or list(world.roles)
    others = not args.history_only
    show_bar = not args.no_progress and args.format == "text" and err.is_terminal
    if not show_bar:
        return randomtest.random_test(world, n, args.seed, roles, others=others, jobs=jobs)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("playthroughs", total=n * len(roles))
        return randomtest.random_test(world, n, args.seed, roles,
                                      progress=lambda k: bar.advance(task, k),
                                      others=others, jobs=jobs)


def _print_coverage(out: Any, report: randomtest.Report) -> None:
    table = Table(title="Coverage", title_justify="left")
    for col in ("", "reached", "of", "%"):
        table.add_column(col, justify="right" if col else "left")
    names = {"scenes": "scenes (endings included)",
             "texts": "texts (variants, {if: ...} branches)"}
    for what, (got, total) in report.totals().items():
        pct = 100.0 * got / total if total else 100.0
        table.add_row(names.get(what, what), str(got), str(total), f"{pct:.0f}")
    out.print(table)


def _print_never_reached(out: Any, world: World, never: dict[str, list[str]]) -> None:
    for what, ids in never.items():
        if not ids:
            continue
        if what in ("choices", "texts"):
            # One a line, as an author looks for them: the label and where it is.
            say = randomtest.describe_choice if what == "choices" else randomtest.describe_text
            out.print(f"[yellow]Never reached ({what}):[/]")
            for k in ids[:30]:
                out.print("  " + escape(say(world, k)))
            if len(ids) > 30:
                out.print(f"  and {len(ids) - 30} more")
            continue
        out.print(f"[yellow]Never reached ({what}):[/] " + escape(", ".join(ids[:30]))
                  + (f" and {len(ids) - 30} more" if len(ids) > 30 else ""))


def _print_endings(out: Any, world: World, report: randomtest.Report) -> None:
    ends = Table(title="Endings", title_justify="left")
    for col in ("role", "ending", "runs", "%"):
        ends.add_column(col, justify="right" if col in ("runs", "%") else "left")
    for rid, rep in report.roles.items():
        for ending, count in rep.endings.most_common():
            end = world.scenes[ending].ending
            title = end.title if end is not None else ending
            ends.add_row(rid, escape(f"{ending} ({title})"), str(count),
                         f"{100.0 * count / rep.runs:.1f}")
        unfinished = rep.runs - sum(rep.endings.values())
        if unfinished:
            ends.add_row(rid, "[red](no ending)[/]", str(unfinished),
                         f"{100.0 * unfinished / rep.runs:.1f}")
    out.print(ends)


def _print_findings(out: Any, args: argparse.Namespace, report: randomtest.Report) -> None:
    for f in report.findings:
        out.print(f"[bold red]{f.kind}[/] as {f.role} in `{escape(f.scene)}` at {f.time}: "
                  f"{escape(f.message)} ({f.count} playthrough{'s' if f.count != 1 else ''})")
        out.print(f"  path: {escape(' '.join(f.path) or '(at the start)')}")
        if f.others:
            for step, flag, value, who in f.others:
                out.print(escape(f"  other players, before action {step + 1}: {flag} = "
                                 f"{json.dumps(value)} ({who})"))
            out.print("  replay: as a walkthrough (--save-findings DIR writes it)")
        else:
            out.print(f"  replay: {escape(f.replay_command(args.dir))}")


def _print_others(out: Any, report: randomtest.Report) -> None:
    if not report.plans:
        out.print("Other players: not simulated (history only).")
        return
    if not any(p.flags for p in report.plans.values()):
        out.print("Other players: nothing another role or a class vote changes is read here.")
        return
    out.print("Other players (simulated; --history-only plays history alone): each night "
              "may see what other roles and the class's votes can do.")
    for rid, plan in report.plans.items():
        rep = report.roles[rid]
        flags = ", ".join(f"{f} ({'/'.join(plan.writers(f))})" for f in plan.flags) or "none"
        out.print(escape(f"  {rid}: {flags}; they acted in {rep.others_runs} of {rep.runs} "
                         "playthroughs."))
        for note in plan.skipped:
            out.print(escape(f"  {rid}: not simulated (value unknown before play): {note}"))


def _save_findings(args: argparse.Namespace, report: randomtest.Report, err: Any) -> list[str]:
    folder = Path(args.save_findings)
    saved = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for i, f in enumerate(report.findings, 1):
            target = folder / f"finding_{i:02d}_{f.role}_{f.kind}.yaml"
            scenario = os.path.relpath(Path(args.dir).resolve(), folder.resolve()) \
                if args.dir else None
            target.write_text(f.walkthrough(scenario), encoding="utf-8")
            saved.append(str(target))
    except OSError as e:
        err.print(escape(f"winterpalace: cannot write findings to {folder}: {e.strerror}"))
    return saved


# --------------------------------------------------------------------------- exhaustive


def _exhaustive(args: argparse.Namespace, world: World, out: Any) -> int:
    err = console(sys.stderr)

    def warn(text: str) -> None:
        err.print(f"[yellow]{escape(text)}.[/]")

    spaces = {r: exhaustive.explore(world, r, args.seed, args.bound,
                                    abstract=args.abstract, warn=warn)
              for r in (args.role or world.roles)}
    failed = any(s.dead_ends for s in spaces.values())
    if args.format == "json":
        data = {r: {"states": s.states, "complete": s.complete,
                    "endings": {e: list(p) for e, p in s.endings.items()},
                    "abstract": s.abstract, "estimate": s.estimate,
                    "unreachable_endings": s.unreachable_endings(world),
                    "dead_ends": {sc: list(p) for sc, p in s.dead_ends.items()}}
                for r, s in spaces.items()}
        sys.stdout.write(json.dumps({"ok": not failed, "roles": data}, indent=2) + "\n")
        return EXIT_ERROR if failed else EXIT_OK
    for rid, s in spaces.items():
        state = "all of them" if s.complete else f"[yellow]stopped at the bound ({args.bound})[/]"
        how = " (abstracted: time windows, capped numbers)" if s.abstract else ""
        out.print(f"[bold]{escape(rid)}[/]: {s.states} states explored{how}, {state}.")
        for ending, path in sorted(s.endings.items()):
            out.print(f"  reaches [green]{escape(ending)}[/] in {len(path)} actions: "
                      f"{escape(' '.join(path) or '(at once)')}")
        never = s.unreachable_endings(world)
        if never is not None:
            out.print("  proved unreachable: " + (escape(", ".join(never)) or "none"))
        elif s.abstract and s.complete:
            missing = [e for e, sc in world.scenes.items() if sc.ending and e not in s.endings]
            out.print("  not found under abstraction (not a proof): "
                      + (escape(", ".join(missing)) or "none"))
        else:
            out.print("  [yellow]the bound was reached: endings not found are not proved "
                      "unreachable[/]")
        for scene, path in sorted(s.dead_ends.items()):
            out.print(f"  [bold red]dead end[/] in `{escape(scene)}` after: "
                      f"{escape(' '.join(path))}")
    return EXIT_ERROR if failed else EXIT_OK


# --------------------------------------------------------------------------- walkthroughs


def _walkthroughs(args: argparse.Namespace) -> int:
    out = console(sys.stdout)
    paths = walkthrough.find(args.walkthroughs or [DEFAULT_WALKTHROUGHS])
    if not paths:
        console(sys.stderr).print(f"winterpalace: no walkthrough files in "
                                  f"{escape(' '.join(args.walkthroughs or [DEFAULT_WALKTHROUGHS]))}")
        return EXIT_ERROR
    worlds: dict[str, World] = {}
    status = EXIT_OK
    results = []
    for path in paths:
        try:
            res = walkthrough.run_file(path, worlds)
        except walkthrough.WalkthroughError as e:
            print_problems(console(sys.stderr), e.problems)
            status = EXIT_BAD_SCENARIO
            continue
        except ScenarioError as e:
            print_problems(console(sys.stderr), e.problems)
            status = EXIT_BAD_SCENARIO
            continue
        results.append(res)
        if not res.passed and status == EXIT_OK:
            status = EXIT_ERROR
    if args.format == "json":
        sys.stdout.write(json.dumps({"ok": status == EXIT_OK, "results": [
            {"file": r.walkthrough.path, "name": r.walkthrough.name, "passed": r.passed,
             "steps": r.steps_run,
             "failure": r.failure.to_dict() if r.failure else None} for r in results]},
            indent=2) + "\n")
        return status
    for r in results:
        style = "green" if r.passed else "bold red"
        text = r.render()
        head, _, rest = text.partition("\n")
        out.print(f"[{style}]{escape(head)}[/]")
        if rest:
            out.print(escape(rest))
    passed = sum(r.passed for r in results)
    out.print(f"{passed} of {len(paths)} walkthroughs passed.")
    return status


# --------------------------------------------------------------------------- recording


def _record(args: argparse.Namespace, world: World, err: Any) -> int:
    target = Path(args.record)
    role = args.role[0] if args.role else None
    if args.source:
        try:
            text = Path(args.source).read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            err.print(escape(f"winterpalace: cannot read {args.source}: {e.strerror}"))
            return EXIT_ERROR
        commands, picked = walkthrough.commands_from_transcript(text)
        if role is None and picked is not None:
            roles = list(world.roles)
            role = roles[int(picked) - 1] if picked.isdigit() and 0 < int(picked) <= len(roles) \
                else picked if picked in world.roles else None
    else:
        if role is None:
            err.print("winterpalace: --record needs --role when you play (or a transcript with "
                      "--from)")
            return EXIT_BAD_SCENARIO
        commands = _play_and_capture(world, role, args.seed)
    if role is None:
        err.print("winterpalace: which role? give --role")
        return EXIT_BAD_SCENARIO
    scenario = None
    if args.dir:
        scenario = os.path.relpath(Path(args.dir).resolve(), target.resolve().parent)
    text = walkthrough.record(world, role, args.seed, commands, target.stem.replace("_", " "),
                              scenario)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as e:
        err.print(escape(f"winterpalace: cannot write {target}: {e.strerror}"))
        return EXIT_ERROR
    steps = text.count("  - do:")
    err.print(escape(f"Recorded {steps} steps to {target}. Run it with: winterpalace test "
                     f"--walkthroughs {target}"))
    return EXIT_OK


def _play_and_capture(world: World, role: str, seed: int) -> list[str]:
    """Play in plain mode on standard input and output, keeping every line typed."""
    from ..session import Screen, Session

    typed: list[str] = []

    def lines() -> Iterator[str]:
        for line in plain.read_lines(sys.stdin.buffer):
            typed.append(line)
            yield line

    session, turn = Session.new(world, role, seed)
    sys.stdout.write("\n".join(plain.role_intro(world, role)) + "\n")
    plain.run(session, lines(), sys.stdout, echo=not sys.stdin.isatty(),
              opening=Screen(session.view(), turn))
    return typed
