"""`winterpalace lsp`: the language server for scenario files (see `server`)."""

from __future__ import annotations

import argparse
from typing import Any

from ...errors import EXIT_ERROR, stderr

__all__ = ["cmd_lsp", "register"]


def register(sub: Any) -> None:
    p = sub.add_parser("lsp", help="run the language server for editors (stdio)",
                       description="A language server (LSP, over standard input and output) "
                       "for scenario files: check's diagnostics as you type, completion of "
                       "ids, go to definition, hover. See docs/authoring.md for editors.")
    p.add_argument("--stdio", action="store_true",
                   help="talk over standard input and output (the default; for editors that "
                   "pass it)")
    p.set_defaults(func=cmd_lsp)


def cmd_lsp(args: argparse.Namespace) -> int:
    try:
        from .server import main
    except ImportError as e:   # pygls is a dependency, but say so plainly if it is missing
        stderr(f"winterpalace lsp needs pygls ({e}); pip install pygls")
        return EXIT_ERROR
    return main()
