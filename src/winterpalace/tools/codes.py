"""Every code `check` can give a warning, with what it means (for `lint: ignore`, the docs,
the language server's hover and the JSON report)."""

from __future__ import annotations

CODES: dict[str, str] = {
    "unreachable": "no role's start leads to this scene (taking time windows and `role ==` "
                   "gates into account)",
    "ending-unreachable": "an ending no role can reach",
    "role-no-ending": "a role that can reach no ending at all",
    "after-clock-end": "the only ways into a scene arrive after the clock's end",
    "window-closed": "a choice's `before:` is earlier than anyone can reach its scene",
    "window-never-open": "a choice's `after:` is later than anyone can still be in its scene",
    "never-enabled": "a choice whose `if:` is never true where and when players are there",
    "dead-end": "a scene without `wait:` where, in some state, no choice is enabled",
    "never-read": "a variable or world flag set but never read",
    "never-written": "a variable or world flag read but never changed",
    "unused": "a variable or world flag never used",
    "item-never-used": "an item given but never checked with `has()` or taken",
    "item-never-given": "an item checked or taken but never given",
    "never-obtained": "`has(item)` or `knows(note)` read where only roles that can never get "
                      "it are",
    "shadowed-label": "a label that is a command, or that a command also takes: typing it "
                      "runs the command or asks which is meant",
    "duplicate-label": "two choices of one scene with the same label shown at once",
    "otherwise-word": "`otherwise:` given one word that is neither `hide` nor `show`",
    "redirect-cycle": "redirects that can send a player round in a circle for ever",
    "zero-time-loop": "choices that lead round in a circle, back to the same state, with no "
                      "time passing",
    "unknown-value": "a text compared with a value nothing ever gives it (`mood == \"angyr\"`)",
    "waiting-room": "a scene where, from some time on, the only thing left is to wait for the "
                    "night to end",
    "other-role-ending": "a role sent into an ending that is another role's",
    "lint-unknown-code": "`lint: ignore:` names a code `check` does not have",
    "lint-unused": "a `lint:` suppression that silenced nothing",
}
