"""In a one-player night a marked vote is counted with the other delegates voting as in 1917."""

from __future__ import annotations

from pathlib import Path

import yaml

from winterpalace.scenario import default_scenario_dir, load_scenario
from winterpalace.session import Notice, Session

WALK = Path(__file__).resolve().parent / "walkthroughs" / "delegate_historical.yaml"


def test_voting_against_martov_is_one_voice_among_670() -> None:
    world = load_scenario(default_scenario_dir())
    steps = yaml.safe_load(WALK.read_text())["steps"]
    commands = [s if isinstance(s, str) else s.get("do") for s in steps]
    session, _ = Session.new(world, "delegate", 1)
    for cmd in commands:
        if cmd is None:
            continue
        if cmd.startswith("Vote for Martov"):
            break
        session.handle(cmd)
    before = session.view()
    [against] = [c for c in before.choices if c.enabled and c.label.startswith("Vote against")]
    outputs = session.handle(str(against.number))
    counts = [o.text for o in outputs if isinstance(o, Notice) and "The count" in o.text]
    assert counts == ["The count, with every other delegate voting as in 1917: "
                      "carried: for 669, against 1, abstain 0."]
