"""Sessions expire; roles are shared out for 3 to 40 students."""

from __future__ import annotations

import os
import time

import pytest

from winterpalace import cli
from winterpalace.lesson.balance import BalanceError, assign, plan
from winterpalace.lesson.purge import PurgeError, parse_age, purge

DAY = 86400


def _session(saves, name, days_old, now):
    folder = saves / name
    folder.mkdir(parents=True)
    j = folder / "journal.jsonl"
    j.write_text('{"t":"open"}\n')
    (folder / "debrief.html").write_text("<html></html>")
    os.utime(j, (now - days_old * DAY, now - days_old * DAY))
    return folder


def test_purge_removes_only_sessions_older_than_the_limit(tmp_path, capsys):
    now = time.time()
    saves = tmp_path / "saves"
    old = _session(saves, "class-20250101-090000", 45, now)
    older = _session(saves, "class-20241101-090000", 400, now)
    young = _session(saves, "class-20251101-090000", 3, now)
    edge = _session(saves, "class-20251001-090000", 29, now)
    (saves / "host_key").write_text("key")
    stranger = saves / "my-notes"
    stranger.mkdir()
    os.utime(stranger, (now - 900 * DAY, now - 900 * DAY))
    assert {s.folder for s in purge(saves, 30 * DAY, now, dry_run=True)} == {old, older}
    assert old.exists()
    assert cli.main(["lesson", "purge", "--older-than", "30d", "--saves", str(saves)]) == 0
    assert "Deleted 2 sessions older than 30d" in capsys.readouterr().out
    assert not old.exists() and not older.exists()
    assert young.exists() and edge.exists() and stranger.exists()
    assert (saves / "host_key").read_text() == "key"


def test_purge_refuses_nonsense(tmp_path, capsys):
    for bad in ("30", "thirty days", "0d", "-3d"):
        with pytest.raises(PurgeError):
            parse_age(bad)
    assert parse_age("2w") == 14 * DAY and parse_age("12h") == 12 * 3600
    assert cli.main(["lesson", "purge", "--older-than", "soon", "--saves", str(tmp_path)]) == 1
    assert "not an age" in capsys.readouterr().err
    assert cli.main(["lesson", "purge", "--older-than", "1d", "--saves",
                     str(tmp_path / "none")]) == 1


@pytest.mark.parametrize("n", range(3, 41))
def test_every_class_size_gets_every_role_and_both_sides(world, n):
    seats = plan(world, n)
    assert len(seats) == n
    roles = [s.role for s in seats]
    assert set(roles) == set(world.roles)
    delegates = [s for s in seats if s.role == "delegate"]
    assert all(s.faction in world.lesson.factions for s in delegates)
    assert all(s.faction is None for s in seats if s.role != "delegate")
    if len(delegates) >= 2:
        factions = {s.faction for s in delegates}
        assert {"Bolshevik", "Left SR"} <= factions
    if len(delegates) >= 6:
        assert len({s.faction for s in delegates}) == 6
    assert abs(len(delegates) - n / 2) <= 1.5


def test_assign_is_deterministic_and_checks_names(world):
    names = [f"S{i}" for i in range(10)]
    a = assign(world, names, seed=3)
    assert a == assign(world, names, seed=3) and set(a) == set(names)
    with pytest.raises(BalanceError):
        assign(world, ["Anna", "anna", "Boris"])
    with pytest.raises(BalanceError):
        plan(world, 2)
    with pytest.raises(BalanceError):
        plan(world, 41)


def test_balance_command(capsys):
    assert cli.main(["lesson", "balance", "Anna", "Boris", "Misha", "Olga"]) == 0
    out = capsys.readouterr().out
    assert out.count("teacher: assign") == 4 and "sheet " in out
    assert cli.main(["lesson", "balance", "2"]) == 1
