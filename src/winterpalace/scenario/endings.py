"""A scene's `ending:`: the title, the epilogue (and its gentler `told:`), whether it is history."""

from __future__ import annotations

from ..engine import Ending, Symbols, Template
from .fields import ENDING_FIELDS
from .reader import Entry, NodeReader
from .yamlnodes import Node

__all__ = ["compile_ending"]


def compile_ending(ld: NodeReader, e: Entry, node: Node, sym: Symbols) -> Ending | None:
    """The ending of scene `e` (None if it is not a mapping)."""
    ef = ld.fields(e.file, node, ENDING_FIELDS, "an ending")
    if ef is None:
        return None
    epi = ld.template(e.file, ef["epilogue"][1], sym, "epilogue") if "epilogue" in ef else None
    return Ending(ld.field_str(e.file, ef, "title") or e.id,
                  epi or Template(("",)),
                  ld.field_str(e.file, ef, "note", required=False) or "",
                  ld.boolean(e.file, ef["historical"][1], "historical")
                  if "historical" in ef else False,
                  ld.where(e.file, node),
                  ld.told(e.file, ef, sym, "epilogue"))
