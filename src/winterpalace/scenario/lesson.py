"""The `lesson:` section: role sheets, delegate factions and the Congress's marked votes.

Optional, like the classroom it serves. Checked with the same located messages as the rest of a
scenario (`file:line:col`), after the scenes and events are known, so a vote can name the
decision it belongs to and the event it replaces.
"""

from __future__ import annotations

from typing import Any

from ..engine import (
    INT,
    TYPE_NAMES,
    Clock,
    Excerpt,
    Faction,
    Lesson,
    Packet,
    Scene,
    Vote,
    suggest,
    value_type,
)
from .reader import Entry, NodeReader
from .yamlnodes import Node, ScalarNode

LESSON_FIELDS = {"faction_variable": False, "roles": False, "factions": False, "votes": False}
PACKET_FIELDS = {"name": False, "who": True, "goal": True, "secret_goal": False,
                 "knows": False, "excerpts": False, "glossary": False, "easy": False}
FACTION_FIELDS = {**PACKET_FIELDS, "role": True, "seats": True}
EASY_FIELDS = {"who": False, "goal": False, "secret_goal": False, "knows": False}
EXCERPT_FIELDS = {"text": True, "source": True}
VOTE_FIELDS = {"decision": True, "ballot": True, "options": True, "yes": True, "no": False,
               "rule": False, "flag": True, "carried": True, "lost": True, "replaces": False,
               "hold": True, "seats_flag": False, "history": False, "role": False}
RULES = ("majority", "any")
ABSENT = "absent"


def compile_lesson(ld: NodeReader, entries: list[Entry], *, roles: dict[str, Any],
                   variables: dict[str, tuple[Any, str, Any]],
                   world_flags: dict[str, tuple[Any, str, Any]], glossary: dict[str, str],
                   scenes: dict[str, Scene], events: dict[str, Any],
                   clock: Clock | None) -> Lesson | None:
    """Compile every file's `lesson:` entries into one `Lesson` (problems go to the loader)."""
    seen: dict[str, Entry] = {}
    for e in entries:
        if e.id not in LESSON_FIELDS:
            ld.error(e.file, e.key, f"`{e.id}` is not a part of `lesson:`",
                     suggest(e.id, LESSON_FIELDS) or f"parts: {', '.join(LESSON_FIELDS)}",
                     length=len(e.id))
            continue
        if e.id in seen:
            first = seen[e.id]
            ld.error(e.file, e.key, f"`lesson: {e.id}` is given twice",
                     f"it is already given at {first.file}:{first.line}",
                     length=len(e.id))
            continue
        seen[e.id] = e
    c = _Compiler(ld, roles, variables, world_flags, glossary, scenes, events, clock)
    faction_var = None
    if "faction_variable" in seen:
        e = seen["faction_variable"]
        faction_var = ld.string(e.file, e.node, "faction_variable")
        if faction_var is not None and faction_var not in variables:
            ld.error(e.file, e.node, f"unknown variable `{faction_var}` in `faction_variable:`",
                     suggest(faction_var, variables) or "declare it under `variables:`")
            faction_var = None
    packets: dict[str, Packet] = {}
    if "roles" in seen:
        e = seen["roles"]
        for rid, (k, v) in ld.mapping(e.file, e.node, "lesson.roles").items():
            if rid not in roles:
                ld.error(e.file, k, f"unknown role `{rid}` in `lesson.roles`",
                         suggest(rid, roles) or f"roles: {', '.join(roles)}", length=len(rid))
                continue
            pf = ld.fields(e.file, v, PACKET_FIELDS, f"role sheet `{rid}`")
            pk = c.packet(e.file, rid, v, pf, rid) if pf is not None else None
            if pk is not None:
                packets[rid] = pk
    factions: dict[str, Faction] = {}
    if "factions" in seen:
        e = seen["factions"]
        if faction_var is None and "faction_variable" not in seen:
            ld.error(e.file, e.key, "`lesson.factions` needs `faction_variable:`",
                     "name the player variable that holds a delegate's faction")
        for fid, (_k, v) in ld.mapping(e.file, e.node, "lesson.factions").items():
            f = c.faction(e.file, fid, v)
            if f is not None:
                factions[fid] = f
    votes: dict[str, Vote] = {}
    if "votes" in seen:
        e = seen["votes"]
        for vid, (k, v) in ld.mapping(e.file, e.node, "lesson.votes").items():
            vote = c.vote(e.file, vid, k, v, factions, faction_var)
            if vote is not None:
                votes[vid] = vote
    return Lesson(faction_var, packets, factions, votes)


