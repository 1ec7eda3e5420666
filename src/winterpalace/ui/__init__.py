"""The terminal front ends around one player's game (`menus.Flow`).

`plain` reads lines and prints text (pipes, screen readers, `--plain`); `terminal` is the rich
prompt_toolkit screen with the clock in its toolbar; `render` turns the game's typed outputs
into rich renderables for it. Each is imported on its own, so plain mode never loads rich.
"""

__all__ = ["plain", "render", "terminal"]
