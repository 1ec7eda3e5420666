"""The command line imports only what the command it runs needs; help is still complete."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys

import pytest

from winterpalace import cli

PROBE = """
import json, sys
from winterpalace.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def run(*args: str) -> tuple[int, set[str]]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, env=os.environ, timeout=120,
                         check=False).stdout
    got = json.loads(out.splitlines()[-1])
    return got["code"], set(got["modules"])


def test_the_table_says_what_each_module_says() -> None:
    """The help line listed for a command without importing it is the module's own."""
    for name, (module, help_line) in cli.SUBCOMMANDS.items():
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(sub)
        assert name in sub.choices, (name, module)
        given = {a.dest: a.help for a in sub._choices_actions}
        assert given.get(name) == help_line, name      # None: not listed


def test_the_game_imports_no_tool_and_a_cached_start_no_yaml() -> None:
    args = ("--plain", "--role", "sailor", "--seed", "1")
    code, modules = run(*args)
    assert code == 0
    heavy = ("winterpalace.tools", "winterpalace.classroom", "winterpalace.handouts",
             "winterpalace.web", "asyncssh", "aiohttp", "pygls", "multiprocessing", "difflib")
    assert not [m for m in modules if m.startswith(heavy)]
    code, modules = run(*args)           # the scenario is in the cache now
    assert code == 0
    assert "yaml" not in modules and "winterpalace.scenario.loader" not in modules


@pytest.mark.parametrize("name", sorted(cli.SUBCOMMANDS))
def test_each_command_has_its_whole_help(name: str, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    assert cli.main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: winterpalace {name}")
    assert "--no-cache" in out
    assert out.count("\n") > 5


def test_the_list_of_commands_is_complete(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name, (_, help_line) in cli.SUBCOMMANDS.items():
        if help_line is None:                     # an old spelling: works, not listed
            assert f"\n    {name} " not in out
            continue
        assert name in out and help_line.split()[0] in out
    assert cli.main(["chek"]) == 2
    assert "invalid choice: 'chek'" in capsys.readouterr().err
