"""The browser's message protocol and the checks on names and origins, without a server."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

pytest.importorskip("aiohttp")

from winterpalace.engine import rules as eng
from winterpalace.menus import EndingMenu, Flow, RoleIntro, TitleScreen
from winterpalace.scenario import load_scenario
from winterpalace.session import Info, Notice, QuitRequest, Screen, Session
from winterpalace.web import protocol
from winterpalace.web.http import host_allowed

TOLD = Path(__file__).resolve().parent.parent / "lesson" / "told"


def test_every_output_is_json_with_its_type_and_the_words_a_page_needs() -> None:
    world = load_scenario(TOLD)
    session, turn = Session.new(world, "r", 1)
    msg = protocol.outputs([Screen(session.view(), turn), Notice("Careful", "warning", ("a",)),
                            Info("Commands", ("look  show the scene",)), QuitRequest()], world)
    json.loads(protocol.encode(msg))                  # plain JSON, no NaN, no objects left
    screen, notice, info = msg["items"]               # nothing for a QuitRequest
    v = screen["view"]
    assert screen["type"] == "Screen" and v["type"] == "View" and v["title"] == "The stairs"
    assert v["content_notes"] == ["violence"]          # the page says what the scene holds
    assert v["clock"]["sentence"].startswith("18:00, Wednesday 25 October 1917")
    assert v["choices"][0]["takes_text"] == "45 min" and v["choices"][0]["number"] == 1
    assert notice == {"type": "Notice", "text": "Careful", "kind": "warning", "hints": ["a"]}
    assert info["lines"] == ["look  show the scene"]


def test_gentle_mode_reaches_the_page_as_the_told_texts() -> None:
    world = load_scenario(TOLD)
    session, _ = Session.new(world, "r", 1)
    session.gentle = True
    out = session.handle("1")
    items = protocol.outputs(out, world)["items"]
    shown = json.dumps(items)
    assert "Afterwards you do not want to talk about it" in shown
    assert "throat" not in shown and "carry the dead" not in shown
    assert "the stairs have been washed" in shown


def test_the_flows_screens_are_json_too_and_no_path_of_this_computer_is_sent(
        tmp_path: Path) -> None:
    from winterpalace.saves import SaveStore
    world = load_scenario(TOLD)
    store = SaveStore(world, str(tmp_path))
    flow = Flow(world, store=store, seed=1)
    flow.start(role="r")
    flow.quit()
    title = Flow(world, store=store).title_screen()
    assert isinstance(title, TitleScreen) and title.unfinished
    data = protocol.data(title, world)
    assert data["roles"][0]["name"] == "Someone"
    night = data["unfinished"][0]
    assert night["type"] == "SaveInfo" and night["describe"].startswith("autosave")
    assert "path" not in night and str(tmp_path) not in json.dumps(data)
    intro = protocol.data(RoleIntro(flow.roles[0], "Hello.", True))
    assert intro["role"]["start"] == "18:00" and intro["confirm"] is True
    assert protocol.data(EndingMenu("Someone"))["options"][0] == "Play again as {role}"


def test_fields_added_to_the_engines_records_later_reach_the_page_by_themselves() -> None:
    world = load_scenario(TOLD)
    g, _ = eng.new_game(world, "r", 1)
    view = eng.view(world, g.world, g.player)

    @dataclasses.dataclass
    class NewView:             # as if the engine grew a field tomorrow
        view: object
        brief: bool = True
        moments: tuple[str, ...] = ("the volley",)

    out = protocol.data(NewView(view))
    assert out["brief"] is True and out["moments"] == ["the volley"]
    assert out["view"]["title"] == "The stairs"


def test_messages_from_the_browser_are_checked() -> None:
    assert protocol.decode('{"t": "line", "text": "3"}') == {"t": "line", "text": "3"}
    for bad in ("", "[]", '{"text": 1}', '{"t": 3}', "not json", "[" * 100_000):
        assert protocol.decode(bad) is None
    assert protocol.text_field({"text": "x" * 5000}, "text") == "x" * 1000
    assert protocol.text_field({"text": ["a"]}, "text") == ""


@pytest.mark.parametrize("host,ok", [
    ("127.0.0.1:8080", True), ("192.168.1.20:8080", True), ("[::1]:8080", True),
    ("localhost:8080", True), ("LOCALHOST", True), ("teacher-pc:8080", True),
    ("teacher-pc.local:8080", True), ("evil.example:8080", False),
    ("127.0.0.1.evil.example", False), ("", False), (":8080", False),
    ("127.0.0.1:notaport", False), ("a@b", False), ("x; script-src *;y.localhost", False),
    ("app.localhost:8080", True), ("teacher_pc:8080", False),
])
def test_only_this_computers_names_are_answered(host: str, ok: bool) -> None:
    assert host_allowed(host, {"localhost", "teacher-pc", "teacher-pc.local"}) is ok


def test_a_wait_that_stops_early_and_a_choice_done_reach_the_page_as_the_terminal_words_them(
) -> None:
    from winterpalace.engine import start, wait
    from winterpalace.session import stop_line
    night = load_scenario(Path(__file__).resolve().parent.parent / "engine" / "waiting")
    ws, ps, _ = start(night, "watcher")
    ws, ps, turn = wait(night, ws, ps, 600)               # stops at 09:50: a poster goes up
    assert turn.stopped is not None
    sent = protocol.data(Screen(eng.view(night, ws, ps), turn), night)
    assert sent["turn"]["stop_line"] == stop_line(turn)
    assert sent["turn"]["stop_line"].startswith("You stop waiting at 09:50")
    assert sent["turn"]["interrupted_line"] is None
    assert all("done" in c for c in sent["view"]["choices"])
