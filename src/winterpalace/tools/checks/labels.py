"""Labels a player cannot type: shadowed by a command, or shared by two choices on screen,
and `otherwise:` words that are neither `hide` nor `show`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...engine import Choice, Scene, suggest
from .arrival import open_to
from .common import scene_roles, warn
from .states import TooMany, candidate_states, choice_open

if TYPE_CHECKING:
    from ...commands import CommandTable
    from ...session import Handler
    from .common import Analysis

_HIDE_SHOW = ("hide", "show", "hidden", "shown", "grey", "greyed")


def command_words() -> dict[str, tuple[str, CommandTable[Handler]]]:
    """Every word a player may type as a command -> (where: `the game`, `the classroom`; the
    commands there)."""
    from ...session import Session
    game = Session.COMMANDS
    words = dict.fromkeys(game.words(aliases=True), ("the game", game))
    from ...classroom import ClassroomSession
    in_class = ClassroomSession.COMMANDS
    for w in in_class.words(aliases=True):
        words.setdefault(w, ("the classroom", in_class))
    return words


def check(a: Analysis) -> None:
    words = command_words()
    for scene in a.world.scenes.values():
        a.tick()
        for ch in scene.choices:
            _shadowed(a, ch, words)
            _otherwise(a, ch)
        _duplicates(a, scene)


def _shadowed(a: Analysis, ch: Choice, words: dict[str, tuple[str, CommandTable[Handler]]]
              ) -> None:
    """A label that is a command's exact form (typing it runs the command), or one a command
    also takes (typing it asks which is meant). Other labels that start with a command's word
    (`Help the wounded`) are chosen by typing them."""
    from ...session import command_takes
    label = ch.label.plain.strip()
    first = label.split(" ", 1)[0].lower()
    low = " ".join(label.lower().split()).rstrip(".,;:!?")
    word, _, rest = low.partition(" ")
    if word not in words or not label:
        return
    place, commands = words[word]
    where = "" if place == "the game" else " in the classroom"
    if not rest:
        a.problems.append(warn(
            ch.where, "shadowed-label",
            f"choice `{label}` is the command `{word}`{where}: typing the label runs the "
            "command, not the choice",
            f"players can still pick it by its number; say more than `{first}`"))
    elif command_takes(word, rest, a.world.glossary, commands):
        a.problems.append(warn(
            ch.where, "shadowed-label",
            f"choice `{label}` starts with the command `{word}`{where}, which also takes "
            f"`{rest}`: typing the label asks which one is meant",
            "players can still pick it by its number; start the label with another word "
            f"(e.g. not `{first} ...`)"))


def _otherwise(a: Analysis, ch: Choice) -> None:
    text = ch.otherwise
    if text is None or " " in text.strip() or re.search(r"[.!?)\"']$", text.strip()):
        return
    close = suggest(text.strip().lower(), _HIDE_SHOW)
    a.problems.append(warn(
        ch.where, "otherwise-word",
        f"`otherwise: {text.strip()}` is one word that is neither `hide` nor `show`, so it is "
        f"shown as the reason the choice `{ch.label.plain}` is shut",
        (close + " " if close else "") + "write `hide` or `show`, or a reason as a sentence "
        f"(`{text.strip()}.`)"))


def _duplicates(a: Analysis, scene: Scene) -> None:
    seen: dict[str, Choice] = {}
    for ch in scene.choices:
        key = " ".join(ch.label.plain.lower().split())
        first = seen.get(key)
        if first is None:
            seen[key] = ch
            continue
        if _shown_together(a, scene, first, ch):
            a.problems.append(warn(
                ch.where, "duplicate-label",
                f"two choices of `{scene.id}` are labelled `{ch.label.plain}` and can be on "
                f"screen together (the first at line {first.where.line})",
                "typing the label cannot pick one of them: word them differently, or make "
                "their conditions exclusive"))


def _visible(ch: Choice, ctx: object) -> bool:
    if ch.otherwise is not None or ch.show_when_off:
        return True
    return choice_open(ch, ctx.time) and (ch.cond is None or bool(ch.cond.fn(ctx)))  # type: ignore[attr-defined]


def _shown_together(a: Analysis, scene: Scene, c1: Choice, c2: Choice) -> bool:
    roles = {r: span for r, span in scene_roles(a, scene.id).items()
             if open_to(c1, r) and open_to(c2, r)}
    if not roles:
        return False
    conds = [c.cond for c in (c1, c2) if c.cond is not None]
    times = [t for c in (c1, c2) for t in (c.after, c.before) if t is not None]
    try:
        return any(_visible(c1, ctx) and _visible(c2, ctx)
                   for ctx, _, _ in candidate_states(a.world, scene, conds, a.facts, roles,
                                                     times, describe=False))
    except TooMany:
        return False
    except Exception:   # a state the fake context cannot answer: say nothing
        return False
