"""One student's conversation with the class, whatever the wire (SSH, telnet, a browser).

A transport gives each connection a `terminal.Terminal` (read a line; write above the prompt)
and runs `PlayerConnection(hub, terminal).run()` once the class code is right. Nothing here
knows the wire. Every question is also described as data (`Question`: its kind and, for a
menu, its options), so a transport that shows forms and buttons (the browser) can subclass
the conversation and show the same questions its own way, with the same answers.

The conversation: a name (or a handle); for a name already in the class, its rejoin PIN (or
the teacher's `admit`); for a new one, a role and, where the role has factions, a faction; then
the night. Every question has a time limit, and typed lines are rate-limited.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ..session import Info, Notice, Output, QuitRequest, sentence
from .door import RateLimit
from .names import clean_name, name_key
from .player import ClassroomSession
from .render import color_system_for, render_outputs
from .room import LogLine
from .server import Classroom
from .terminal import IdleTimeout, Prompt, Terminal

QUESTION_TIMEOUT = 180.0     # seconds at the name, role, faction or PIN question
PLAY_TIMEOUT = 30 * 60.0     # seconds without a line at the night's prompt
ADMIT_TIMEOUT = 300.0        # seconds to wait for the teacher to `admit` a lost PIN
PIN_TRIES_HERE = 3           # wrong PINs on one connection before it is closed
LINES_PER_SECOND = (20.0, 40)  # typed lines: forty at once, then twenty a second
STOPPING = ("The class is stopping for now; your place is kept. Join again with the same "
            "name and PIN when your teacher says.")
STOPPING_UNSEATED = "The class is stopping for now. Join again when your teacher says."


@dataclass(frozen=True, slots=True)
class Option:
    """One answer of a menu: what typing it means (`answer`), its label, a line about it,
    and why it cannot be taken now (None: it can)."""

    answer: str
    label: str
    detail: str = ""
    unavailable: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """What the student is asked, as data: `kind` is name, pin, lost_pin, role, faction or
    play; a menu has a title and options; `default` is what an empty answer means."""

    kind: str
    title: str = ""
    options: tuple[Option, ...] = ()
    default: str = ""

    def as_info(self) -> Info:
        """The menu as lines, for a terminal: `1. Lieutenant Sinegub, from 18:00: ...`."""
        lines = []
        for o in self.options:
            extra = f" ({o.unavailable})" if o.unavailable else ""
            lines.append(f"{o.answer}. {o.label}{extra}" + (f"{o.detail}" if o.detail else ""))
        return Info(self.title, tuple(lines))


PLAY = Question("play")


class Leave(Exception):
    """The conversation ends here (a timeout, too many wrong PINs): the reason was shown.

    Plain `Exception`, not `WinterPalaceError`, on purpose: it is control flow whose message
    has already been shown, not an error for a front end to report again."""


class PlayerConnection:
    """One student's connection: their prompt, their printer, their seat in the room."""

    def __init__(self, hub: Classroom, term: Terminal, question_timeout: float = QUESTION_TIMEOUT,
                 play_timeout: float = PLAY_TIMEOUT):
        self.hub = hub
        self.term = term
        self.username = term.username
        self.color_system = color_system_for(term.terminal_type)
        self.question_timeout = question_timeout
        self.play_timeout = play_timeout
        self.pending: list[Output] = []           # delivered, not yet printed
        self.wake = asyncio.Event()                # the printer has something to do
        self.kicked = False                        # the hub has closed this seat
        self.done = False                          # the conversation is over
        self.name: str | None = None
        self.session: ClassroomSession | None = None
        self.closing = False
        self.lines = RateLimit(*LINES_PER_SECOND)

    # -- the Link protocol (called by the hub, from any task: only queues)

    def deliver(self, outputs: list[Output]) -> None:
        self.pending.extend(outputs)
        self.wake.set()

    def kick(self, outputs: list[Output]) -> None:
        self.pending.extend(outputs)
        self.kicked = True
        self.wake.set()

    # -- the hub's Conversation protocol

    def stop(self) -> None:
        """The server is stopping (the session goes on later): say so, then close."""
        if self.kicked or self.done:
            return
        self.kick([Notice(STOPPING if self.name else STOPPING_UNSEATED, "warning")])

    # -- printing, only ever from this connection's own task

    async def _printer(self) -> None:
        """Print what others' actions and the clock bring, above the prompt.

        Everything delivered since the last print goes out as one block: one render, one
        write to the connection, however many changes came in.
        """
        while True:
            await self.wake.wait()
            self.wake.clear()
            if self.pending:
                outs, self.pending = self.pending, []
                self._print(outs)
            if self.kicked:
                self.closing = True
                self.term.close_input()
                return
            if self.done:
                return

    def print_now(self, outs: list[Output]) -> None:
        """Print what is pending and then `outs`, in that order (from the student's task)."""
        outs, self.pending = self.pending + outs, []
        self._print(outs)

    def _print(self, outs: list[Output]) -> None:
        """Render for this student's terminal (its width, its colours) and write it."""
        if not outs or self.term.lost:
            return
        text = render_outputs(outs, self.term.columns(), self.color_system)
        self.term.write(text.replace("\r", ""))

    def show(self, outs: list[Output]) -> None:
        self.deliver(outs)

    async def ask(self, message: Prompt, timeout: float | None = None,
                  question: Question | None = None) -> str:
        """One line from the student. Leave when nothing is typed for `timeout` seconds."""
        if self.closing or self.term.lost:
            raise EOFError
        limit = self.question_timeout if timeout is None else timeout
        while True:
            if self.pending:
                self.print_now([])
            try:
                return await self.read(message, limit, question or Question("text"))
            except KeyboardInterrupt:
                self.show([Notice("(Type `quit` to leave.)")])
            except IdleTimeout:
                minutes = max(1, round(limit / 60))
                self.print_now([Notice(
                    f"Nothing typed for {minutes} minute{'s' if minutes != 1 else ''}: "
                    "this connection is closed. Join again when you are ready"
                    + (" (your place is kept)." if self.name else "."), "warning")])
                raise Leave from None

    async def read(self, message: Prompt, timeout: float | None, question: Question) -> str:
        """The line itself, from the terminal. A transport that shows questions as forms
        (the browser) overrides this and `show_menu` and gets the question as data."""
        return await self.term.read_line(message, timeout)

    def show_menu(self, question: Question) -> None:
        """Show a menu's options before its question (on a terminal: numbered lines)."""
        self.show([question.as_info()])

    # -- the conversation

    confirm_name = True     # ask to confirm the name the connection came with (SSH's user)

    async def run(self) -> None:
        printer = asyncio.create_task(self._printer())
        self.hub.conversations.add(self)
        try:
            if await self.enter():
                await self.play()
        except (EOFError, Leave):
            pass
        finally:
            self.hub.conversations.discard(self)
            if self.name is not None and self.hub.detach(self.name, self):
                p = self.hub.room.player(self.name)
                if p is not None and p.connected:
                    self.hub.room.disconnect(self.name)
                    await self.hub.commit()
            if not printer.done():
                self.done = True
                self.wake.set()
                try:
                    await asyncio.wait_for(printer, 5)
                except TimeoutError:
                    printer.cancel()

    def _welcome(self) -> list[Output]:
        w = self.hub.world
        lines = [w.subtitle, "", "A shared night with your class. Everyone you meet here is a "
                 "classmate; what you do can change what they see."]
        return [Info(w.title.upper(), tuple(x for x in lines if x is not None))]

    async def enter(self) -> bool:
        """Greet, find or make the student; True once they are in the room."""
        room = self.hub.room
        self.show(self._welcome())
        typed = clean_name(self.username)
        given = not self.confirm_name      # the name was typed already, in the login form
        pin_of: str | None = None          # the name whose PIN was asked last
        while True:
            if room.ended:
                self.show([Notice("The session has ended. Thank you for playing.")])
                return False
            if typed is not None and room.player(typed) is not None:
                pin_of = typed
                back = await self._rejoin(typed)
                if back is not None:
                    return back
                typed = None
                continue
            default = f" (press Enter to be {typed})" if typed else \
                " (or press Enter for a handle)"
            if room.locked and not given:
                self.show([Notice("The class is closed to new names. If you joined before, "
                                  "type the name you used.")])
                default = ""
            if given:
                given = False
                answer = self.username.strip()
                if answer and typed is None:
                    self.show([Notice("Use letters, digits, - or _, at most 20 characters, "
                                      "like `Misha` or `Sailor-2`. No surnames needed.",
                                      "warning")])
                    continue
            else:
                answer = (await self.ask(f"Your first name or a nickname{default}: ",
                                         question=Question("name", default=typed or "")
                                         )).strip()
            if pin_of is not None and looks_like_pin(answer) and room.player(pin_of):
                # The PIN, typed a question late: it is for the name just asked about.
                back = await self._rejoin(pin_of, typed_pin=answer)
                if back is not None:
                    return back
                continue
            name = typed if not answer and typed else (clean_name(answer) if answer else None)
            if answer and name is None:
                self.show([Notice("Use letters, digits, - or _, at most 20 characters, like "
                                  "`Misha` or `Sailor-2`. No surnames needed.", "warning")])
                continue
            if name is not None and room.player(name) is not None:
                typed = name
                continue
            if room.locked:
                self.show([Notice("Nobody joined with that name.", "warning")])
                continue
            if await self._join_new(name):
                return True
            typed = None

    async def _join_new(self, name: str | None) -> bool:
        """Ask the role (and faction) of a new student and seat them; False: ask the name."""
        room = self.hub.room
        if name is not None:
            refusal = room.join_refusal(name)
            if refusal:
                self.show([Notice(sentence(refusal), "warning")])
                return False
        held = room.assigned.get(name_key(name)) if name else None
        while True:
            if held is not None:
                role, faction = held
                self.show([Notice(f"Your teacher has given you the role "
                                  f"{room.world.roles[role].name}"
                                  + (f" ({faction})." if faction else "."))])
            else:
                role = await self._pick_role()
                faction = None
            refusal = room.join_refusal(name or room.offer_handle(role), role)
            if refusal is None:
                break
            self.show([Notice(sentence(refusal), "warning")])
            if held is not None or room.locked or room.ended:
                return False
        if faction is None and room.factions_of_role(role):
            faction = await self._pick_faction(role)
        if name is None:
            name = room.offer_handle(role)
        pin, pin_record = self.hub.new_pin()
        self.hub.attach(name, self)
        res = room.join(name, role, self.hub.new_seed(), faction, pin_record)
        if not res.ok:
            self.hub.detach(name, self)
            self.show([Notice(sentence(res.message), "warning")])
            return False
        self.name = name
        p = room.player(name)
        assert p is not None
        # The intro's own line breaks are the YAML file's: one line per paragraph here,
        # so each wraps at this student's width.
        intro: list[str] = []
        for para in room.world.roles[role].intro.split("\n\n"):
            if para.strip():
                intro += [" ".join(para.split()), ""]
        self.show([Info(room.introduce(p),
                        (*intro, "Type a number to choose, `say` to speak to people here, "
                         "`help` for more.")),
                   Notice(f"Your PIN is {pin}. Write it down: if your connection drops, you "
                          "need your name and this PIN to take your seat again.", "warning")])
        await self.hub.commit()
        self.session = self._session(p.name)
        return True

    def _session(self, name: str) -> ClassroomSession:
        return ClassroomSession.seat(self.hub.room, name, allow=self.hub.allow)

    async def _rejoin(self, name: str, typed_pin: str | None = None) -> bool | None:
        """Take an existing seat again, with its PIN (or the teacher's word); `typed_pin`: a
        PIN typed already, where another question was asked.

        True: in. False: the conversation ends. None: ask for another name.
        """
        room, hub = self.hub.room, self.hub
        p = room.player(name)
        assert p is not None
        if p.removed:
            self.show([Notice("Your teacher has removed this name from the class.", "warning")])
            return None
        if typed_pin is None:
            self.show([Notice(f"{p.name} is already in the class. If that is you, type the "
                              "PIN you were given when you first joined. (Someone else? Press "
                              "Enter twice to choose another name.)")])
        tries = 0
        answer = typed_pin
        while tries < PIN_TRIES_HERE:
            if hub.pin_tries_left(p.name) <= 0:
                self.show([Notice(f"Too many wrong PINs for {p.name}: your teacher has to let "
                                  "you in.", "warning")])
                return await self._admitted(p.name)
            if answer is None:
                answer = (await self.ask(f"PIN for {p.name} (Enter if you have lost it): ",
                                         question=Question("pin", title=p.name))).strip()
            if not answer:
                # Whatever they answer here: the PIN after all (digits) is the PIN.
                again = (await self.ask("Lost your PIN? Type `teacher` to ask your teacher to "
                                        "let you in, type the PIN if you have found it, or "
                                        "press Enter to choose another name: ",
                                        question=_LOST_PIN)).strip()
                if again.lower() in ("teacher", "t", "yes", "y"):
                    return await self._admitted(p.name)
                if again.lower() == "pin":
                    answer = None            # the browser's "I have found it": ask again
                    continue
                if not looks_like_pin(again):
                    return None
                answer = again
            tries += 1
            if room.check_pin(p.name, answer):
                return await self._seat(p.name)
            hub.wrong_pin(p.name, self.term.address)
            self.show([Notice("That is not the PIN for this name.", "warning")])
            answer = None
            await asyncio.sleep(1.0)
        self.show([Notice("Too many wrong PINs. Ask your teacher, then join again.", "warning")])
        raise Leave

    async def _admitted(self, name: str) -> bool:
        self.print_now([Notice("Your teacher has been asked to let you in. Wait here...")])
        if not await self.hub.wait_for_admit(name, ADMIT_TIMEOUT):
            self.show([Notice("Your teacher has not let you in. Ask them, then join again.",
                              "warning")])
            raise Leave
        pin, record = self.hub.new_pin()
        self.hub.room.set_pin(name, record)
        self.show([Notice(f"Your teacher has let you in. Your new PIN is {pin}: write it "
                          "down.", "warning")])
        return await self._seat(name)

    async def _seat(self, name: str) -> bool:
        room, hub = self.hub.room, self.hub
        p = room.player(name)
        assert p is not None
        hub.take_over(p.name)            # the old connection of this seat, if still open
        hub.attach(p.name, self)
        res = room.connect(p.name)
        if not res.ok:
            hub.detach(p.name, self)
            self.show([Notice(sentence(res.message), "warning")])
            await hub.commit()
            return False
        self.name = p.name
        await hub.commit()
        self.session = self._session(p.name)
        return True

    async def _pick_role(self) -> str:
        room = self.hub.room
        roles = list(room.world.roles)
        counts = room.role_counts()
        options = []
        for n, rid in enumerate(roles, 1):
            r = room.world.roles[rid]
            cap = room.caps.get(rid)
            full = "full" if cap is not None and counts[rid] >= cap else None
            options.append(Option(str(n), r.name, f", from {room.world.clock.hhmm(r.start_time)}"
                                  f": {r.title} ({counts[rid]} playing)", full))
        question = Question("role", "Roles", tuple(options))
        self.show_menu(question)
        while True:
            answer = (await self.ask(f"Choose a role, 1 to {len(roles)}: ",
                                     question=question)).strip().lower()
            if answer.isdigit() and 1 <= int(answer) <= len(roles):
                return roles[int(answer) - 1]
            if answer in room.world.roles:
                return answer
            self.show([Notice(f"Type a number from 1 to {len(roles)}.", "warning")])

    async def _pick_faction(self, role: str) -> str:
        room = self.hub.room
        options = room.factions_of_role(role)
        default = room.default_faction(role) or options[0]
        question = Question("faction", "Your faction (it is on your role sheet)",
                            tuple(Option(str(n), f, f" ({room.factions[f].seats} seats in 1917)")
                                  for n, f in enumerate(options, 1)), default)
        self.show_menu(question)
        while True:
            answer = (await self.ask(f"Choose your faction, 1 to {len(options)} (Enter: "
                                     f"{default}): ", question=question)).strip()
            if not answer:
                return default
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return options[int(answer) - 1]
            match = [f for f in options if f.casefold() == answer.casefold()]
            if match:
                return match[0]
            self.show([Notice(f"Type a number from 1 to {len(options)}.", "warning")])

    def _prompt_text(self) -> str:
        room = self.hub.room
        p = room.player(self.name or "")
        if p is None or p.ps is None:
            return f"[{room.hhmm(room.now)}] > "
        return f"{room.hhmm(p.ps.time)} > "

    async def play(self) -> None:
        assert self.session is not None
        while True:
            line = await self.ask(self._prompt_text, self.play_timeout, PLAY)
            if self.lines.wait() > 0:
                self.print_now([Notice("One thing at a time: that line was not read.",
                                       "warning")])
                continue
            outs = self.session.handle(line)
            await self.hub.commit()
            quitting = any(isinstance(o, QuitRequest) for o in outs)
            outs = [o for o in outs if not isinstance(o, QuitRequest)]
            if quitting:
                outs.append(Notice("Goodbye for now. Your place is kept: join again with the "
                                   "same name, class code and PIN to carry on."))
            # Printed here, before the next prompt is drawn, so the screen is written once.
            self.print_now(outs)
            if quitting:
                return


_LOST_PIN = Question("lost_pin", "Lost your PIN?", (
    Option("teacher", "Ask my teacher to let me in"), Option("pin", "I have found it"),
    Option("", "Choose another name")))


def looks_like_pin(answer: str) -> bool:
    """A PIN typed where another question was asked: digits only (a name never is)."""
    answer = answer.strip()
    return answer.isascii() and answer.isdigit() and 1 <= len(answer) <= 8


def error_line(e: Exception) -> LogLine:
    """The console's alert for an unexpected error in one student's connection."""
    return LogLine("alert", f"internal error in a connection: {type(e).__name__}: {e}")
