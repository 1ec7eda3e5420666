"""Winter Palace: one night in Petrograd, 25-26 October 1917, as interactive fiction.

The engine (`winterpalace.engine`) is pure and deterministic; `winterpalace.scenario` loads YAML
scenarios into it; the terminal, plain mode, tools and classroom server are front ends around it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
