"""Bounds on the values a night may hold, shared by the engine, the loader and the saves.

A scenario that `check` passes can still grow a number or a text without end (`big = big*big`,
`s = s + s`). The engine refuses a turn that would pass these bounds, the loader flags what it
can see statically, and a save whose values pass them is not a save this program wrote.
"""

MAX_NUMBER = 10**15        # |n| for every number a variable or flag may hold
MAX_TEXT = 10_000          # characters in any text a variable or flag may hold

__all__ = ["MAX_NUMBER", "MAX_TEXT"]
