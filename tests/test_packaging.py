"""The wheel carries the shipped scenario, and an installed game finds it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_the_scenario_and_finds_it_when_installed(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("winterpalace-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "winterpalace/scenes/world.yaml" in names
    assert any(n.startswith("winterpalace/scenes/sailor/") for n in names)
    # The browser page is served from the package itself (no CDN, no checkout).
    from winterpalace.web.http import ASSETS
    for name, _ in ASSETS.values():
        assert f"winterpalace/web/static/{name}" in names, name
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # Run from elsewhere, with only the unpacked wheel on the path: no checkout to fall back on.
    probe = ("from winterpalace.scenario import default_scenario_dir, load_scenario;"
             "d = default_scenario_dir(); w = load_scenario(d);"
             "print(d); print(sorted(w.roles))")
    done = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, "
                           f"{str(site)!r}); {probe}"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    where, roles = done.stdout.splitlines()
    assert where == str(site / "winterpalace" / "scenes")
    assert roles == "['delegate', 'sailor', 'sinegub']"
