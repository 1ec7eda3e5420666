"""The menus around a player's game: title, role menu, play, ending, again.

`Flow` is pure like `Session`: a line in, typed outputs out, no I/O. The plain front end, the
rich terminal and a classroom connection all drive the same flow and render its outputs their
own way (ui/plain.py as text lines, ui/render.py with rich).

States: ``title`` (role menu) -> ``confirm`` (the role's portrait; begin?) -> ``play`` ->
``ended`` (the ending menu: play again, another role, quit) -> ``done``. Choosing a role that
has an unfinished night asks first (``night``: continue it, or begin a new one and keep it).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .engine import World
from .sanitise import printable
from .saves import SaveError, SaveInfo, SaveStore
from .session import (
    MAX_INPUT,
    Info,
    Notice,
    Output,
    QuitRequest,
    Screen,
    Session,
    delete_request,
    in_sentence,
    notice_kind,
    saves_listing,
)


class Reloaded(Protocol):
    """What taking in an author's edits did: whether it took, and what to tell the player."""

    @property
    def ok(self) -> bool: ...
    @property
    def message(self) -> str: ...              # one line
    @property
    def errors(self) -> str: ...               # every load error, rendered ("" if it took)


class ScenarioWatcher(Protocol):
    """`play --watch`: asked before each line whether the scenario's files changed; if they
    did, it reloads them into the session (the command line composes one from the authoring
    tools; nothing here knows them)."""

    def poll(self, session: Session) -> Reloaded | None: ...


TITLE_NIGHTS = 5            # unfinished nights listed on the title screen (`saves` lists all)


@dataclass(frozen=True, slots=True)
class RoleEntry:
    """One line of the role menu."""

    number: int
    id: str
    name: str
    title: str                 # the one-line summary
    area: str                  # where the role starts
    place: str
    start: str                 # hh:mm

    @property
    def where(self) -> str:
        """`Petrograd, the firewood barricade` (the place alone when the area is its name)."""
        if self.place.lower() == self.area.lower():
            return self.area
        return f"{self.area}, {in_sentence(self.place)}"


@dataclass(frozen=True, slots=True)
class TitleScreen:
    """The game's title, the role menu and the unfinished nights (newest first)."""

    title: str
    subtitle: str
    roles: tuple[RoleEntry, ...]
    unfinished: tuple[SaveInfo, ...] = ()
    more: int = 0              # unfinished nights not listed
    found: int = 0             # endings found in every game so far
    total: int = 0             # endings in the scenario
    unloadable: int = 0        # files in the saves folder that cannot be loaded

    @property
    def resume(self) -> SaveInfo | None:
        """The night `continue` goes on with."""
        return self.unfinished[0] if self.unfinished else None


@dataclass(frozen=True, slots=True)
class RoleIntro:
    """A role's portrait before the night begins; `confirm`: the player is asked to begin."""

    role: RoleEntry
    intro: str
    confirm: bool


@dataclass(frozen=True, slots=True)
class EndingMenu:
    """What to do after an ending."""

    role_name: str
    options: tuple[str, ...] = ("Play again as {role}", "Another role", "Quit")
    found: int = 0             # endings found in every game so far (0: not known)
    total: int = 0             # endings in the scenario
    new: bool = False          # the ending just reached is one not found before


def progress_line(found: int, total: int, new: bool = False) -> str:
    """`You have found 3 of 20 endings (this one is new).`"""
    if not total:
        return ""
    return (f"You have found {found} of {total} endings" + (" (this one is new)" if new else "")
            + ". `endings` lists them.")


def unloadable_line(n: int) -> str:
    """`2 save files cannot be loaded; `saves` lists them and says why.`"""
    if not n:
        return ""
    if n == 1:
        return "1 save file cannot be loaded; `saves` lists it and says why."
    return f"{n} save files cannot be loaded; `saves` lists them and says why."


@dataclass(frozen=True, slots=True)
class Goodbye:
    text: str


FlowOutput = Output | TitleScreen | RoleIntro | EndingMenu | Goodbye

YES = {"", "y", "yes", "begin", "start", "ok", "go"}
NO = {"n", "no", "back", "b", "roles", "menu"}
QUIT = {"quit", "q", "exit"}


