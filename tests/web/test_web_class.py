"""The classroom's web transport against a real in-process server (aiohttp, the same loop as
the hub), with WebSocket clients that speak the page's protocol: the door, seats and tokens,
the checks on every socket, the projector's key. The page itself is tried in Chromium in
test_browser.py."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest

aiohttp = pytest.importorskip("aiohttp")

from winterpalace.classroom.simulate import InProcessClass  # noqa: E402 (after the skip)
from winterpalace.classroom.web import SeatTokens, start_web  # noqa: E402
from winterpalace.classroom.websim import WebSimStudent  # noqa: E402
from winterpalace.scenario import load_scenario  # noqa: E402

pytestmark = pytest.mark.slow

LESSON = Path(__file__).resolve().parent.parent / "classroom" / "lesson_scenario"
CODE = "lamp-river-otter-42"


async def serve(tmp: Path, **kw: Any) -> InProcessClass:
    world = load_scenario(LESSON)
    return await InProcessClass.start(
        world, tmp, CODE, lambda hub: start_web(hub, "127.0.0.1", 0, **kw), "web")


def url(r: InProcessClass, scheme: str = "http") -> str:
    return f"{scheme}://127.0.0.1:{r.port}"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_a_browser_joins_plays_and_leaves_like_an_ssh_student(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            s = WebSimStudent("Anna", 1, url=url(r), code=CODE.upper().replace("-", " "))
            await s.connect()
            await s.join()
            await r.wait_log("Anna joined as The delegate")
            assert s.token and s.pin
            # Questions come as data: the role menu had its options as buttons.
            role_ask = next(m for m in s.messages if m.get("kind") == "role")
            assert [o["label"] for o in role_ask["options"]] == ["The delegate", "The officer"]
            # Outputs are typed records, not text: the scene's choices with their numbers.
            screen = next(i for m in s.messages if m["t"] == "out" for i in m["items"]
                          if i["type"] == "Screen")
            assert screen["view"]["title"] == "The assembly hall"
            assert [c["number"] for c in screen["view"]["choices"]] == [1, 2]
            assert screen["view"]["clock"]["sentence"].startswith("22:00, Wednesday")
            status = next(m for m in s.messages if m["t"] == "status" and "time" in m)
            assert status["place"] == "The assembly hall" and status["class"]["now"] == "22:00"
            await r.console.execute("start")
            await s.expect("Your teacher has started the night")
            await s.turn("1")
            await s.expect("The walkout")
            await s.close()
            await r.wait_log("Anna disconnected")
            assert not r.hub.room.player("Anna").connected
        finally:
            await r.shutdown()
    run(main())


def test_the_seat_token_takes_the_seat_again_and_nothing_else_does(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            s = WebSimStudent("Boris", 2, url=url(r), code=CODE)
            await s.connect()
            await s.join()
            token = s.token
            await s.close()
            await r.wait_log("Boris disconnected")
            # A closed tab: the kept token, no code, no PIN.
            back = WebSimStudent("Boris", 2, url=url(r))
            await back.connect(seat=token)
            await back.expect("Welcome back, Boris")
            assert not any(m["t"] == "login" for m in back.messages)
            await back.expect_message("seat")
            # Another screen with the token takes the seat; the first is told and closed.
            other = WebSimStudent("Boris", 2, url=url(r))
            await other.connect(seat=token)
            await other.expect("Welcome back, Boris")
            await back.expect("taken your seat from another screen")
            bye = await back.expect_message("bye")
            assert bye["forget"] is False
            await back.close()
            # A token changed by one character, or signed for another session, is refused:
            # the page is asked for the class code, with a note.
            for bad in (token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1],
                        SeatTokens(b"x" * 32, r.hub.folder.name).make(r.hub.room, "Boris"),
                        "not a token", "a.b"):
                eve = WebSimStudent("Eve", 1, url=url(r))
                await eve.connect(seat=bad)
                msg = await eve.expect_message("login")
                assert "no longer open" in msg.get("note", "")
                await eve.close()
            # The teacher's `admit` gives a new PIN: the old token dies with the old PIN.
            await other.close()
            await r.wait_log("Boris disconnected")
            lost = WebSimStudent("Boris", 2, url=url(r), code=CODE)
            await lost.connect()
            await lost.login()
            await lost.expect_message("ask", kind="pin")
            lost.send("")
            await lost.expect_message("ask", kind="lost_pin")
            lost.send("teacher")
            await r.wait_log("asks to take their seat again")
            assert r.hub.admit("Boris").ok
            await lost.expect("Your new PIN is")
            new_token = (await lost.expect_message("seat"))["token"]
            assert new_token != token
            assert SeatTokens.for_folder(r.hub.folder).check(r.hub.room, token) is None
            assert SeatTokens.for_folder(r.hub.folder).check(r.hub.room, new_token) == "Boris"
            await lost.close()
        finally:
            await r.shutdown()
    run(main())


def test_wrong_codes_go_through_the_same_door_as_ssh(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            s = WebSimStudent("Mallory", 1, url=url(r))
            await s.connect()
            await s.expect_message("login")
            for n in range(3):
                mark = len(s.messages)
                await s.send_json({"t": "login", "code": f"guess-{n}", "name": "Mallory"})
                if n < 2:
                    err = await s.expect_message("login", mark)
                    assert "not the class code" in err["error"]
            bye = await s.expect_message("bye")
            assert "three times" in bye["text"]
            await s.close()
            # Counted by the hub's one door: the console's report names the address.
            await r.hub.report_door()
            assert any("3 wrong codes from 127.0.0.1" in ln for ln in r.lines)
            # Past the door's limit per address, nothing more is even checked: not by the
            # page, and so not by SSH either (the same Door object).
            r.hub.door.limits = type(r.hub.door.limits)(wrong_delay=0.0, lock_per_address=4)
            s2 = WebSimStudent("Mallory", 1, url=url(r))
            await s2.connect()
            await s2.expect_message("login")
            await s2.send_json({"t": "login", "code": "guess-x", "name": "M"})
            await s2.expect_message("login", 2, error=s.messages[2]["error"])
            await s2.send_json({"t": "login", "code": CODE, "name": "M"})
            bye = await s2.expect_message("bye")
            assert "Too many wrong class codes" in bye["text"]
            assert r.hub.door.may_try("127.0.0.1") is not None
            await s2.close()
        finally:
            await r.shutdown()
    run(main())


def test_connection_caps_refuse_with_a_sentence(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            r.hub.door.limits = type(r.hub.door.limits)(max_connections=1)
            a = WebSimStudent("A", 1, url=url(r))
            await a.connect()
            await a.expect_message("login")
            b = WebSimStudent("B", 1, url=url(r))
            b.session = aiohttp.ClientSession()
            b.ws = await b.session.ws_connect(url(r) + "/ws")
            msg = await b.ws.receive_json(timeout=5)
            assert msg["t"] == "bye" and "The class is full" in msg["text"]
            await b.ws.close()
            await b.session.close()
            await a.close()
        finally:
            await r.shutdown()
    run(main())


def test_every_socket_is_checked_host_origin_size_and_rate(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            async with aiohttp.ClientSession() as http:
                # A page on another site cannot open a socket in a student's name.
                for origin in ("http://evil.example", "null", f"https://127.0.0.1:{r.port}"):
                    with pytest.raises(aiohttp.WSServerHandshakeError) as e:
                        await http.ws_connect(url(r) + "/ws", headers={"Origin": origin})
                    assert e.value.status == 403
                ok = await http.ws_connect(url(r) + "/ws",
                                           headers={"Origin": f"http://127.0.0.1:{r.port}"})
                assert (await ok.receive_json(timeout=5))["t"] == "hello"
                await ok.close()
                # A name that is not this computer's (DNS rebinding) gets nothing at all.
                for path in ("/", "/app.js", "/projector", "/ws"):
                    resp = await http.get(url(r) + path, headers={"Host": f"evil.example:{r.port}"})
                    assert resp.status == 421, path
                # Every answer carries the policy: no inline script, nothing from elsewhere.
                for path in ("/", "/app.js", "/style.css", "/projector", "/projector.js",
                             "/favicon.svg"):
                    resp = await http.get(url(r) + path)
                    assert resp.status == 200, path
                    csp = resp.headers["Content-Security-Policy"]
                    assert "script-src 'self'" in csp and "unsafe" not in csp
                    assert "frame-ancestors 'none'" in csp
                    assert f"connect-src 'self' ws://127.0.0.1:{r.port} wss://" in csp
                    assert resp.headers["X-Content-Type-Options"] == "nosniff"
                assert (await http.get(url(r) + "/../../etc/passwd")).status == 404
                assert (await http.post(url(r) + "/", data="x")).status == 405
                # Too long: the socket is closed. Too fast: refused, then closed.
                ws = await http.ws_connect(url(r) + "/ws")
                await ws.receive_json(timeout=5)
                await ws.send_str(json.dumps({"t": "hello", "seat": "x" * 10_000}))
                msg = await ws.receive(timeout=5)
                assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                    aiohttp.WSMsgType.CLOSING)
                await ws.close()
                ws = await http.ws_connect(url(r) + "/ws")
                await ws.receive_json(timeout=5)
                for _ in range(300):
                    await ws.send_str('{"t": "nothing"}')
                refused = 0
                while True:
                    msg = await ws.receive(timeout=5)
                    if msg.type != aiohttp.WSMsgType.TEXT:
                        break
                    data = json.loads(msg.data)
                    refused += data["t"] == "error" and "One thing at a time" in data["text"]
                assert refused > 100
                await ws.close()
                # Not JSON, or not an object: answered, not a crash.
                ws = await http.ws_connect(url(r) + "/ws")
                await ws.receive_json(timeout=5)
                await ws.send_str("<script>")
                assert (await ws.receive_json(timeout=5))["t"] == "error"
                await ws.close()
        finally:
            await r.shutdown()
        assert not any("internal error" in ln for ln in r.lines), r.lines
    run(main())


def test_the_projector_wants_this_computer_or_the_key(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path, projector_key="teacher-key-123456")
        try:
            web = r.listener
            assert web.projector.allowed("127.0.0.1", None)
            assert web.projector.allowed("::1", "")
            assert not web.projector.allowed("192.168.1.30", None)
            assert not web.projector.allowed("192.168.1.30", "teacher-key-12345")
            assert web.projector.allowed("192.168.1.30", "teacher-key-123456")
            async with aiohttp.ClientSession() as http:
                ws = await http.ws_connect(url(r) + "/projector/ws")
                await ws.send_str(json.dumps({"t": "hello"}))
                snap = await ws.receive_json(timeout=5)
                assert snap["t"] == "class" and snap["clock"]["now"] == "22:00"
                assert snap["votes"][0]["id"] == "walkout"
                # A student joins: the view is pushed again, with them in the lobby or a place.
                s = WebSimStudent("Olga", 1, url=url(r), code=CODE)
                await s.connect()
                await s.join()
                while True:
                    snap = await ws.receive_json(timeout=5)
                    people = [st["name"] for a in snap["plan"]["areas"] for p in a["places"]
                              for st in p["students"]]
                    if "Olga" in people:
                        break
                s.send("alert the scene upsets me")
                while not (snap := await ws.receive_json(timeout=5))["alerts"]["count"]:
                    pass
                assert snap["alerts"]["items"][0]["text"] == "the scene upsets me"
                await s.close()
                await ws.close()
        finally:
            await r.shutdown()
    run(main())


def test_tls_when_the_teacher_has_a_certificate(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                           "1", "-subj", "/CN=localhost", "-keyout", str(key), "-out",
                           str(cert)], capture_output=True, check=False)
    if made.returncode:
        pytest.skip("openssl cannot make a certificate here")
    from winterpalace.web.http import tls_context

    async def main() -> None:
        r = await serve(tmp_path, tls=tls_context(str(cert), str(key)))
        try:
            s = WebSimStudent("Tanya", 2, url=url(r, "https"), code=CODE)
            await s.connect()
            hello = s.messages[0]
            assert hello["secure"] is True
            await s.join()
            await s.close()
            async with aiohttp.ClientSession() as http:
                with pytest.raises(aiohttp.ClientError):
                    await http.get(url(r))           # plain HTTP to a TLS port: no page
                ctx = ssl.create_default_context(cafile=str(cert))
                ctx.check_hostname = False
                resp = await http.get(url(r, "https"), ssl=ctx)
                assert resp.status == 200
        finally:
            await r.shutdown()
    run(main())


def test_the_class_vote_is_counted_once_and_shown_once(tmp_path: Path) -> None:
    """The delegate whose ballot completes the vote sees the count and their scene once, and
    nobody is shown a one-player count ("every other delegate voting as in 1917")."""
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            a = WebSimStudent("Anna", 1, url=url(r), code=CODE, faction=1)
            b = WebSimStudent("Boris", 1, url=url(r), code=CODE, faction=2)
            for s in (a, b):
                await s.connect()
                await s.join()
            await r.console.execute("start")
            await a.turn("1")          # sits with the Bolsheviks
            await b.turn("2")          # and the Mensheviks
            await a.turn("2")
            mark = len(b.messages)
            await b.turn("2")
            await b.expect("The Congress has voted (walkout): no: leave 0, stay 380")
            await a.expect("The Congress has voted (walkout): no: leave 0, stay 380")
            screens = [i for m in b.messages[mark:] if m["t"] == "out" for i in m["items"]
                       if i["type"] == "Screen"]
            assert [s["view"]["title"] for s in screens] == ["The benches"]
            assert "voting as in 1917" not in a.seen + b.seen
            for s in (a, b):
                await s.close()
        finally:
            await r.shutdown()
    run(main())


def test_caucus_say_and_alerts_reach_the_right_people_from_a_browser(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            a = WebSimStudent("Anna", 1, url=url(r), code=CODE, faction=1)
            b = WebSimStudent("Boris", 1, url=url(r), code=CODE, faction=1)
            c = WebSimStudent("Chen", 1, url=url(r), code=CODE, faction=2)
            for s in (a, b, c):
                await s.connect()
                await s.join()
            await r.console.execute("start")
            await r.console.execute("caucus 5")
            await a.expect("Your `say` now reaches only the Bolshevik delegates")
            a.send("say <b>stay</b> together")
            await b.expect('[Bolshevik caucus] Anna says: "<b>stay</b> together"')
            await a.turn("time")
            assert "stay</b> together" not in c.seen
            a.send("alert I feel unwell")
            await a.expect("Your teacher has been told, and nobody else")
            await r.wait_log("ALERT from Anna: I feel unwell")
            assert "unwell" not in b.seen + c.seen
            for s in (a, b, c):
                await s.close()
        finally:
            await r.shutdown()
    run(main())


def test_stopping_the_server_says_goodbye_to_every_page_and_keeps_the_seats(
        tmp_path: Path) -> None:
    """Not `end`: a seated browser and one still at the PIN question are told the class
    stops for now and that the page comes back by itself; the seat is kept, away."""
    async def main() -> None:
        r = await serve(tmp_path)
        seated = WebSimStudent("Anna", 1, url=url(r), code=CODE)
        asking = WebSimStudent("Anna", 1, url=url(r), code=CODE)
        try:
            await seated.connect()
            await seated.join()
            await asking.connect()
            await asking.login()
            await asking.expect_message("ask", kind="pin")
        finally:
            await r.shutdown()
        for page in (seated, asking):
            bye = await page.expect_message("bye")
            assert bye["retry"] is True and bye["forget"] is False
            assert bye["text"].startswith("The class is stopping for now; your place is kept.")
            await page.close()
        p = r.hub.room.player("Anna")
        assert p is not None and not p.connected and not r.hub.room.ended
    run(main())


def test_a_browser_that_said_it_lost_the_pin_can_still_give_it(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            s = WebSimStudent("Vera", 1, url=url(r), code=CODE)
            await s.connect()
            await s.join()
            await s.close()
            await r.wait_log("Vera disconnected")
            back = WebSimStudent("Vera", 1, url=url(r), code=CODE)
            await back.connect()
            await back.login()
            await back.expect_message("ask", kind="pin")
            back.send("")
            lost = await back.expect_message("ask", kind="lost_pin")
            assert [o["answer"] for o in lost["options"]] == ["teacher", "pin", ""]
            mark = back.messages.index(lost) + 1
            back.send("pin")                          # "I have found it": the PIN again
            await back.expect_message("ask", mark, kind="pin")
            back.send(s.pin)
            await back.expect("Welcome back, Vera")
            await back.close()
        finally:
            await r.shutdown()
    run(main())


def test_the_projector_key_is_kept_in_the_class_folder_across_a_resume(tmp_path: Path) -> None:
    """A projector opened on another computer keeps working after the server is restarted
    with --resume: the key is the class folder's (projector.key, 0600), not the process's."""
    from winterpalace.classroom.server import Classroom

    async def main() -> None:
        r = await serve(tmp_path)
        key = r.listener.projector.key
        folder = r.hub.folder
        await r.shutdown()
        kept = folder / "projector.key"
        assert kept.read_text().strip() == key and len(key) >= 24
        assert kept.stat().st_mode & 0o777 == 0o600
        hub = Classroom.resume(load_scenario(LESSON), tmp_path, folder)
        hub.start_background()
        site = await start_web(hub, "127.0.0.1", 0)
        try:
            assert site.projector.key == key
            assert site.projector.allowed("192.168.1.30", key)
        finally:
            await site.close()
            await hub.close()
        other = await serve(tmp_path / "another")           # another class: another key
        try:
            assert other.listener.projector.key != key
        finally:
            await other.shutdown()
    run(main())
