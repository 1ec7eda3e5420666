"""`winterpalace play --scenes DIR --watch`: an author's edits reach the running game."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "example"


def test_edits_reload_between_turns_and_errors_do_not_stop_the_game(tmp_path: Path) -> None:
    root = tmp_path / "ex"
    shutil.copytree(EXAMPLE, root)
    scene_file = root / "palace" / "officer.yaml"
    proc = subprocess.Popen([sys.executable, "-m", "winterpalace", "play", "--scenes", str(root),
                             "--watch", "--role", "officer", "--seed", "1",
                             "--saves", str(tmp_path / "saves")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdin is not None

    def send(line: str) -> None:
        assert proc.stdin is not None
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        time.sleep(1.0)  # file times must differ from the last look at the folder

    send("1")
    scene_file.write_text(scene_file.read_text().replace("Cadets sit on", "Cadets doze on"))
    send("look")
    scene_file.write_text(scene_file.read_text().replace("go: malachite\n", "go: malachitt\n"))
    send("look")
    send("2")                      # the revolver (1) stays on the screen, done
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "Reloaded the scenario." in out and "Cadets doze on their packs" in out
    assert "The scenario has 1 error in 1 file; still playing the old version" in out
    assert "Nothing was started" not in out
    assert "unknown scene `malachitt` in `go:`; did you mean `malachite`?" in out
    assert "THE MALACHITE ROOM." in out   # the old version goes on after the failed reload
