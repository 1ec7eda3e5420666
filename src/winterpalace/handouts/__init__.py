"""Handouts for a class: printable role sheets (packets, the class packet) and a balanced
share of the roles; and what printing needs: the sheets' stylesheet (`sheetstyle`), the
fonts' metrics (`metrics`) and how much of a page a sheet takes (`fit`).

Depends only on the engine's model and the scenario: a teacher can print the sheets the day
before, with no classroom server.
"""

from .balance import BalanceError, Seat, assign, describe, plan
from .metrics import SANS, clip, text_width
from .packets import PacketError, Sheet, sheets, slug, write_packets
from .page import esc, md_escape, page

# `cli` is the `packets` subcommand (and `classroom balance`, which the classroom's command
# line borrows); it is imported only when run.
__all__ = ["SANS", "BalanceError", "PacketError", "Seat", "Sheet", "assign", "cli", "clip",
           "describe", "esc", "md_escape", "page", "plan", "sheets", "slug", "text_width",
           "write_packets"]