class _Compiler:
    def __init__(self, ld: NodeReader, roles: dict[str, Any],
                 variables: dict[str, tuple[Any, str, Any]],
                 world_flags: dict[str, tuple[Any, str, Any]], glossary: dict[str, str],
                 scenes: dict[str, Scene], events: dict[str, Any], clock: Clock | None):
        self.ld, self.roles, self.variables, self.world_flags = ld, roles, variables, world_flags
        self.glossary, self.scenes, self.events, self.clock = glossary, scenes, events, clock
        self.decisions = {s.decision.id: s for s in scenes.values() if s.decision is not None}

    # ------------------------------------------------------------------ role sheets

    def texts(self, file: str, node: Node, what: str) -> tuple[str, ...]:
        out = []
        for n in self.ld.list_of(file, node, what):
            t = self.ld.string(file, n, what)
            if t:
                out.append(_tidy(t))
        return tuple(out)

    def packet(self, file: str, ident: str, node: Node, f: dict[str, tuple[Node, Node]],
               default_name: str) -> Packet:
        ld = self.ld
        excerpts = []
        if "excerpts" in f:
            for xn in ld.list_of(file, f["excerpts"][1], "excerpts"):
                xf = ld.fields(file, xn, EXCERPT_FIELDS, "an excerpt")
                if xf is None or "text" not in xf or "source" not in xf:
                    continue
                text = ld.field_str(file, xf, "text")
                source = ld.field_str(file, xf, "source")
                if text and source:
                    excerpts.append(Excerpt(text, source, ld.where(file, xn)))
        terms = []
        if "glossary" in f:
            for tn in ld.list_of(file, f["glossary"][1], "glossary"):
                term = ld.string(file, tn, "glossary")
                if term is None:
                    continue
                if term not in self.glossary:
                    ld.error(file, tn, f"`{term}` is not in the glossary",
                             suggest(term, self.glossary)
                             or "add it under `glossary:` in any file", length=len(term))
                    continue
                terms.append(term)
        easy: dict[str, Any] = {}
        if "easy" in f:
            ef = ld.fields(file, f["easy"][1], EASY_FIELDS, "an easier-reading sheet") or {}
            for key in ("who", "goal", "secret_goal"):
                if key in ef:
                    easy[key] = ld.field_str(file, ef, key) or ""
            if "knows" in ef:
                easy["knows"] = self.texts(file, ef["knows"][1], "easy.knows")
        name = ld.field_str(file, f, "name", required=False) or default_name
        return Packet(ident, name, ld.field_str(file, f, "who") or "",
                      ld.field_str(file, f, "goal") or "",
                      ld.field_str(file, f, "secret_goal", required=False) or "",
                      self.texts(file, f["knows"][1], "knows") if "knows" in f else (),
                      tuple(excerpts), tuple(terms), easy, ld.where(file, node))

    def faction(self, file: str, fid: str, node: Node) -> Faction | None:
        ld = self.ld
        f = ld.fields(file, node, FACTION_FIELDS, f"faction `{fid}`")
        if f is None:
            return None
        pk = self.packet(file, fid, node, f, fid)
        role = None
        if "role" in f:
            role = ld.string(file, f["role"][1], "role")
            if role is not None and role not in self.roles:
                ld.error(file, f["role"][1], f"unknown role `{role}` in `role:`",
                         suggest(role, self.roles) or f"roles: {', '.join(self.roles)}")
                role = None
        seats = ld.scalar(file, f["seats"][1], "seats") if "seats" in f else None
        if not isinstance(seats, int) or isinstance(seats, bool) or seats < 0:
            if "seats" in f:
                ld.error(file, f["seats"][1], "`seats` should be a whole number of delegates",
                         "e.g. `seats: 300`")
            return None
        if role is None:
            return None
        return Faction(fid, role, seats, pk, ld.where(file, node))

    # ------------------------------------------------------------------ votes

    def vote(self, file: str, vid: str, key: Node, node: Node, factions: dict[str, Faction],
             faction_var: str | None) -> Vote | None:
        ld = self.ld
        what = f"vote `{vid}`"
        f = ld.fields(file, node, VOTE_FIELDS, what)
        if f is None:
            return None
        problems = len(ld.problems)
        scene = self._decision_scene(file, f)
        ballot, btype = self._declared(file, f, "ballot", self.variables, "variable",
                                       "variables")
        ok = not (ballot is not None and btype is None)
        options = self._options(file, f, ballot, btype)
        names = [o for o, _ in options]
        rule = "majority"
        if "rule" in f:
            rule = ld.string(file, f["rule"][1], "rule") or "majority"
            if rule not in RULES:
                ld.error(file, f["rule"][1], f"`rule` is one of: {', '.join(RULES)}")
        yes = self._option(file, f, "yes", names)
        no = self._option(file, f, "no", names) if "no" in f else None
        if rule == "majority" and "no" not in f:
            ld.error(file, node, f"{what} needs `no:` (the option `yes` is counted against)",
                     "or give `rule: any`")
        flag, ftype = self._declared(file, f, "flag", self.world_flags, "world flag",
                                     "world_flags")
        ok = ok and not (flag is not None and ftype is None)
        carried, lost = self._results(file, f, flag, ftype)
        replaces = None
        if "replaces" in f:
            replaces = ld.string(file, f["replaces"][1], "replaces")
            if replaces is not None and replaces not in self.events:
                ld.error(file, f["replaces"][1], f"unknown event `{replaces}` in `replaces:`",
                         suggest(replaces, self.events))
        hold = ld.time_of_day(file, f["hold"][1], "hold", self.clock) if "hold" in f else None
        seats_flag = self._seats_flag(file, f)
        history, whole = self._history(file, f, factions, names)
        # What is wrong is said where it is found, and the vote is dropped: the steps above
        # each report their own, so a problem since `problems` means the vote is not whole.
        ok = ok and whole and len(ld.problems) == problems
        role = None
        if "role" in f:
            role = ld.string(file, f["role"][1], "role")
            if role is not None and role not in self.roles:
                ld.error(file, f["role"][1], f"unknown role `{role}` in `role:`",
                         suggest(role, self.roles) or f"roles: {', '.join(self.roles)}")
                return None
        elif scene is not None:
            role = self._role_of(scene)
        if not ok or scene is None or ballot is None or yes is None or flag is None \
                or hold is None or role is None:
            if scene is not None and role is None:
                ld.error(file, f["decision"][1], f"cannot tell which role votes in `{vid}`",
                         "give `role:`")
            return None
        assert scene.decision is not None
        return Vote(vid, scene.decision.id, scene.id, role, ballot, tuple(options), yes, no,
                    rule, flag, carried, lost, replaces, hold, seats_flag, history,
                    ld.where(file, key))

    def _decision_scene(self, file: str, f: dict[str, tuple[Node, Node]]) -> Scene | None:
        """The scene that marks the vote's `decision:`."""
        if "decision" not in f:
            return None
        did = self.ld.string(file, f["decision"][1], "decision")
        scene = self.decisions.get(did or "")
        if did and scene is None:
            self.ld.error(file, f["decision"][1], f"no scene marks the decision `{did}`",
                          suggest(did, self.decisions) or "mark it with `decision:` on "
                          "the scene where the choice is made")
        return scene

    def _options(self, file: str, f: dict[str, tuple[Node, Node]], ballot: str | None,
                 btype: str | None) -> list[tuple[str, Any]]:
        """`options:`: each option's name and the value the ballot variable takes."""
        ld = self.ld
        options: list[tuple[str, Any]] = []
        if "options" not in f:
            return options
        for name, (k, v) in ld.mapping(file, f["options"][1], "options").items():
            value = ld.scalar(file, v, f"options.{name}")
            if btype is not None and value_type(value) != btype:
                ld.error(file, v, f"option `{name}`: `{ballot}` is {TYPE_NAMES[btype]}")
            if name == ABSENT:
                ld.error(file, k, f"`{ABSENT}` is kept for delegates who were not there",
                         length=len(name))
            options.append((name, value))
        if not options:
            ld.error(file, f["options"][1], "a vote needs at least two options")
        return options

    def _results(self, file: str, f: dict[str, tuple[Node, Node]], flag: str | None,
                 ftype: str | None) -> tuple[Any, Any]:
        """`carried:` and `lost:`: the values the flag takes."""
        results: list[Any] = []
        for outcome in ("carried", "lost"):
            value = self.ld.scalar(file, f[outcome][1], outcome) if outcome in f else None
            if outcome in f and ftype is not None and value_type(value) != ftype:
                self.ld.error(file, f[outcome][1],
                              f"`{outcome}`: `{flag}` is {TYPE_NAMES[ftype]}")
            results.append(value)
        return results[0], results[1]

    def _seats_flag(self, file: str, f: dict[str, tuple[Node, Node]]) -> str | None:
        if "seats_flag" not in f:
            return None
        seats_flag = self.ld.string(file, f["seats_flag"][1], "seats_flag")
        if seats_flag is not None and self.world_flags.get(seats_flag, (0, ""))[1] != INT:
            self.ld.error(file, f["seats_flag"][1], f"`seats_flag` must name a number world "
                          f"flag; `{seats_flag}` is not one",
                          "declare it under `world_flags:` with a number, e.g. `0`")
        return seats_flag

    def _history(self, file: str, f: dict[str, tuple[Node, Node]], factions: dict[str, Faction],
                 names: list[str]) -> tuple[dict[str, tuple[tuple[str, float], ...]], bool]:
        """`history:`: how each faction's seats went in 1917; and whether every faction's
        shares could be read."""
        history: dict[str, tuple[tuple[str, float], ...]] = {}
        if "history" not in f:
            return history, True
        ld = self.ld
        whole = True
        for fid, (k, v) in ld.mapping(file, f["history"][1], "history").items():
            if fid not in factions:
                ld.error(file, k, f"unknown faction `{fid}` in `history:`",
                         suggest(fid, factions) or "declare it under `lesson.factions`",
                         length=len(fid))
                continue
            shares = self._shares(file, v, names)
            if shares is None:
                whole = False
                continue
            history[fid] = shares
        return history, whole

    def _declared(self, file: str, f: dict[str, Any], key: str, table: dict[str, Any],
                  kind: str, section: str) -> tuple[str | None, str | None]:
        """The name given in `key:` and its type, after checking it is declared."""
        if key not in f:
            return None, None
        name = self.ld.string(file, f[key][1], key)
        if name is None:
            return None, None
        if name not in table:
            self.ld.error(file, f[key][1], f"unknown {kind} `{name}` in `{key}:`",
                          suggest(name, table) or f"declare it under `{section}:`")
            return name, None
        return name, table[name][1]

    def _option(self, file: str, f: dict[str, tuple[Node, Node]], key: str,
                names: list[str]) -> str | None:
        if key not in f:
            return None
        name = self.ld.string(file, f[key][1], key)
        if name is not None and name not in names:
            self.ld.error(file, f[key][1], f"`{key}: {name}` is not one of the options",
                          suggest(name, names) or f"options: {', '.join(names)}")
            return None
        return name

    def _shares(self, file: str, node: Node,
                names: list[str]) -> tuple[tuple[str, float], ...] | None:
        """`for`, or `{stay: 0.5, leave: 0.5}`: how a faction's seats went in 1917."""
        ld = self.ld
        allowed = names + [ABSENT]
        if isinstance(node, ScalarNode):
            name = ld.string(file, node, "history")
            if name is None:
                return None
            if name not in allowed:
                ld.error(file, node, f"`{name}` is not an option of this vote",
                         suggest(name, allowed) or f"options: {', '.join(allowed)}")
                return None
            return ((name, 1.0),)
        out = []
        for name, (k, v) in ld.mapping(file, node, "history").items():
            if name not in allowed:
                ld.error(file, k, f"`{name}` is not an option of this vote",
                         suggest(name, allowed) or f"options: {', '.join(allowed)}",
                         length=len(name))
                return None
            share = ld.scalar(file, v, name)
            if isinstance(share, bool) or not isinstance(share, (int, float)) or share < 0:
                ld.error(file, v, "a share is a number from 0 to 1, e.g. `0.5`")
                return None
            out.append((name, float(share)))
        total = sum(s for _, s in out)
        if out and abs(total - 1.0) > 0.001:
            ld.error(file, node, f"the shares add up to {total:g}, not 1")
            return None
        return tuple(out) or None

    def _role_of(self, scene: Scene) -> str | None:
        """The role that votes, when `role:` is not given: the role whose id prefixes the
        scene's (`delegate_...`), as the shipped scenes are named."""
        for rid in self.roles:
            if scene.id.startswith(rid + "_") or scene.id == rid:
                return rid
        return None


def _tidy(text: str) -> str:
    return text.strip("\n").rstrip()
