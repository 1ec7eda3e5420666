"""Roles are shared out for 3 to 40 students."""

from __future__ import annotations

import pytest

from winterpalace import cli
from winterpalace.handouts.balance import BalanceError, assign, plan


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
    assert cli.main(["classroom", "balance", "Anna", "Boris", "Misha", "Olga"]) == 0
    out = capsys.readouterr().out
    assert out.count("teacher: assign") == 4 and "sheet " in out
    # A delegate's line holds their faction too, as the console's `assign` takes it.
    assert any(line.endswith((" delegate Bolshevik", " delegate Left SR"))
               for line in out.splitlines())
    assert cli.main(["classroom", "balance", "2"]) == 2
    # The old spelling still works.
    assert cli.main(["lesson", "balance", "Anna", "Boris", "Misha"]) == 0