def role_entries(world: World) -> tuple[RoleEntry, ...]:
    entries = []
    for n, role in enumerate(world.roles.values(), 1):
        scene = world.scenes[role.start]
        place = world.places[scene.place]
        area = world.areas[place.area].name if place.area in world.areas else place.name
        entries.append(RoleEntry(n, role.id, role.name, role.title, area, place.name,
                                 world.clock.hhmm(role.start_time)))
    return tuple(entries)


class Flow:
    """One player's way through title, role choice, the night and the ending menu.

    Args:
        world: the scenario.
        store: where saves go (None: no saving, e.g. a demo).
        seed: the random seed of every game; None draws a new one per game.
        confirm: ask before the night begins (the terminal does; scripted input does not).
        watcher: for `play --watch`: asked before each line, so an author's edits reach the
            game between turns.
        gentle: content mode: the authors' `told:` texts in place of violence shown.
    """

    def __init__(self, world: World, *, store: SaveStore | None = None, seed: int | None = None,
                 confirm: bool = True, watcher: ScenarioWatcher | None = None,
                 gentle: bool = False) -> None:
        self.world = world
        self.gentle = gentle
        self.watcher = watcher
        self.store = store
        self.seed = seed
        self.confirm = confirm
        self.roles = role_entries(world)
        self.state = "title"
        self.session: Session | None = None
        self.pending: RoleEntry | None = None
        self.waiting: SaveInfo | None = None      # the unfinished night a new one would displace
        self._confirm_delete: Callable[[], list[Output]] | None = None
        self._nights: list[SaveInfo] = []          # as last listed on the title screen
        self.unsaved = False       # the last autosave on leaving failed (the exit status says)

    # ------------------------------------------------------------------ starting

    def start(self, role: str | None = None, resume: bool = False) -> list[FlowOutput]:
        """The first outputs: the resumed game, the chosen role's night, or the title; in a
        night already under way (a browser tab that takes the game again), where it is."""
        if self.session is not None and role is None and not resume:
            out: list[FlowOutput] = [Screen(self.session.view())]
            if self.session.ended:
                out.append(self._ending_menu(self.session))
            return out
        if resume:
            out = self.resume()
            if self.state in ("play", "ended"):
                return out
            return out + [self.title_screen()]
        if role is not None:
            return self.choose(role)
        return [self.title_screen()]

    def title_screen(self) -> TitleScreen:
        self.state = "title"
        self._nights = self.store.unfinished() if self.store is not None else []
        shown = tuple(self._nights[:TITLE_NIGHTS])
        found = len(self.store.progress().found(self.world)) if self.store is not None else 0
        unloadable = (sum(1 for i in self.store.saves() if i.problem is not None)
                      if self.store is not None else 0)
        return TitleScreen(self.world.title, self.world.subtitle, self.roles, shown,
                           len(self._nights) - len(shown), found,
                           len(self.world.endings()), unloadable)

    def _ending_menu(self, session: Session) -> EndingMenu:
        """The menu after an ending, with the endings found in every game so far."""
        found = total = 0
        if self.store is not None:
            found = len(self.store.progress().found(self.world))
            total = len(self.world.endings())
        menu = EndingMenu(session.view().role_name, found=found, total=total,
                          new=session.new_ending)
        session.new_ending = False          # said once
        return menu

    def resume(self, slot: str | None = None) -> list[FlowOutput]:
        """Load `slot` (default: the newest unfinished night) and play on."""
        if self.store is None:
            return [Notice("There are no saved games here.", "warning")]
        out: list[FlowOutput] = []
        if slot is None:
            info = self.store.latest_autosave()
            passed = self.store.unloadable_nights(newer_than=info)
            if passed:
                out.append(self._passed_over(passed, info))
            elif info is None:
                return [Notice("There is no game to continue; choose a role.", "warning")]
            if info is None:
                return out
            slot = info.slot
        try:
            loaded = self.store.load(slot)
        except SaveError as e:
            return [*out, Notice(str(e), notice_kind(e))]
        try:
            session, _ = Session.new(self.world, loaded.game.player.role, 0)
            session.gentle = self.gentle
            view = session.view_of(loaded.game)    # a game this scenario cannot show is refused
        except Exception as e:
            return [Notice(f"The save `{slot}` cannot be shown with this scenario "
                           f"({type(e).__name__}); nothing was changed.", "error")]
        session.store = self.store
        session.restore(loaded.game, loaded.undo, night=loaded.info.night,
                        slot=self.store.home_slot(loaded))
        self.session = session
        self.state = "ended" if session.ended else "play"
        out.append(Notice(f"Welcome back: {loaded.info.describe()}."))
        if loaded.warning:
            out.append(Notice(loaded.warning, "warning"))
            # Written at once, so the report can say where the save as it was is kept.
            kept = session.autosave()
            if kept is not None:
                out.append(kept)
        out.append(Screen(view))
        if session.ended:
            out.append(self._ending_menu(session))
        return out

    @staticmethod
    def _passed_over(passed: list[SaveInfo], instead: SaveInfo | None) -> Notice:
        """`continue` and the newest night cannot be loaded: why, reason first, and what
        happens instead (never another night without a word)."""
        newest = passed[0]
        reason = newest.why_not(f"your newest night, `{newest.slot}`,")
        then = (f"this continues the night before it, `{instead.slot}`" if instead is not None
                else "there is no other night to continue: choose a role")
        more = len(passed) - 1
        also = f" and {more} more that cannot be loaded" if more else ""
        return Notice(f"{reason[:1].upper()}{reason[1:]}; {then}. `{newest.slot}` is left as "
                      f"it is; `saves` lists it{also}.", "warning")

    def choose(self, role: str) -> list[FlowOutput]:
        """Begin a night as `role`; first ask (terminal) about an unfinished night of it."""
        night = self._unfinished_of(role)
        if night is not None and self.confirm:
            self.pending = next(r for r in self.roles if r.id == role)
            self.waiting = night
            self.state = "night"
            return [self._night_question()]
        return self.begin(role)

    def _unfinished_of(self, role: str) -> SaveInfo | None:
        if self.store is None:
            return None
        slot = self.store.autosave_slot(role)
        if not self.store.exists(slot):
            return None
        info = self.store.info(slot)
        return info if info.problem is None and not info.ended else None

    def _night_question(self) -> Info:
        assert self.pending is not None and self.waiting is not None and self.store
        w = self.waiting
        when = w.played()
        return Info("An unfinished night", (
            f"You have an unfinished night as {in_sentence(self.pending.name)}: {w.clock}, "
            f"{w.scene_title}"
            + (f", {when}." if when else "."),
            "1. Continue that night",
            f"2. Begin a new night (that one is kept, as `{self.store.kept_name(w)}`)",
            "3. Back to the roles"))

    def begin(self, role: str) -> list[FlowOutput]:
        """Start the night as `role`; an unfinished night of it is kept under its own name."""
        entry = next(r for r in self.roles if r.id == role)
        out: list[FlowOutput] = []
        if self.store is not None:
            slot = self.store.autosave_slot(role)
            try:
                kept = self.store.keep_aside(slot)
            except SaveError as e:
                kept = None
                out.append(Notice(str(e), "error"))
            if kept is not None and kept.problem is None:
                out.append(Notice(f"Your unfinished night as {in_sentence(kept.role_name)} "
                                  f"({kept.clock}, "
                                  f"{kept.scene_title}) is kept as `{kept.slot}`: `load "
                                  f"{kept.slot}` goes back to it."))
            elif kept is not None:
                why = kept.why_not(f"`{slot}`")
                out.append(Notice(f"{why[:1].upper()}{why[1:]}; it is kept as it is, as "
                                  f"`{kept.slot}`.", "warning"))
        seed = self.seed if self.seed is not None else secrets.randbelow(2**31)
        session, turn = Session.new(self.world, role, seed)
        session.store = self.store
        session.gentle = self.gentle
        self.session = session
        self.state = "play"
        if not self.confirm:
            out.insert(0, RoleIntro(entry, self.world.roles[role].intro, False))
        problem = session.autosave()
        if problem is not None:
            out.append(problem)
        out.append(Screen(session.view(), session.shown(turn)))
        return out

    # ------------------------------------------------------------------ input

    @property
    def done(self) -> bool:
        return self.state == "done"

    def prompt_hint(self) -> str:
        """A short reminder of what can be typed now (for toolbars and prompts)."""
        if self.state == "title":
            cont = ", `continue`" if self._nights else ""
            return f"choose a role 1-{len(self.roles)}{cont}, or `quit`"
        if self.state == "confirm":
            return "Enter to begin, `back` for the roles"
        if self.state == "night":
            return "1 continue that night · 2 begin a new one · 3 back"
        if self.state == "ended":
            return "1 play again · 2 another role · 3 quit"
        return "type a number, a command, or help"

    def handle(self, line: str) -> list[FlowOutput]:
        """Interpret one line in the current state. Never raises on any input."""
        try:
            return self._reload() + self._handle(line)
        except Exception as e:
            return [Notice(f"Something went wrong inside the game ({type(e).__name__}: "
                           f"{str(e)[:200]}). Nothing was changed; try another choice, `undo` "
                           "or `load`.", "error")]

    def _reload(self) -> list[FlowOutput]:
        """With --watch: take in the author's edits, or say why they cannot be taken in."""
        if self.watcher is None or self.session is None or self.state != "play":
            return []
        r = self.watcher.poll(self.session)
        if r is None:
            return []
        if not r.ok:
            return [Notice(r.message, "error", tuple(r.errors.splitlines()))]
        self.world = self.session.world
        self.roles = role_entries(self.world)
        self.store = self.session.saves()     # its checks follow the new scenario
        out: list[FlowOutput] = [Notice(r.message)]
        problem = self.session.autosave()
        if problem is not None:
            out.append(problem)
        return out + [Screen(self.session.view())]

    def _handle(self, line: str) -> list[FlowOutput]:
        text = printable(line, MAX_INPUT)
        if self.state == "title":
            return self._title(text)
        if self.state == "confirm":
            return self._confirm(text)
        if self.state == "night":
            return self._night(text)
        if self.state == "ended":
            return self._ended(text)
        if self.state == "play":
            return self._play(line)
        return []

    def _find_role(self, text: str) -> RoleEntry | None:
        low = text.lower().rstrip(".)")
        if low.isascii() and low.isdigit() and len(low) < 4:
            n = int(low)
            return next((r for r in self.roles if r.number == n), None)
        if not low:
            return None
        for r in self.roles:
            if low == r.id.lower() or low == r.name.lower():
                return r
        matches = [r for r in self.roles if r.id.lower().startswith(low)
                   or low in r.name.lower()]
        return matches[0] if len(matches) == 1 else None

    def _title(self, text: str) -> list[FlowOutput]:
        low = text.lower()
        word, _, rest = low.partition(" ")
        rest = rest.strip()
        if self._confirm_delete is not None:
            confirm, self._confirm_delete = self._confirm_delete, None
            if low in ("y", "yes"):
                return [*confirm(), self.title_screen()]
            if low in ("", "n", "no"):
                return [Notice("Nothing was deleted.")]
            return [Notice("Nothing was deleted."), *self._title(text)]
        if low in QUIT:
            return self.quit()
        if word in ("continue", "c", "resume", "load", "restore"):
            if word in ("load", "restore") and not rest:
                return [Notice("Type `load NAME` with the name of a save; `saves` lists them.",
                               "warning")]
            return self.resume(rest or None)
        if low in ("help", "?", "h"):
            return [Info("Choosing a role", self._title_help())]
        if low == "saves" and self.store is not None:
            return [saves_listing(self.store)]
        if word == "delete" and self.store is not None:
            outputs, self._confirm_delete = delete_request(self.store, rest, None)
            return list(outputs)
        role = self._find_role(text)
        if role is None:
            return [Notice(f"Choose a role: a number from 1 to {len(self.roles)}"
                           + (f", not `{text[:30]}`." if text else "."), "warning",
                           self._title_help())]
        if not self.confirm:
            return self.begin(role.id)
        if self._unfinished_of(role.id) is not None:
            return self.choose(role.id)
        self.pending = role
        self.state = "confirm"
        return [RoleIntro(role, self.world.roles[role.id].intro, True)]

    def _title_help(self) -> tuple[str, ...]:
        lines = [f"{r.number}. {r.name}" for r in self.roles]
        if self._nights:
            lines.append("continue: go on with your last game")
        lines.append("saves, load NAME, delete NAME: saved games; quit: leave")
        return tuple(lines)

    def _night(self, text: str) -> list[FlowOutput]:
        """The answer to: continue the unfinished night, or begin a new one beside it?"""
        assert self.pending is not None and self.waiting is not None
        low = text.lower().rstrip(".)")
        if low in ("1", "continue", "c", "resume"):
            return self.resume(self.waiting.slot)
        if low in ("2", "new", "begin", "new night", "start"):
            return self.begin(self.pending.id)
        if low in ("3", *NO):
            return [self.title_screen()]
        if low in QUIT:
            return self.quit()
        return [Notice("Type 1 to continue that night, 2 to begin a new one beside it, or 3 "
                       "to go back to the roles.", "warning")]

    def _confirm(self, text: str) -> list[FlowOutput]:
        low = text.lower()
        assert self.pending is not None
        if low in YES or low == self.pending.id or low == str(self.pending.number):
            return self.choose(self.pending.id)
        if low in QUIT:
            return self.quit()
        if low in NO:
            return [self.title_screen()]
        other = self._find_role(text)
        if other is not None:
            self.pending = other
            return [RoleIntro(other, self.world.roles[other.id].intro, True)]
        return [Notice(f"Press Enter to begin as {in_sentence(self.pending.name)}, or type "
                       "`back` to choose "
                       "another role.", "warning")]

    def _play(self, line: str) -> list[FlowOutput]:
        assert self.session is not None
        outputs: list[FlowOutput] = []
        for o in self.session.handle(line):
            if isinstance(o, QuitRequest):
                return outputs + self.quit()
            outputs.append(o)
        if self.session.ended:
            self.state = "ended"
            outputs.append(self._ending_menu(self.session))
        return outputs

    def _ended(self, text: str) -> list[FlowOutput]:
        assert self.session is not None
        low = text.lower().rstrip(".)")
        if low in ("1", "again", "play again", "replay", "restart"):
            return self.choose(self.session.game.player.role)
        if low in ("2", "another", "another role", "role", "roles"):
            self.session = None
            return [self.title_screen()]
        if low in ("3",) or low in QUIT:
            return self.quit()
        out: list[FlowOutput] = []
        for o in self.session.handle(text):
            if isinstance(o, QuitRequest):
                return out + self.quit()
            if isinstance(o, Notice) and o.text.startswith("The night is over"):
                continue
            out.append(o)
        if not self.session.ended:
            self.state = "play"       # `undo` or `load` took the player back into the night
        else:
            out.append(self._ending_menu(self.session))
        return out

    # ------------------------------------------------------------------ leaving

    def quit(self) -> list[FlowOutput]:
        """Leave: autosave the game in progress and say goodbye."""
        msg = self.hangup()
        self.state = "done"
        out: list[FlowOutput] = []
        if msg is not None:
            out.append(msg)
        saved = (self.session is not None and not self.session.ended and self.store is not None
                 and msg is None)
        out.append(Goodbye("Goodbye. Your game is saved: `winterpalace play --continue` "
                           "takes you back to it." if saved else "Goodbye."))
        return out

    def hangup(self) -> Notice | None:
        """Save what there is to save (Ctrl-D, a closed terminal, SIGTERM); never raises."""
        if self.session is None:
            return None
        try:
            notice = self.session.autosave()
        except Exception as e:
            notice = Notice(f"Autosave failed: {e}", "error")
        self.unsaved = notice is not None and notice.kind == "error"
        return notice

    def completions(self) -> list[str]:
        """Words worth offering now: choice labels and commands, or the menu's words."""
        if self.state == "title":
            words = [r.name for r in self.roles] + [r.id for r in self.roles]
            if self._nights:
                words.insert(0, "continue")
            return words + ["saves", "load", "delete", "help", "quit"]
        if self.state == "confirm":
            return ["yes", "back", "quit"]
        if self.state == "night":
            return ["continue", "new", "back", "quit"]
        if self.session is None:
            return []
        words = []
        if self.state == "ended":
            words += ["again", "another role", "quit"]
        else:
            words += [c.label for c in self.session.view().choices if c.enabled]
        return words + self.session.command_words()
