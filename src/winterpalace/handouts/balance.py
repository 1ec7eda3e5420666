"""Giving 3 to 40 students their roles: palace defenders, sailors, and delegates of several
factions, so that every vote has someone arguing on each side.

PURE and deterministic: the same names and seed give the same plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..engine import World
from ..errors import WinterPalaceError

MIN_STUDENTS, MAX_STUDENTS = 3, 40
# Who is given a faction first: the two sides of every vote, then the swing groups.
FACTION_ORDER = ("Bolshevik", "Left SR", "Menshevik", "Menshevik-Internationalist", "Right SR",
                 "Bund")


class BalanceError(WinterPalaceError):
    """A class size or role list the plan cannot serve."""


@dataclass(frozen=True, slots=True)
class Seat:
    role: str
    faction: str | None = None


def plan(world: World, students: int) -> list[Seat]:
    """Seats for a class of `students`: about half delegates, the rest split between the
    other roles; delegates' factions cover both sides first, then follow the 1917 seats."""
    if not MIN_STUDENTS <= students <= MAX_STUDENTS:
        raise BalanceError(f"the lesson is made for {MIN_STUDENTS} to {MAX_STUDENTS} students, "
                           f"not {students}")
    lesson = world.lesson
    faction_role = None
    if lesson is not None and lesson.factions:
        faction_role = next(iter(lesson.factions.values())).role
    others = [r for r in world.roles if r != faction_role]
    if faction_role is None:
        roles = list(world.roles)
        return [Seat(roles[i % len(roles)]) for i in range(students)]
    delegates = max(1, round(students * 0.5))
    rest = students - delegates
    if others and rest < len(others):
        delegates = students - len(others)
        rest = len(others)
    seats: list[Seat] = []
    for i in range(rest):
        seats.append(Seat(others[i % len(others)]))
    assert lesson is not None
    factions = {k: f for k, f in lesson.factions.items() if f.role == faction_role}
    order = [f for f in FACTION_ORDER if f in factions] + \
        [f for f in factions if f not in FACTION_ORDER]
    counts = dict.fromkeys(factions, 0)
    for i in range(delegates):
        if i < len(order):
            counts[order[i]] += 1
        else:   # D'Hondt on the 1917 seats: the next student goes where seats per student is highest
            best = max(order, key=lambda f: (factions[f].seats / (counts[f] + 1), -order.index(f)))
            counts[best] += 1
    for f in order:
        seats += [Seat(faction_role, f)] * counts[f]
    return seats


def assign(world: World, names: list[str], seed: int = 0) -> dict[str, Seat]:
    """Each name's seat; names are shuffled with `seed` so nobody always gets the same part."""
    if len({n.casefold() for n in names}) != len(names):
        raise BalanceError("two students have the same name; give each a different one")
    seats = plan(world, len(names))
    order = list(names)
    random.Random(seed).shuffle(order)
    return dict(zip(order, seats, strict=True))


def describe(world: World, seats: list[Seat]) -> list[str]:
    """`3 x A delegate (Bolshevik)` lines for the teacher."""
    counts: dict[tuple[str, str | None], int] = {}
    for s in seats:
        counts[(s.role, s.faction)] = counts.get((s.role, s.faction), 0) + 1
    return [f"{n} x {world.roles[r].name}" + (f" ({f})" if f else "")
            for (r, f), n in counts.items()]


__all__ = ["BalanceError", "Seat", "assign", "describe", "plan"]
