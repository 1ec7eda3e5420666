"""What can be known about a scenario without playing it: reachability and time.

For each role, arrival times at each scene are bounded over the graph of time costs: choices
(`takes:`, their `after`/`before` windows), redirects (no time), waits, and events that carry
players elsewhere (`go:` at the event's time). `earliest` is a lower bound and `latest` an upper
bound of the clock when a player of that role can stand in a scene, so a warning built on them
("this window closes before anyone can arrive") is never a false alarm.

Conditions are evaluated over small sets of candidate states (`Domain`) to find choices that can
never be enabled and scenes where nothing may be possible (dead ends). Those two checks are
heuristics over an over-approximation of the reachable states, and say so in their wording.

`analyse` runs it all. The parts are in tools/checks/: the arrival-time bounds (arrival.py), the
candidate states (states.py), what the checks share (common.py: `Analysis`, `warn`), and one
module per check family. The names other tools use are exported here.
"""

from __future__ import annotations

from typing import Any

from ..engine import Where, World
from .checks import run_all
from .checks.arrival import (
    RoleReach,
    Stopped,
    event_moves,
    only_role_false,
    open_to,
    reach_role,
    role_moves,
)
from .checks.common import Analysis, declaration_sites, ever_enabled, warn
from .checks.states import (
    MAX_COMBINATIONS,
    Facts,
    FakeContext,
    TooMany,
    Uses,
    candidate_states,
    choice_open,
    conditions_of,
    constants,
    text_thing,
    uses,
)

__all__ = ["MAX_COMBINATIONS", "Analysis", "Facts", "FakeContext", "RoleReach", "Stopped",
           "TooMany", "Uses", "analyse", "candidate_states", "choice_open", "conditions_of", "constants",
           "declaration_sites", "event_moves", "ever_enabled", "only_role_false", "open_to", "reach_role",
           "role_moves", "text_thing", "uses", "warn"]


def analyse(world: World, cache: dict[Any, Any] | None = None,
            stop: Any = None) -> Analysis:
    """Run every check; the warnings come back in file order.

    `cache` (kept by a caller that analyses again and again, the language server) remembers
    the per-scene results of the condition checks: a scene object that comes back unchanged,
    with the same arrival times and the same facts, is not tried again.
    """
    roles = {}
    for rid in world.roles:
        if stop is not None and stop():
            raise Stopped()
        roles[rid] = reach_role(world, rid, stop)
    if stop is not None and stop():
        raise Stopped()
    texts: list[tuple[Any, Where]] = []
    u = uses(world, texts)
    if stop is not None and stop():
        raise Stopped()
    a = Analysis(world, roles, u, [], stop=stop, texts=texts)
    a.cache_old = cache if cache is not None else {}
    a.cache_new = {}
    run_all(a)
    a.problems.sort(key=lambda p: (p.file, p.line, p.col, p.code))
    if cache is not None:
        cache.clear()
        cache.update(a.cache_new)   # only what this world still holds
    return a
