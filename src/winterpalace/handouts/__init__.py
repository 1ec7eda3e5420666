"""Handouts for a class: printable role sheets (packets, the class packet) and a balanced
share of the roles; and what printing needs: the sheets' stylesheet (`sheetstyle`), the
fonts' metrics (`metrics`) and how much of a page a sheet takes (`fit`).

Depends only on the engine's model and the scenario: a teacher can print the sheets the day
before, with no classroom server.
"""

from .balance import BalanceError, Seat, assign, describe, plan
from .packets import PacketError, Sheet, sheets, slug, write_packets

__all__ = ["BalanceError", "PacketError", "Seat", "Sheet", "assign", "describe", "plan",
           "sheets", "slug", "write_packets"]
