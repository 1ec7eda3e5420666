"""What one role can never have: items and notes only other roles get, and other roles'
endings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...engine import Where, World
from .arrival import only_role_false, open_to, role_moves
from .common import scene_roles, warn

if TYPE_CHECKING:
    from .common import Analysis


def check(a: Analysis) -> None:
    _never_obtained(a)
    _other_role_endings(a)


def obtainable(a: Analysis) -> dict[str, set[tuple[str, str]]]:
    """role -> {("has", item), ("knows", note)} it can come to have."""
    world = a.world
    out: dict[str, set[tuple[str, str]]] = {}
    for rid, rr in a.roles.items():
        got: set[tuple[str, str]] = set()
        for sid in rr.earliest:
            scene = world.scenes[sid]
            effects: list[Any] = list(scene.on_enter)
            for ch in role_moves(scene, rid)[1]:
                effects += ch.effects
            got |= _gets(effects)
        start = world.roles[rid].start_time
        for ev in world.events:
            if ev.at < start:
                continue
            for reach in ev.reaches:
                if reach.cond is None or not only_role_false(reach.cond, rid):
                    got |= _gets(reach.effects)
        out[rid] = got
    return out


def _gets(effects: Any) -> set[tuple[str, str]]:
    kind = {"give": "has", "learn": "knows"}
    return {(kind[f], x) for e in effects for f, x in e.calls if f in kind}


def _sites(a: Analysis) -> list[tuple[Any, Where, set[str]]]:
    """Every condition in a scene or an event case, with the roles that can meet it there."""
    world = a.world
    out: list[tuple[Any, Where, set[str]]] = []
    for sid in sorted(a.reachable):
        a.tick()
        scene = world.scenes[sid]
        roles = set(scene_roles(a, sid))
        for h in scene.text.holes:
            out.append((h, scene.where, roles))
        for v in scene.variants:
            out += [(v.cond, v.where, roles)] + [(h, v.where, roles) for h in v.text.holes]
        for ch in scene.choices:
            mine = {r for r in roles if open_to(ch, r)}
            if ch.cond is not None:
                out.append((ch.cond, ch.where, mine))
            out += [(h, ch.where, mine) for h in ch.label.holes]
        for rd in scene.redirects:
            out.append((rd.cond, rd.where, {r for r in roles if open_to(rd, r)}))
    for ev in world.events:
        for reach in ev.reaches:
            if reach.cond is not None:
                roles = {r for r in a.roles if world.roles[r].start_time <= ev.at
                         and not only_role_false(reach.cond, r)}
                out.append((reach.cond, reach.where, roles))
    return out


def _never_obtained(a: Analysis) -> None:
    if not a.world.items and not a.world.notes:
        return
    gets = obtainable(a)
    anyone = set().union(*gets.values()) if gets else set()
    said: set[tuple[Where, str, str]] = set()
    for cond, where, roles in _sites(a):
        if not roles:
            continue
        for fn, x in sorted(cond.calls):
            if fn not in ("has", "knows") or (fn, x) not in anyone:
                continue
            if any((fn, x) in gets[r] for r in roles) or (where, fn, x) in said:
                continue
            said.add((where, fn, x))
            who = ", ".join(f"`{r}`" for r in sorted(roles))
            by = ", ".join(f"`{r}`" for r in sorted(r for r in gets if (fn, x) in gets[r]))
            thing = "item" if fn == "has" else "note"
            verb = "give" if fn == "has" else "learn"
            a.problems.append(warn(
                where, "never-obtained",
                f"`{fn}({x})` is never true here: only {by} can get the {thing} `{x}`, and "
                f"only {who} can be here",
                f"let {who} {verb} it somewhere (`{verb}({x})`), or gate this with "
                f"`role == ...`"))


# --------------------------------------------------------------------------- endings


def owners(world: World, ending: str) -> set[str]:
    """The roles an ending belongs to: those whose `time_out` it is, and those its id names
    (`keeper_dawn`, `dawn_keeper`)."""
    out = {rid for rid, r in world.roles.items() if r.time_out == ending}
    words = set(ending.lower().split("_"))
    out |= {rid for rid in world.roles if rid.lower() in words}
    return out


def _other_role_endings(a: Analysis) -> None:
    world = a.world
    for rid, rr in a.roles.items():
        for sid in sorted(rr.earliest):
            scene = world.scenes[sid]
            if scene.ending is None:
                continue
            a.tick()
            own = owners(world, sid)
            if not own or rid in own:
                continue
            site = _way_in(a, rid, sid)
            if site is None:
                continue
            where, how = site
            theirs = ", ".join(f"`{r}`" for r in sorted(own))
            a.problems.append(warn(
                where, "other-role-ending",
                f"role `{rid}` can be sent into `{sid}`, which is {theirs}'s ending, {how}",
                f'gate it with `if: role == "{sorted(own)[0]}"`, or give `{rid}` an ending '
                "of its own"))


def _way_in(a: Analysis, rid: str, ending: str) -> tuple[Where, str] | None:
    world = a.world
    rr = a.roles[rid]
    start = world.roles[rid].start_time
    for ev in world.events:
        if ev.at < start:
            continue
        for reach in ev.reaches:
            if reach.cond is not None and only_role_false(reach.cond, rid):
                continue
            if reach.go == ending:
                return reach.where, f"by event `{ev.id}`"
            if reach.cond is None:
                break
    for sid in sorted(rr.earliest):
        redirects, choices, _ = role_moves(world.scenes[sid], rid)
        for ch in choices:
            if ch.go == ending:
                return ch.where, f"by the choice `{ch.label.plain}` in `{sid}`"
        for rd in redirects:
            if rd.go == ending:
                return rd.where, f"by a redirect in `{sid}`"
    return None
