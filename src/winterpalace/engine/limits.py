"""Bounds on the values a night may hold and on what a scenario folder may ask of the loader.

A scenario that `check` passes can still grow a number or a text without end (`big = big*big`,
`s = s + s`). The engine refuses a turn that would pass these bounds, the loader flags what it
can see statically, and a save whose values pass them is not a save this program wrote.

A scenario folder is input like any other: no limit of the Python interpreter (recursion depth,
the 4,300-digit int conversion, memory) may be reachable from a scene file. The loader stops at
these bounds with a located error instead. docs/scene-format.md ("Limits") states each of them.
"""

from __future__ import annotations

from typing import Any

from ..errors import WinterPalaceError

# --------------------------------------------------------------------------- values

MAX_NUMBER = 10**15        # |n| for every number a variable or flag may hold
MAX_TEXT = 10_000          # characters in any text a variable or flag may hold
# Within one expression arithmetic is exact whatever the size of a result (`x * x / y`); with
# the bounds below a result has at most some 60,000 digits, computed in milliseconds.
MAX_LITERAL_DIGITS = 30    # digits of a number written in an expression
MAX_SHOWN_DIGITS = 1_000   # digits of a number a text spells out (Python's own limit is 4,300)

# --------------------------------------------------------------------------- the language

MAX_EXPRESSION_TOKENS = 2_000   # words, numbers, strings and operators in one expression
MAX_EXPRESSION_NESTING = 32     # parentheses, `not`, unary `-` and calls inside one another
MAX_EXPRESSION_DEPTH = 64       # operators applied to the results of operators, in all
MAX_TEXT_NESTING = 16           # conditional text inside conditional text

# --------------------------------------------------------------------------- scenario folders

MAX_FILE_BYTES = 64 * 2**20     # one YAML file; a bigger one is refused without being parsed
MAX_TOTAL_BYTES = 128 * 2**20   # all the YAML files of one scenario together
MAX_FILES = 200_000             # YAML files in one scenario folder
MAX_FOLDER_ENTRIES = 1_000_000  # files and folders looked at while finding them
MAX_FOLDER_DEPTH = 32           # folders inside folders
MAX_YAML_NODES = 4_000_000      # values in all the files of a scenario (and in one file, with
                                # an alias counted each time it is used)
YAML_CHARS_PER_NODE = 4         # ...and in a file over 800 kB, at most one per 4 characters
                                # (scenario files have 7 or more; `[a,a,a,...]` has 2)
MAX_YAML_DEPTH = 200            # YAML collections inside one another (libyaml stops at 1,000)
MAX_PROBLEMS = 1_000            # errors reported for one scenario before the loader stops

# --------------------------------------------------------------------------- messages

EXCERPT_WIDTH = 100             # characters of a source line shown around an error's column
MAX_MESSAGE = 400               # characters of a message or hint (a 1 MB key is clipped)


class LimitError(WinterPalaceError, ArithmeticError):
    """A value would pass a bound. `what` says which and how, for an author and a player.

    The engine adds where it happened (`at`): the scene, choice, event or effect and its
    file:line, so the refusal a player sees names the place an author must fix.
    """

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what
        self.trail: list[str] = []   # where it happened, innermost first

    def located(self, at: str) -> LimitError:
        """This error, with one more place it happened in (the engine adds them on the way
        out: an effect's scene or event, then the choice that led there)."""
        self.trail.append(at)
        return self

    def where(self) -> str:
        """`at X, reached from Y`: the places, innermost first."""
        if not self.trail:
            return ""
        return "at " + self.trail[0] + "".join(f"; reached from {t}" for t in self.trail[1:])

    def describe(self) -> str:
        """The sentence a player (and the author behind them) is shown for a refused turn."""
        where = f" ({self.where()})" if self.trail else ""
        return f"That cannot be done: {self.what}{where}. Nothing was changed"


def number_ok(value: int) -> bool:
    """Whether a number is within ±MAX_NUMBER."""
    return -MAX_NUMBER <= value <= MAX_NUMBER


def value_ok(value: Any) -> bool:
    """Whether a variable's or flag's value (true/false, a number or a text) is within bounds."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -MAX_NUMBER <= value <= MAX_NUMBER
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    return False


def too_big_number(name: str) -> LimitError:
    return LimitError(f"`{name}` would pass ±{MAX_NUMBER:,}, the largest number a night may "
                      "hold")


def too_long_text(name: str, length: int) -> LimitError:
    return LimitError(f"`{name}` would be {length:,} characters long; a text holds at most "
                      f"{MAX_TEXT:,}")


def clip_middle(text: str, width: int = MAX_MESSAGE) -> str:
    """`text` whole if short, else its start and end around an ellipsis (for messages)."""
    if len(text) <= width:
        return text
    head = (width * 2) // 3
    tail = width - head - 1
    return text[:head] + "…" + (text[-tail:] if tail > 0 else "")


__all__ = [
    "EXCERPT_WIDTH",
    "MAX_LITERAL_DIGITS",
    "MAX_SHOWN_DIGITS",
    "MAX_EXPRESSION_DEPTH",
    "MAX_EXPRESSION_NESTING",
    "MAX_EXPRESSION_TOKENS",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_FOLDER_DEPTH",
    "MAX_FOLDER_ENTRIES",
    "MAX_MESSAGE",
    "MAX_NUMBER",
    "MAX_PROBLEMS",
    "MAX_TEXT",
    "MAX_TEXT_NESTING",
    "MAX_TOTAL_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "YAML_CHARS_PER_NODE",
    "LimitError",
    "clip_middle",
    "number_ok",
    "too_big_number",
    "too_long_text",
    "value_ok",
]
