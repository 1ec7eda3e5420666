"""The pure engine: standard library only, no I/O, no terminal, no YAML.

    ws, ps, turn = start(world, "sailor", seed=1)
    v = view(world, ws, ps)
    ws, ps, turn = choose(world, ws, ps, v.enabled()[0].index)

Everything other packages use is here (`from winterpalace.engine import World, choose`); the
modules inside are the engine's own business:

- `model`: the compiled scenario (`World`, `Scene`, `Choice`, ...), read-only after loading;
- `state`: the world's and a player's state (`WorldState`, `PlayerState`, `Game`);
- `rules`: the rules (`start`, `view`, `choose`, `wait`, `advance_world`, ...);
- `events`: what a turn and a view show (`Turn`, `View`, `Stop`, ...);
- `clock`: the world clock and the one grammar for times and durations;
- `expr`: the expression language of conditions and effects;
- `limits`: the bounds on values, files and messages (`LimitError`);
- `votes`: counting a marked vote, in one game or a class.
"""

from typing import TYPE_CHECKING, Any

from .clock import (
    MINUTES_PER_DAY,
    UNTIL_WORDS,
    Clock,
    Reading,
    format_duration,
    parse_duration,
    parse_hhmm,
    time_shaped,
    until_time,
)
from .events import (
    ChoiceView,
    EndingView,
    Narration,
    NightSummary,
    Stop,
    Turn,
    View,
    told_turn,
    told_view,
)
from .expr import (
    BOOL,
    EFFECT_FUNCTIONS,
    INT,
    KEYWORDS,
    REFERENCE_FUNCTIONS,
    STR,
    TIME,
    TYPE_NAMES,
    VALUE_FUNCTIONS,
    Condition,
    Effect,
    ExprError,
    Node,
    Symbols,
    compile_effect,
    compile_expr,
    suggest,
    value_type,
)
from .expr import parse as parse_expr
from .limits import (
    EXCERPT_WIDTH,
    MAX_EXPRESSION_DEPTH,
    MAX_EXPRESSION_NESTING,
    MAX_EXPRESSION_TOKENS,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_FOLDER_DEPTH,
    MAX_FOLDER_ENTRIES,
    MAX_LITERAL_DIGITS,
    MAX_MESSAGE,
    MAX_NUMBER,
    MAX_PROBLEMS,
    MAX_SHOWN_DIGITS,
    MAX_TEXT,
    MAX_TEXT_NESTING,
    MAX_TOTAL_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    YAML_CHARS_PER_NODE,
    LimitError,
    clip_middle,
    number_ok,
    too_big_number,
    too_long_text,
    value_ok,
)
from .model import (
    EMPTY,
    MODEL_RECORDS,
    NOWHERE,
    Area,
    Character,
    Choice,
    Decision,
    Ending,
    Event,
    Excerpt,
    Faction,
    Item,
    Lesson,
    Packet,
    Place,
    Reach,
    Redirect,
    Role,
    Scene,
    Stat,
    Stint,
    Template,
    TextIf,
    Variant,
    Vote,
    Where,
    World,
)
from .rules import (
    MAX_REDIRECTS,
    Context,
    EngineError,
    advance,
    advance_world,
    brief,
    choice_state,
    choose,
    first_paragraph,
    new_game,
    new_world,
    scene_text,
    show,
    start,
    stays,
    taken_here,
    view,
    wait,
    where_is,
)
from .state import STATE_VERSION, Game, PlayerState, Step, WorldState, rng_next, rng_seed

if TYPE_CHECKING:   # the checker sees them as they are; see __getattr__
    from .votes import (
        ABSENT,
        Ballot,
        Tally,
        ballot_option,
        ballot_time,
        faction_of,
        historical,
        single_player,
        tally,
    )

# Counting votes is wanted only once someone votes: imported then, not with every start.
_VOTES = frozenset({"ABSENT", "Ballot", "Tally", "ballot_option", "ballot_time", "faction_of",
                    "historical", "single_player", "tally"})


def __getattr__(name: str) -> Any:
    if name in _VOTES:
        from . import votes
        return getattr(votes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    # clock
    "MINUTES_PER_DAY", "UNTIL_WORDS", "Clock", "Reading", "format_duration", "parse_duration",
    "parse_hhmm", "time_shaped", "until_time",
    # the rules
    "MAX_REDIRECTS", "Context", "EngineError", "advance", "advance_world", "brief",
    "choice_state", "choose", "first_paragraph", "new_game", "new_world", "scene_text", "show",
    "start", "stays", "taken_here", "view", "wait", "where_is",
    # what turns and views show
    "ChoiceView", "EndingView", "Narration", "NightSummary", "Stop", "Turn", "View",
    "told_turn", "told_view",
    # the expression language
    "BOOL", "EFFECT_FUNCTIONS", "INT", "KEYWORDS", "REFERENCE_FUNCTIONS", "STR", "TIME",
    "TYPE_NAMES", "VALUE_FUNCTIONS", "Condition", "Effect", "ExprError", "Node", "Symbols", "compile_effect",
    "compile_expr", "parse_expr", "suggest", "value_type",
    # limits
    "EXCERPT_WIDTH", "MAX_EXPRESSION_DEPTH", "MAX_EXPRESSION_NESTING", "MAX_EXPRESSION_TOKENS",
    "MAX_FILE_BYTES", "MAX_FILES", "MAX_FOLDER_DEPTH", "MAX_FOLDER_ENTRIES",
    "MAX_LITERAL_DIGITS", "MAX_MESSAGE", "MAX_NUMBER", "MAX_PROBLEMS", "MAX_SHOWN_DIGITS",
    "MAX_TEXT", "MAX_TEXT_NESTING", "MAX_TOTAL_BYTES", "MAX_YAML_DEPTH", "MAX_YAML_NODES",
    "YAML_CHARS_PER_NODE", "LimitError", "clip_middle", "number_ok", "too_big_number",
    "too_long_text", "value_ok",
    # the compiled scenario
    "EMPTY", "NOWHERE", "Area", "Character", "Choice", "Decision", "Ending", "Event", "Excerpt",
    "Faction", "Item", "Lesson", "Packet", "Place", "Reach", "Redirect", "Role", "Scene", "Stat",
    "Stint", "Template", "TextIf", "Variant", "Vote", "Where", "MODEL_RECORDS", "World",
    # state
    "STATE_VERSION", "Game", "PlayerState", "Step", "WorldState", "rng_next", "rng_seed",
    # votes
    "ABSENT", "Ballot", "Tally", "ballot_option", "ballot_time", "faction_of", "historical",
    "single_player", "tally",
]
