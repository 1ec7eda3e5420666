"""The classroom end to end: a real server process, real OpenSSH clients driven by pexpect.

Loopback only. Needs /usr/bin/ssh (the openssh-client package).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from winterpalace.classroom.journal import read_journal
from winterpalace.classroom.room import Room
from winterpalace.scenario import load_scenario

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parent / "scenario"
SSH = shutil.which("ssh") or "/usr/bin/ssh"
CODE = "river-42"
PROMPT = re.compile(r"\d\d:\d\d >")

if not os.path.exists(SSH):
    pytest.skip("the OpenSSH client is not installed", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`winterpalace classroom` as a subprocess, its console driven on standard input."""

    def __init__(self, tmp: Path, port: int, resume: bool = False,
                 scenes: Path = SCENARIO, extra: tuple[str, ...] = ()):
        args = [sys.executable, "-m", "winterpalace", "classroom", "--host", "127.0.0.1",
                "--port", str(port), "--saves", str(tmp / "saves"), "--scenes", str(scenes),
                "--stdin", "--wrong-code-delay", "0.2", *extra]
        args += ["--resume"] if resume else ["--code", CODE]
        self.log_path = tmp / ("server-resumed.log" if resume else "server.log")
        # Open while the server runs (it writes there), closed in stop(): no `with`.
        self.log = open(self.log_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.wait_for("Type `help`")

    def text(self) -> str:
        return self.log_path.read_text("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server never said {needle!r}:\n{self.text()}")
            time.sleep(0.05)

    def command(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._close_files()

    def _close_files(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close_files()


def ssh(tmp: Path, port: int, user: str) -> pexpect.spawn:
    child = pexpect.spawn(SSH, [
        "-p", str(port), "-o", "StrictHostKeyChecking=no",
        "-o", f"UserKnownHostsFile={tmp / 'known_hosts'}", "-o", "PubkeyAuthentication=no",
        "-o", "PreferredAuthentications=password",
        "-o", "NumberOfPasswordPrompts=1", "-o", "LogLevel=ERROR", "-F", "/dev/null",
        f"{user}@127.0.0.1"], encoding="utf-8", codec_errors="replace", timeout=20,
        dimensions=(40, 100), env={**os.environ, "TERM": "xterm-256color"})
    return child


def login(tmp: Path, port: int, user: str, code: str = CODE) -> pexpect.spawn:
    c = ssh(tmp, port, user)
    c.expect("assword")
    c.sendline(code)
    return c


PINS: dict[str, str] = {}


def join_new(tmp: Path, port: int, user: str, role: int,
             faction: str | None = None) -> pexpect.spawn:
    """A new student over ssh; their rejoin PIN is kept in PINS."""
    c = login(tmp, port, user)
    c.expect("nickname")
    c.sendline("")
    c.expect("Choose a role")
    c.sendline(str(role))
    if faction is not None:
        c.expect("Choose your faction")
        c.sendline(faction)
    c.expect(f"You are {user}")
    c.expect(r"Your PIN is (\d{4})")
    PINS[user] = c.match.group(1)
    return c


def rejoin(tmp: Path, port: int, user: str) -> pexpect.spawn:
    c = login(tmp, port, user)
    c.expect(f"PIN for {user}")
    c.sendline(PINS[user])
    return c


def test_two_openssh_students_share_one_night(tmp_path: Path) -> None:
    port = free_port()
    server = Server(tmp_path, port)
    clients: list[pexpect.spawn] = []
    try:
        # A wrong class code is refused.
        bad = ssh(tmp_path, port, "eve")
        bad.expect("assword")
        bad.sendline("tsar-17")
        bad.expect("Permission denied")
        bad.expect(pexpect.EOF)

        anna = join_new(tmp_path, port, "anna", 1)      # the officer, from 18:00
        clients.append(anna)
        anna.expect("THE GUARDROOM|The guardroom")
        misha = join_new(tmp_path, port, "misha", 2)    # the sailor, from 20:00
        clients.append(misha)
        misha.expect("begins at 20:00")
        server.wait_for("misha joined as The sailor")

        # The facilitator opens the night, then moves it on to 20:00: the sailor begins, the
        # officer is brought up to the class clock where she stands.
        server.command("start")
        anna.expect("started the night")
        server.command("advance 20:00")
        misha.expect("Palace Square")
        anna.expect("it is now 20:00")

        # One student's world-changing action is seen by the other, without typing anything.
        misha.sendline("cut")
        misha.expect("The wires part under your knife")
        anna.expect("Something has changed around you")
        anna.expect("The telephone on the wall has gone dead")
        server.wait_for("misha: Cut the palace telephone wires")

        # Moving on in time past the Aurora (21:40): both see the event, worded for each.
        server.command("advance 22:00")
        anna.expect("A single great boom rolls across the river")
        misha.expect("A flash on the river, then a boom")

        # Misha's connection dies (laptop lid, killed client): the player is kept ...
        misha.kill(signal.SIGKILL)
        misha.wait()
        server.wait_for("misha disconnected")
        # ... and joining again with the same name and code carries on where they were.
        misha = rejoin(tmp_path, port, "misha")
        clients.append(misha)
        misha.expect("Welcome back, misha")
        misha.expect("Palace Square")
        misha.sendline("time")
        misha.expect("It is 22:00")

        # Say: heard by players in the same place only; the facilitator sees every line.
        misha.sendline("say the palace is dark")
        misha.expect("nobody else is here")
        server.wait_for("misha @ Petrograd, Palace Square: the palace is dark")

        # The last thing acknowledged before a crash must survive it.
        misha.sendline("tie")
        misha.expect("22:05 >")                    # the ribbon took five minutes
        anna.sendline("1")                         # take the revolver
        anna.expect("Six rounds")
        server.kill()
        for c in clients:
            c.expect(pexpect.EOF, timeout=20)
        before = read_journal(next((tmp_path / "saves").glob("class-*")) / "journal.jsonl")

        server = Server(tmp_path, port, resume=True)
        server.wait_for("Resumed: 2 students")
        anna = rejoin(tmp_path, port, "anna")
        clients.append(anna)
        anna.expect("Welcome back, anna")
        anna.expect("The telephone on the wall has gone dead")
        anna.sendline("inventory")
        anna.expect("service revolver")
        misha = rejoin(tmp_path, port, "misha")
        clients.append(misha)
        misha.expect("Welcome back, misha")
        misha.sendline("inventory")
        misha.expect("red ribbon")
        misha.sendline("time")
        misha.expect("The class clock is at 22:00")

        # Nothing was lost: the journal replays to a night with both events and the flag.
        world = load_scenario(SCENARIO)
        room = Room.replay(world, before)
        assert room.ws.flags["wires_cut"] is True
        assert [e for e, _ in room.ws.fired] == ["aurora"]
        assert room.player("anna").ps is not None
        assert "revolver" in room.player("anna").ps.items
        assert room.player("misha").ps is not None
        assert "ribbon" in room.player("misha").ps.items

        server.command("end")
        misha.expect("ended the session")
        anna.expect(pexpect.EOF)
        misha.expect(pexpect.EOF)
        assert server.proc.wait(20) == 0
    finally:
        for c in clients:
            c.terminate(force=True)
        server.stop()


LESSON = Path(__file__).parent / "lesson_scenario"


def words(text: str) -> re.Pattern[str]:
    """`text` as a pattern that still matches where the terminal wrapped a line (a wrap may
    end one colour and start it again)."""
    return re.compile(r"(?:\s|\x1b\[[0-9;?]*[A-Za-z])+".join(re.escape(w) for w in text.split()))


def test_delegates_vote_over_ssh_and_the_debrief_draws_their_night(tmp_path: Path) -> None:
    """Two delegates vote at a marked vote from their own ssh; the count follows their
    ballots (not 1917), the officer in the palace lives with it, and `debrief` writes the
    timeline with one track per student."""
    port = free_port()
    server = Server(tmp_path, port, scenes=LESSON, extra=("--code", CODE))
    clients: list[pexpect.spawn] = []
    try:
        anna = join_new(tmp_path, port, "anna", 1, "")    # delegates (Enter: a faction)
        boris = join_new(tmp_path, port, "boris", 1, "")
        olga = join_new(tmp_path, port, "olga", 2)       # the officer
        clients += [anna, boris, olga]
        olga.expect(words("Cadets doze"))
        server.command("start")
        anna.expect(words("started the night"))
        anna.sendline("1")                                # the Bolshevik benches
        anna.expect(words("CLASS VOTE (walkout)"))
        anna.expect(words("Open ballot"))
        boris.sendline("2")                               # the Menshevik benches
        boris.expect(words("CLASS VOTE (walkout)"))
        anna.sendline("2")                                # stay
        anna.expect(words("Your ballot is in (walkout: stay)"))
        anna.expect(words("Waiting for 1 more delegate"))
        server.wait_for("ballot walkout: anna - stay")
        # In 1917 the Mensheviks walked out; this class's Menshevik stays, so nobody leaves.
        boris.sendline("2")
        boris.expect(words("The Congress has voted (walkout)"))
        boris.expect(words("anna stay, boris stay"))
        anna.expect(words("The Congress has voted (walkout)"))
        anna.expect(words("The benches are still full"))
        server.wait_for("Vote walkout counted")
        # The officer's scene changes under her feet, and the news reaches her in time.
        olga.expect(words("Something has changed around you"))
        olga.expect(words("the Congress is still whole"))
        server.command("advance 23:15")
        olga.expect(words("A runner from Smolny says the Congress stayed whole"))
        server.command("votes")
        server.wait_for("walkout: counted at")

        server.command("debrief")
        server.wait_for("Debrief written:")
        assert "Debrief: " in server.text() and "walkout" in server.text()
        folder = next((tmp_path / "saves").glob("class-*"))
        html = (folder / "debrief.html").read_text("utf-8")
        svg = html[html.index("<svg"):html.index("</svg>")]
        tracks = re.findall(r'<g class="track" data-student="([^"]+)"', svg)
        assert sorted(tracks) == ["anna", "boris", "olga"]
        assert (folder / "debrief.md").is_file()
        assert {p.name for p in (folder / "transcripts").iterdir()} == \
            {"anna.md", "boris.md", "olga.md"}

        world = load_scenario(LESSON)
        room = Room.replay(world, read_journal(folder / "journal.jsonl"))
        assert room.ws.flags["walkout"] == "stayed"
        assert {b.name: b.option for b in room.votes.counted["walkout"].ballots} == \
            {"anna": "stay", "boris": "stay"}

        server.command("end")
        olga.expect(words("ended the session"))
        server.wait_for("Session ended")
        assert server.proc.wait(20) == 0
    finally:
        for c in clients:
            c.terminate(force=True)
        server.stop()


def test_stopping_the_server_says_goodbye_to_every_student_and_the_class_resumes(
        tmp_path: Path) -> None:
    """`kill -TERM` (as Ctrl-D or Ctrl-C at the console) is not `end`: every ssh student,
    seated or still at a question, is told the class stops for now, and rejoins after
    `--resume` with the same name and PIN."""
    port = free_port()
    server = Server(tmp_path, port)
    clients: list[pexpect.spawn] = []
    try:
        anna = join_new(tmp_path, port, "anna", 1)
        misha = join_new(tmp_path, port, "misha", 2)
        clients += [anna, misha]
        server.command("start")
        anna.expect(words("started the night"))
        asking = login(tmp_path, port, "anna")          # a second screen, at the PIN question
        clients.append(asking)
        asking.expect("PIN for anna")
        server.proc.send_signal(signal.SIGTERM)
        for c in (anna, misha):
            c.expect(words("The class is stopping for now; your place is kept. Join again "
                           "with the same name and PIN when your teacher says."))
            c.expect(pexpect.EOF)
        asking.expect(words("The class is stopping for now. Join again when your teacher "
                            "says."))
        asking.expect(pexpect.EOF)
        assert server.proc.wait(20) == 0
        server.wait_for("Server stopped. Carry on later with: winterpalace classroom --resume")
        assert "ended" not in server.text()
        server.stop()

        server = Server(tmp_path, port, resume=True)
        server.wait_for("Resumed: 2 students")
        anna = rejoin(tmp_path, port, "anna")
        clients.append(anna)
        anna.expect("Welcome back, anna")
    finally:
        for c in clients:
            c.terminate(force=True)
        server.stop()


def test_the_pin_is_taken_at_whichever_question_it_is_typed(tmp_path: Path) -> None:
    """A student whose name is in the class types the PIN where the game asks it, after
    pressing Enter at it (at "Lost your PIN?"), or a question later still (at the name):
    each time it is the PIN, and a wrong one there is a wrong PIN."""
    port = free_port()
    server = Server(tmp_path, port)
    clients: list[pexpect.spawn] = []
    try:
        anna = join_new(tmp_path, port, "anna", 1)
        clients.append(anna)
        for late in ("lost", "name"):
            back = login(tmp_path, port, "anna")
            clients.append(back)
            back.expect("PIN for anna")
            back.sendline("")
            back.expect(words("Lost your PIN? Type `teacher`"))
            if late == "name":
                back.sendline("")
                back.expect("Your first name or a nickname")
            back.sendline("0000" if PINS["anna"] != "0000" else "1111")
            back.expect("That is not the PIN for this name")
            back.expect("PIN for anna")
            back.sendline("")
            back.expect("Lost your PIN?")
            back.sendline(PINS["anna"])
            back.expect("Welcome back, anna")
            anna.expect("taken your seat from another screen")
            anna.expect(pexpect.EOF)
            anna = back
        server.wait_for("wrong PIN for anna")
    finally:
        for c in clients:
            c.terminate(force=True)
        server.stop()
