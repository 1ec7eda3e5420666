"""Live reloading for `winterpalace play --scenes DIR --watch`.

The play loop asks `Watcher.poll(session)` between turns. When a scenario file has changed, the
folder is loaded again: if it loads, the session moves to the new world with the player kept
where they stand (or at the role's start when their scene is gone); if it does not, the errors
are returned for showing and the game goes on in the old world. Polling file times keeps this
standard-library only and works the same on every system.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..engine import Game, PlayerState, World, WorldState
from ..scenario import ScenarioError, load_scenario, render_problems
from ..session import Session


@dataclass(frozen=True)
class Reload:
    """What a reload did, for the front end to tell the player."""

    ok: bool
    message: str               # one line: "Reloaded: 3 files changed." or the error summary
    errors: str = ""           # every load error, rendered (file:line:col, source, caret)
    moved: bool = False        # the player's scene was gone: they are back at the start


class Watcher:
    """Notices changes to a scenario folder's YAML files."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.stamp = self.snapshot()

    def snapshot(self) -> dict[str, tuple[int, int]]:
        out = {}
        for p in self.root.rglob("*"):
            if p.suffix in (".yaml", ".yml") and p.is_file():
                try:
                    st = p.stat()
                except OSError:
                    continue
                out[str(p)] = (st.st_mtime_ns, st.st_size)
        return out

    def changed(self) -> bool:
        """True once for each change (files edited, added or removed) since the last call."""
        now = self.snapshot()
        if now != self.stamp:
            self.stamp = now
            return True
        return False

    def poll(self, session: Session) -> Reload | None:
        """Reload into `session` if anything changed; None when nothing did."""
        if not self.changed():
            return None
        return reload_into(session, self.root)


def reload_into(session: Session, root: str | Path) -> Reload:
    """Load `root` again and move `session` into it, keeping the player's place."""
    try:
        world = load_scenario(root)
    except ScenarioError as e:
        n = len(e.problems)
        files = len({p.file for p in e.problems})
        # Not the loader's "Nothing was started.": the game goes on in the old version.
        return Reload(False, f"The scenario has {n} error{'s' if n != 1 else ''} in {files} "
                      f"file{'s' if files != 1 else ''}; still playing the old version until "
                      "they are fixed.", render_problems(e.problems))
    ps = session.game.player
    if ps.role not in world.roles:
        return Reload(False, f"The role `{ps.role}` is gone from the scenario; still playing "
                      "the old version.")
    game, moved = carry_over(session.game, world)
    session.world = world
    session.game = game
    session.undo_stack.clear()   # old states belong to the old world
    where = f" Your scene `{ps.scene}` is gone: back to the start." if moved else ""
    return Reload(True, f"Reloaded the scenario.{where}", moved=moved)


def carry_over(game: Game, world: World) -> tuple[Game, bool]:
    """The same night in a changed world: values kept where their names and types still fit."""
    ps, ws = game.player, game.world
    role = world.roles[ps.role]
    initial = dict(world.variables)
    initial.update(role.variables)
    vars_ = {k: (ps.vars[k] if k in ps.vars and type(ps.vars[k]) is type(v) else v)
             for k, v in initial.items()}
    flags = {k: (ws.flags[k] if k in ws.flags and type(ws.flags[k]) is type(v) else v)
             for k, v in world.world_flags.items()}
    event_ids = {e.id for e in world.events}
    moved = ps.scene not in world.scenes
    scene = role.start if moved else ps.scene
    time = min(ps.time, world.clock.end)
    ending = scene if world.scenes[scene].ending is not None and ps.ending is not None else None
    new_ps: PlayerState = replace(
        ps, scene=scene, time=time, vars=vars_,
        items=tuple(i for i in ps.items if i in world.items),
        notes=tuple(n for n in ps.notes if n in world.notes),
        visits={k: v for k, v in ps.visits.items() if k in world.scenes},
        used=frozenset(u for u in ps.used if u.split("#")[0] in world.scenes),
        ending=ending)
    new_ws = WorldState(time=ws.time, flags=flags,
                        fired=tuple((e, t) for e, t in ws.fired if e in event_ids),
                        decided=frozenset(d for d in ws.decided if d in event_ids))
    return Game(new_ws, new_ps), moved
