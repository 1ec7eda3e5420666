"""`winterpalace new DIR`: write a minimal valid scenario to start from.

One role, three scenes, one timed event and one ending: `winterpalace check DIR --strict`
passes it and `winterpalace play --scenes DIR` plays it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from ..errors import EXIT_BAD_SCENARIO, EXIT_ERROR, EXIT_OK, stderr

WORLD = '''\
# {title}: the world file. See docs/scene-format.md for every field.
scenario: {ident}
title: {title}
subtitle: A night to be written

clock:
  start: 1917-10-25 20:00
  end: 1917-10-26 02:00
  calendar: julian
  default_takes: 10m

roles:
  messenger:
    name: The messenger
    title: Carry one letter across a city at war with itself.
    intro: |
      You have a letter for the Smolny Institute and a city to cross before the bridges rise.
    start: quay
    at: "20:00"
    time_out: dawn

variables:
  courage: 1

places:
  quay: {{ name: The English Quay, area: city }}
  bridge: {{ name: The Nikolaevsky Bridge, area: city }}
areas:
  city: Petrograd

events:
  gun:
    title: A gun on the river
    at: "21:40"
    narrate:
      - text: A single boom rolls across the water, and every window rattles.
'''

SCENES = '''\
# The scenes. Add more files beside this one: every .yaml file in the folder is read.
scenes:
  quay:
    title: The quay
    place: quay
    text: |
      Wind off the Neva. The letter is dry inside your coat. Your courage is {{courage}}.
      {{courage > 1: You could walk anywhere tonight.|Your hands will not keep still.}}
    wait: 15m
    choices:
      - label: Steady yourself
        once: true
        takes: 5m
        do: [courage += 1]
        result: You breathe out slowly. The quay stops swaying.
      - label: Walk to the bridge
        takes: 20m
        go: bridge

  bridge:
    title: The bridge
    place: bridge
    text: Sailors at a barricade of firewood. Beyond them, the lights of the other bank.
    variants:
      - if: courage > 1
        append: true
        text: You walk up to them as if you had every right to.
    wait: 15m
    choices:
      - label: Go back to the quay
        takes: 20m
        go: quay

  dawn:
    title: Dawn
    place: bridge
    text: The sky goes grey over the fortress.
    ending:
      title: The night is over
      epilogue: The letter is still in your coat. Your courage ended at {{courage}}.
      note: Write here what really happened, for the players to read at the end.
'''


def register(sub: Any) -> None:
    p = sub.add_parser("new", help="write a minimal valid scenario to start from",
                       description="Write a small scenario (one role, three scenes, one "
                       "timed event, one ending) into DIR.")
    p.add_argument("dir", help="the folder to create (must be new or empty)")
    p.add_argument("--title", help="the scenario's title (default: from the folder name)")
    p.set_defaults(func=cmd_new)


def write_scenario(root: Path, title: str | None = None) -> list[Path]:
    """Write the starter scenario into `root`; returns the files written."""
    title = title or root.name.replace("_", " ").replace("-", " ").strip().title() or "A Night"
    ident = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "night"
    root.mkdir(parents=True, exist_ok=True)
    world = root / "world.yaml"
    scenes = root / "scenes.yaml"
    world.write_text(WORLD.format(ident=ident, title=title.replace(":", " -")), encoding="utf-8")
    scenes.write_text(SCENES.format(), encoding="utf-8")
    return [world, scenes]


def cmd_new(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        stderr(f"winterpalace: {root} already exists and is not an empty folder; "
               "give a new folder name")
        return EXIT_BAD_SCENARIO
    try:
        files = write_scenario(root, args.title)
    except OSError as e:
        stderr(f"winterpalace: cannot write {root}: {e.strerror}")
        return EXIT_ERROR
    sys.stdout.write("Wrote " + ", ".join(str(f) for f in files) + ".\nNext:\n"
                     f"  winterpalace check {root}\n"
                     f"  winterpalace play --scenes {root}\n"
                     f"  winterpalace graph {root} --format mermaid\n"
                     f"  winterpalace test {root} --random 1000\n")
    return EXIT_OK
