"""Class codes: made up to be read aloud and typed, checked without keeping them in clear.

A made-up code is three words and a number (`otter-lamp-meadow-42`): 644 x 644 x 644 x 90,
about 2.4e10 codes. The door lets the whole server hear at most `door.OVERALL_PER_MINUTE`
wrong codes a minute, so a whole school day of guessing (about 30,000 tries) has a chance of
about one in 800,000 of finding it. Spaces, hyphens and capitals do not matter when typing.

The journal keeps only a salted hash of the code (`CodeCheck`), so a resumed server checks the
same code without anyone reading it from the disk. PURE except `new_code` and `new_check`,
which draw from `secrets`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

ITERATIONS = 20_000          # a few milliseconds per check; the door limits how many checks
WORDS = (
    "acorn", "acre", "actor", "adult", "agent", "album", "alley", "amber", "anchor", "angel",
    "ankle", "antler", "apple", "apricot", "apron", "arch", "arena", "arrow", "aspen", "atlas",
    "attic", "avocado", "award", "bacon", "badge", "bagel", "baker", "bakery", "ball", "balloon",
    "bamboo", "banana", "band", "banjo", "bank", "barley", "barn", "barrel", "basin", "basket",
    "bath", "beach", "beacon", "beak", "bean", "beard", "beetle", "bell", "belt", "bench", "bike",
    "bird", "bison", "blade", "blanket", "blizzard", "blossom", "board", "boat", "bobcat", "bolt",
    "bone", "bonfire", "bonnet", "book", "boot", "bottle", "boulder", "bowl", "box", "bracelet",
    "branch", "brass", "bread", "breeze", "brick", "bridge", "bronze", "brook", "broom", "brush",
    "bubble", "bucket", "buckle", "bud", "bugle", "bull", "bunny", "burrow", "butter", "button",
    "cabbage", "cabin", "cable", "cactus", "cake", "camel", "camera", "camp", "canal", "candle",
    "candy", "canoe", "canvas", "canyon", "cape", "card", "cargo", "carpet", "carrot", "cart",
    "cat", "cattle", "cave", "cedar", "celery", "chain", "chair", "chalk", "chapel", "chariot",
    "cheese", "cherry", "chess", "chest", "chick", "chimney", "chin", "cinema", "circle", "circus",
    "citrus", "clam", "clay", "cliff", "clock", "cloud", "clover", "coat", "coconut", "coffee",
    "coin", "collar", "comet", "compass", "cookie", "copper", "coral", "cork", "corn", "cottage",
    "cotton", "couch", "cousin", "cow", "crab", "cradle", "crane", "crater", "crayon", "creek",
    "crest", "cricket", "crow", "crown", "crystal", "cup", "cupboard", "curtain", "cushion",
    "dairy", "daisy", "dancer", "denim", "desk", "diamond", "dinghy", "dinner", "dish", "diver",
    "dock", "doctor", "dog", "dolphin", "domino", "donkey", "door", "dove", "dragon", "drawer",
    "dress", "drizzle", "drum", "duck", "dune", "eagle", "ear", "earth", "easel", "echo", "eel",
    "egg", "elbow", "elk", "elm", "ember", "emerald", "engine", "envelope", "fable", "fabric",
    "falcon", "falls", "farm", "fawn", "feather", "fence", "fern", "ferry", "festival", "fiddle",
    "field", "fig", "finch", "fire", "fish", "flag", "flame", "flannel", "flask", "flint", "flute",
    "foam", "fog", "forest", "fork", "fossil", "fountain", "fox", "fridge", "frog", "frost",
    "fruit", "galaxy", "gallery", "garden", "garlic", "garnet", "gate", "gecko", "geyser", "giant",
    "glacier", "glass", "globe", "glove", "goat", "goblet", "gold", "goose", "gorilla", "granite",
    "grape", "grass", "gravel", "gravy", "grove", "guitar", "gull", "hammer", "hand", "harp",
    "harvest", "hat", "hatch", "hawk", "hazel", "heart", "hedge", "helmet", "hen", "herb", "heron",
    "hill", "hippo", "hive", "hockey", "holly", "honey", "hook", "horn", "hornet", "horse",
    "hotel", "house", "ice", "iceberg", "icicle", "igloo", "ink", "iris", "iron", "ivy", "jacket",
    "jam", "jar", "jasmine", "jelly", "jewel", "jigsaw", "jogger", "judge", "jug", "juice",
    "jungle", "kayak", "kernel", "kettle", "key", "kite", "kitten", "kiwi", "koala", "ladder",
    "ladle", "lagoon", "lake", "lamp", "lantern", "lark", "lava", "lawn", "leaf", "lemon",
    "letter", "lettuce", "lilac", "lily", "lime", "linen", "lion", "lizard", "loaf", "lobster",
    "lock", "log", "magnet", "mammoth", "mango", "manor", "mantle", "map", "maple", "marble",
    "market", "marsh", "mask", "meadow", "melon", "meteor", "mill", "minnow", "mint", "mirror",
    "mitten", "mole", "monkey", "moon", "mosaic", "moss", "moth", "motor", "mountain", "mouse",
    "mud", "muffin", "mug", "mushroom", "mustard", "napkin", "nectar", "needle", "nest", "net",
    "noodle", "north", "nose", "notebook", "nut", "nutmeg", "oak", "oar", "oasis", "oatmeal",
    "ocean", "octopus", "olive", "onion", "opal", "orange", "orbit", "orchard", "orchid",
    "ostrich", "otter", "oven", "owl", "oyster", "paddle", "page", "pagoda", "paint", "palace",
    "palm", "pan", "pancake", "panda", "pantry", "papaya", "paper", "parade", "parcel", "parrot",
    "parsley", "pasta", "pasture", "path", "patio", "peach", "peacock", "pearl", "pebble",
    "pelican", "pen", "pencil", "penguin", "pepper", "petal", "piano", "pickle", "pie", "pig",
    "pigeon", "pillow", "pilot", "pine", "pinecone", "pipe", "pizza", "planet", "plate", "plaza",
    "pocket", "poem", "pollen", "pond", "pony", "poppy", "porch", "pot", "potato", "pretzel",
    "prism", "pudding", "pumpkin", "puppet", "puppy", "purse", "puzzle", "quail", "quarry",
    "quartz", "queen", "quilt", "rabbit", "radio", "raft", "rain", "rainbow", "raisin", "rake",
    "raven", "reef", "ribbon", "rice", "riddle", "ring", "ripple", "river", "road", "robin",
    "rocket", "roof", "rooster", "rope", "ruby", "rug", "ruler", "saddle", "salad", "salt", "sand",
    "sandal", "sardine", "saucer", "sawdust", "scarf", "school", "scooter", "seal", "seashell",
    "seed", "shadow", "shark", "sheep", "shell", "sherbet", "ship", "shirt", "shoe", "shore",
    "shovel", "shrimp", "silver", "singer", "sink", "skate", "sky", "skylark", "sled", "slipper",
    "sloth", "snail", "snow", "soap", "sock", "sofa", "sorbet", "soup", "spade", "sparrow",
    "spider", "spinach", "spoon", "spring", "sprout", "square", "squid", "squirrel", "stable",
    "stamp", "star", "starfish", "station", "statue", "stone", "stool", "stork", "storm", "stove",
    "straw", "stream", "street", "sugar", "summer", "swallow", "swan", "sweater", "swing", "syrup",
    "table", "tadpole", "teacup", "teapot", "tent", "terrace", "thimble", "thistle", "thread",
    "thunder", "tiger", "tile", "timber", "toast", "tomato", "tooth", "torch", "toucan", "towel",
    "tower", "toy", "tractor", "train", "tram", "tree", "trolley", "trout", "truck", "trumpet",
    "tuba", "tulip", "tundra", "tunnel", "turkey", "turnip", "turtle", "twig", "umbrella", "uncle",
    "unicorn", "valley", "van", "vanilla", "vase", "velvet", "vineyard", "violin", "volcano",
    "waffle", "wagon", "wall", "walrus", "wand", "warbler", "water", "wave", "wax", "weasel",
    "wheat", "wheel", "willow", "windmill", "window", "wing", "winter", "wolf", "wool", "yak",
    "yard", "yarn", "yogurt", "zebra", "zinnia", "zipper",
)
_SEP = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    """A class code easy to say aloud and type: `otter-lamp-meadow-42`."""
    words = [secrets.choice(WORDS) for _ in range(3)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"


def normal(code: str) -> str:
    """The code as compared: lower case, any run of spaces, hyphens, dots or underscores one
    hyphen (`Otter Lamp meadow 42` is `otter-lamp-meadow-42`)."""
    return _SEP.sub("-", code.strip().lower()).strip("-")


def strength_bits(code: str) -> float:
    """A rough measure of how hard a code is to guess, in bits (for a warning on weak codes)."""
    import math
    parts = normal(code).split("-")
    bits = 0.0
    for part in parts:
        if part in WORDS:
            bits += math.log2(len(WORDS))
        elif part.isdigit():
            bits += len(part) * math.log2(10)
        else:
            bits += len(part) * 4.0          # letters a person made up: about 4 bits each
    return bits


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """A salted hash of a class code: enough to check one, not to read it."""

    salt: str
    digest: str

    def matches(self, given: str) -> bool:
        return hmac.compare_digest(_digest(self.salt, given), self.digest)

    def to_json(self) -> dict[str, str]:
        return {"salt": self.salt, "hash": self.digest}

    @classmethod
    def from_json(cls, data: Any) -> CodeCheck:
        if not isinstance(data, dict) or not isinstance(data.get("salt"), str) \
                or not isinstance(data.get("hash"), str):
            raise TypeError("a class code check needs `salt` and `hash`")
        return cls(data["salt"], data["hash"])


def new_check(code: str) -> CodeCheck:
    salt = secrets.token_hex(8)
    return CodeCheck(salt, _digest(salt, code))


def _digest(salt: str, code: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", normal(code).encode("utf-8", "replace"),
                               salt.encode("ascii"), ITERATIONS).hex()


def pin_hash(salt: str, pin: str) -> str:
    """A rejoin PIN as the journal keeps it (salted; a PIN is short, so this hides it from a
    glance, not from a determined reader of a 0600 file)."""
    return hashlib.sha256(f"{salt}:{pin.strip()}".encode("utf-8", "replace")).hexdigest()


def new_pin() -> str:
    """A rejoin PIN: four digits, shown to the student once, at their first join."""
    return f"{secrets.randbelow(10_000):04d}"


__all__ = [
    "WORDS",
    "CodeCheck",
    "new_check",
    "new_code",
    "new_pin",
    "normal",
    "pin_hash",
    "strength_bits",
]
