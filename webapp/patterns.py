"""Regular expressions that state in the OpenAPI document the texts the routes take, exactly.

They are written in the subset that ECMA 262, Python's `re` and Rust's `regex` read alike
(explicit classes such as `[0-9]`, never `\\d` or `\\s`, whose meaning differs between them),
because the document is read by all three: fuzzers, other clients and our own check of input
(webapp.schema_check). Texts are read stripped, so patterns allow the whitespace stripping
removes around them. pydantic strips Unicode White_Space (Rust's trim); Python's str.strip()
also strips the separators U+001C..U+001F: a pattern says whose stripping it allows for.
"""

from __future__ import annotations

from collections.abc import Iterable

# What str.strip() removes: Python's whitespace, which differs from every regex engine's \s.
_PY_STRIPPED = [code for code in range(0x110000) if chr(code).isspace()]
# What pydantic's strip_whitespace removes: the same but the information separators.
_STRIPPED = [code for code in _PY_STRIPPED if not 0x1C <= code <= 0x1F]
_METACHARACTERS = set("\\.^$|?*+()[]{}/")


def _ranges(codes: list[int]) -> str:
    """A character-class body for `codes`, as \\uXXXX escapes, runs joined with `-`."""
    parts: list[str] = []
    start = previous = codes[0]
    for code in [*codes[1:], -1]:
        if code == previous + 1:
            previous = code
            continue
        parts.append(
            f"\\u{start:04x}" if start == previous else f"\\u{start:04x}-\\u{previous:04x}"
        )
        start = previous = code
    return "".join(parts)


SPACE = f"[{_ranges(_STRIPPED)}]"
PY_SPACE = f"[{_ranges(_PY_STRIPPED)}]"
# Anything but NUL: PostgreSQL cannot store it, so no text the API keeps may contain it.
CHAR = "[^\\u0000]"
# Neither NUL nor whitespace: a character that survives str.strip() (SOLID), or pydantic's
# stripping (KEPT).
SOLID = f"[^\\u0000{_ranges(_PY_STRIPPED)}]"
KEPT = f"[^\\u0000{_ranges(_STRIPPED)}]"
ASCII_SPACE = "[\\u0009-\\u000d ]"  # what a re.ASCII \s matches


def escape(text: str) -> str:
    """`text` as a literal (only the metacharacters escaped: every engine reads `\\.`, not all
    read an escaped letter or space)."""
    return "".join(f"\\{c}" if c in _METACHARACTERS else c for c in text)


def stripped(core: str, *, python: bool = False) -> str:
    """The whole text is `core` once pydantic (or, with `python`, str.strip()) has stripped
    the whitespace around it."""
    space = PY_SPACE if python else SPACE
    return f"^{space}*(?:{core}){space}*$"


NUL = "\\u0000"


def shorter_than(min_length: int) -> str:
    """A text shorter than `min_length` once str.strip() has removed the whitespace around it
    (stated as what a text must not be: fuzzers then draw texts fast, where a pattern a text
    must match has them build each long text character by character)."""
    nonspace = f"[^{_ranges(_STRIPPED)}]"
    if min_length <= 1:
        return f"^{SPACE}*$"
    if min_length == 2:  # noqa: PLR2004 - the one-character case
        return f"^{SPACE}*{nonspace}?{SPACE}*$"
    return f"^{SPACE}*(?:{nonspace}(?:[\\s\\S]{{0,{min_length - 3}}}{nonspace})?)?{SPACE}*$"


def one_of(values: Iterable[str]) -> str:
    """Exactly one of `values` (stripped by pydantic)."""
    return stripped("|".join(escape(value) for value in values))


def whole_number(maximum: int) -> str:
    """Decimal digits (leading zeros allowed) of a number from 1 to `maximum`."""
    digits = str(maximum)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 1 else None
    same_length = []
    for position, digit in enumerate(digits):
        low = 1 if position == 0 else 0
        if int(digit) > low:
            rest = len(digits) - position - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            same_length.append(f"{digits[:position]}[{low}-{int(digit) - 1}]{tail}")
    same_length.append(digits)
    return f"0*(?:{'|'.join(filter(None, [shorter, *same_length]))})"


# --- calendar texts

# Years the API takes in ISO dates: far enough from datetime's limits (years 1 and 9999)
# that a period of a year or a zone offset around them never overflows.
YEAR = "[1-8][0-9]{3}"
_LEAP_YEAR = (
    "(?:[1-8][0-9](?:0[48]|[2468][048]|[13579][26])"
    "|(?:1[26]|2[048]|3[26]|4[048]|5[26]|6[048]|7[26]|8[048])00)"
)
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
ISO_DATE = f"(?:{YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
HOUR_MINUTE = "(?:[01][0-9]|2[0-3]):[0-5][0-9]"

# The integration API's forms: "D.M" or "DD.MM" (a day any year may have: 29.02 included, see
# webapp.integrations.timetext.resolve_year) and "H:mm" or "HH:mm".
_D31, _D30, _D29 = (
    "(?:0?[1-9]|[12][0-9]|3[01])",
    "(?:0?[1-9]|[12][0-9]|30)",
    "(?:0?[1-9]|[12][0-9])",
)
DAY_MONTH = f"(?:{_D31}\\.(?:0?[13578]|1[02])|{_D30}\\.(?:0?[469]|11)|{_D29}\\.0?2)"
CLOCK = "(?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
SLOT = f"{DAY_MONTH}{ASCII_SPACE}+{CLOCK}"


def separated(item: str, separator: str) -> str:
    """A `separator`-separated list of `item`s, each read with str.strip(); blank items are
    allowed (the readers skip them)."""
    one = f"{PY_SPACE}*(?:(?:{item}){PY_SPACE}*)?"
    return f"^{one}(?:{escape(separator)}{one})*$"


def hours_offset(lowest: int, highest: int) -> str:
    """Hours as webapp.integrations.timetext.parse_offset reads them (after str.strip()): a
    plain decimal (`.` or `,`), a multiple of 0.25 from `lowest` to `highest`, or nothing (MSK)."""

    def up_to(top: int) -> str:
        # a whole part below `top` with any quarter, or `top` itself with a zero fraction
        below = "|".join(str(n) for n in range(top))
        quarter = "(?:[.,](?:0*|250*|50*|750*))?"
        return f"0*(?:{below}){quarter}|0*{top}(?:[.,]0*)?|[.,](?:0+|250*|50*|750*)"

    return stripped(f"|\\+?(?:{up_to(highest)})|-(?:{up_to(-lowest)})", python=True)
