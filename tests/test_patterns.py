"""The patterns the OpenAPI document states take exactly what the parsers behind them take
(webapp.patterns against domain.timerules and pydantic): a text the pattern allows parses,
a text it refuses does not."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

from domain.timerules import TimeFormatError
from webapp import patterns
from webapp.errors import refusal_status
from webapp.integrations.common import OFFSET, SLOT_LIST
from webapp.integrations.timetext import NoSuchTime, parse_offset, parse_slot, parse_slot_list

NOW = datetime(2028, 6, 1, 9, tzinfo=UTC)  # 2028 is a leap year: every DD.MM exists near it
NOT_LEAP = datetime(2026, 6, 1, 9, tzinfo=UTC)
# derandomized: the same examples every run; no example database in the work tree
EXAMPLES = settings(max_examples=400, deadline=None, database=None, derandomize=True)
SPACES = st.sampled_from([" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1c", ""])


def _parses(parse: object, text: str) -> bool:
    try:
        parse(text)  # type: ignore[operator]
    except NoSuchTime:
        return True  # well-formed, a day missing near now: a 404, not a refusal of the text
    except TimeFormatError:
        return False
    return True


@EXAMPLES
@given(
    st.from_regex(r"\A[0-9]{1,3}\.[0-9]{1,3}[ \t]{0,2}[0-9]{1,3}:[0-9]{1,3}\Z")
    | st.text(max_size=14)
)
def test_a_slot_text_matches_when_parse_slot_reads_it(text: str) -> None:
    matches = re.search(patterns.stripped(patterns.SLOT, python=True), text) is not None
    assert matches == _parses(lambda t: parse_slot(t, NOW), text)


def test_29_february_is_a_404_where_no_leap_year_is_near() -> None:
    assert re.fullmatch(patterns.SLOT, "29.02 10:00")
    try:
        parse_slot("29.02 10:00", NOT_LEAP)
    except NoSuchTime as missing:
        assert refusal_status(missing) == 404
    else:
        raise AssertionError("29.02 exists around 2026")


@EXAMPLES
@given(
    st.builds(
        "{}{}{}".format,
        SPACES,
        st.from_regex(r"\A[+-]?[0-9]{0,3}([.,][0-9]{0,4})?\Z") | st.text(max_size=6),
        SPACES,
    )
)
def test_an_offset_matches_when_parse_offset_reads_it(text: str) -> None:
    assert (re.search(OFFSET, text) is not None) == _parses(parse_offset, text)


@EXAMPLES
@given(st.lists(st.sampled_from(["01.02 10:00", " 3.4 9:05 ", "", " ", "x", "31.04 10:00"])))
def test_a_slot_list_matches_when_parse_slot_list_reads_it(items: list[str]) -> None:
    text = ";".join(items)
    matches = re.search(SLOT_LIST, text) is not None
    assert matches == _parses(lambda t: parse_slot_list(t, NOW), text)


@EXAMPLES
@given(st.from_regex(r"\A0*[0-9]{1,12}\Z"), st.integers(1, 10**11))
def test_a_whole_number_matches_from_one_to_its_maximum(digits: str, maximum: int) -> None:
    matches = re.fullmatch(patterns.whole_number(maximum), digits) is not None
    assert matches == (1 <= int(digits) <= maximum)


@EXAMPLES
@given(
    st.dates(date(1, 1, 1), date(9999, 12, 31)), st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
)
def test_an_iso_date_matches_the_calendar_from_year_1000_to_8999(day: date, text: str) -> None:
    assert (re.fullmatch(patterns.ISO_DATE, day.isoformat()) is not None) == (
        1000 <= day.year <= 8999
    )
    try:
        parsed: date | None = date.fromisoformat(text)
    except ValueError:
        parsed = None
    in_range = parsed is not None and 1000 <= parsed.year <= 8999
    assert (re.fullmatch(patterns.ISO_DATE, text) is not None) == in_range


class _Stripped(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    text: str


@EXAMPLES
@given(st.text(alphabet=st.sampled_from(" a\t\u2003\x1c\u00a0b"), max_size=8), st.integers(1, 4))
def test_too_short_is_what_pydantic_strips_below_the_length(text: str, minimum: int) -> None:
    kept = _Stripped(text=text).text
    assert (re.search(patterns.shorter_than(minimum), text) is not None) == (len(kept) < minimum)


def test_one_of_takes_the_values_with_pydantic_whitespace_around() -> None:
    pattern = re.compile(patterns.one_of(["300 руб", "Все"]))
    assert pattern.search(" 300 руб\u3000") and pattern.search("Все")
    # pydantic leaves U+001C where str.strip() would take it off: not one of the values
    assert not pattern.search("300") and not pattern.search("\x1cВсе")
    assert _Stripped(text="\x1cВсе").text == "\x1cВсе"
