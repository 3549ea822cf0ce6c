"""Time rules: DD.MM year choice, offsets, slot strings, zones, weeks and day bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.timerules import (
    MSK,
    WEEKDAY_ABBR,
    TimeFormatError,
    client_zone,
    format_day_month,
    format_slot,
    four_weeks,
    local_day_bounds,
    range_bounds,
    utcnow,
    week_start,
)
from webapp.integrations.timetext import (
    offset_zone,
    parse_date,
    parse_day_month,
    parse_hhmm,
    parse_offset,
    parse_slot,
    parse_slot_list,
    resolve_year,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# A Wednesday, 10:00 MSK.
NOW = utc(2025, 3, 12, 7, 0)


def test_constants() -> None:
    assert MSK.key == "Europe/Moscow"
    assert datetime(2025, 7, 1, tzinfo=MSK).utcoffset() == timedelta(hours=3)
    assert WEEKDAY_ABBR == ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")


def test_time_format_error_carries_field_and_reason() -> None:
    err = TimeFormatError("expected DD.MM HH:mm", field="slot")
    assert isinstance(err, ValueError)
    assert err.field == "slot"
    assert err.reason == "expected DD.MM HH:mm"
    assert str(err) == "expected DD.MM HH:mm"
    assert TimeFormatError("bad").field is None


def test_utcnow_is_aware_utc() -> None:
    before = datetime.now(UTC)
    now = utcnow()
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


# --- resolve_year -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "today", "expected"),
    [
        # Around New Year the nearer date is across the year boundary.
        (2, 1, date(2025, 12, 30), date(2026, 1, 2)),
        (28, 12, date(2026, 1, 5), date(2025, 12, 28)),
        (31, 12, date(2026, 1, 1), date(2025, 12, 31)),
        (1, 1, date(2025, 12, 31), date(2026, 1, 1)),
        # Ordinary dates stay in the current year, before or after today.
        (15, 3, date(2025, 3, 12), date(2025, 3, 15)),
        (1, 3, date(2025, 3, 12), date(2025, 3, 1)),
        (12, 3, date(2025, 3, 12), date(2025, 3, 12)),
        # Half a year away: 2025-07-02 is 182 days back, 2026-07-02 is 183 ahead.
        (2, 7, date(2025, 12, 31), date(2025, 7, 2)),
        (2, 7, date(2026, 1, 1), date(2026, 7, 2)),
    ],
)
def test_resolve_year_closest(day: int, month: int, today: date, expected: date) -> None:
    assert resolve_year(day, month, today) == expected


def test_resolve_year_exact_tie_goes_to_future() -> None:
    # 2027-07-01 and 2028-07-01 are 366 days apart (29.02.2028 between): both 183 days away.
    today = date(2027, 12, 31)
    assert (today - date(2027, 7, 1)).days == (date(2028, 7, 1) - today).days == 183
    assert resolve_year(1, 7, today) == date(2028, 7, 1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 3, 10), date(2024, 2, 29)),
        (date(2027, 12, 30), date(2028, 2, 29)),
        # The only leap candidate is in the past: still the closest existing date.
        (date(2025, 1, 10), date(2024, 2, 29)),
    ],
)
def test_resolve_year_leap_day(today: date, expected: date) -> None:
    assert resolve_year(29, 2, today) == expected


def test_resolve_year_leap_day_without_leap_year_nearby() -> None:
    with pytest.raises(TimeFormatError, match="does not exist"):
        resolve_year(29, 2, date(2026, 6, 1))


@pytest.mark.parametrize(("day", "month"), [(31, 2), (30, 2), (0, 5), (5, 0), (5, 13), (32, 1)])
def test_resolve_year_rejects_impossible_dates(day: int, month: int) -> None:
    with pytest.raises(TimeFormatError) as info:
        resolve_year(day, month, date(2025, 3, 12))
    assert info.value.field is None


def test_resolve_year_at_the_edges_of_the_calendar() -> None:
    assert resolve_year(31, 12, date(1, 1, 1)) == date(1, 12, 31)
    assert resolve_year(1, 1, date(9999, 12, 31)) == date(9999, 1, 1)


# --- offsets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 0.0),
        ("", 0.0),
        ("   ", 0.0),
        ("0", 0.0),
        ("-0", 0.0),
        ("2", 2.0),
        (" 2 ", 2.0),
        ("+2", 2.0),
        ("-1", -1.0),
        ("2.5", 2.5),
        ("2,5", 2.5),
        ("-0.5", -0.5),
        ("-0,25", -0.25),
        ("5.75", 5.75),
        (".5", 0.5),
        ("11", 11.0),
        ("-15", -15.0),
        (2, 2.0),
        (-0.5, -0.5),
        (5.75, 5.75),
    ],
)
def test_parse_offset_accepts(raw: str | float | None, expected: float) -> None:
    value = parse_offset(raw)
    assert value == expected
    assert isinstance(value, float)


def test_parse_offset_normalises_negative_zero() -> None:
    assert str(parse_offset("-0")) == "0.0"


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "2h",
        "2.5.1",
        "2,,5",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e1",
        "1_0",
        "٣",  # an Arabic-Indic digit: int()/float() accept it, the API does not
        "11.25",
        "-15.25",
        "12",
        "-16",
        "2.3",
        "0.1",
        float("nan"),
        float("inf"),
        12,
        10**400,
        True,
    ],
)
def test_parse_offset_rejects(raw: object) -> None:
    with pytest.raises(TimeFormatError) as info:
        parse_offset(raw)  # type: ignore[arg-type]
    assert info.value.field == "userTimeOffsetMsk"
    assert info.value.reason


@pytest.mark.parametrize(
    ("offset", "utc_offset"),
    [
        (0, timedelta(hours=3)),
        (2, timedelta(hours=5)),
        (2.5, timedelta(hours=5, minutes=30)),
        (-0.5, timedelta(hours=2, minutes=30)),
        (5.75, timedelta(hours=8, minutes=45)),
        (-15, timedelta(hours=-12)),
        (11, timedelta(hours=14)),
    ],
)
def test_offset_zone(offset: float, utc_offset: timedelta) -> None:
    zone = offset_zone(offset)
    assert isinstance(zone, timezone)
    assert zone.utcoffset(None) == utc_offset


@pytest.mark.parametrize("offset", [11.25, -15.25, 24, float("nan"), float("-inf"), 1.1])
def test_offset_zone_rejects(offset: float) -> None:
    with pytest.raises(TimeFormatError) as info:
        offset_zone(offset)
    assert info.value.field == "userTimeOffsetMsk"


# --- DD.MM, HH:mm, YYYY-MM-DD -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("15.03", date(2025, 3, 12), date(2025, 3, 15)),
        ("5.3", date(2025, 3, 12), date(2025, 3, 5)),
        (" 02.01 ", date(2025, 12, 30), date(2026, 1, 2)),
        ("28.12", date(2026, 1, 5), date(2025, 12, 28)),
    ],
)
def test_parse_day_month(text: str, today: date, expected: date) -> None:
    assert parse_day_month(text, today) == expected


@pytest.mark.parametrize(
    "text", ["", "15", "15.03.2025", "15/03", "1503", "aa.bb", "31.02", "00.05", "05.13", "123.1"]
)
def test_parse_day_month_rejects(text: str) -> None:
    with pytest.raises(TimeFormatError) as info:
        parse_day_month(text, date(2025, 3, 12))
    assert info.value.field == "date"


def test_parse_day_month_names_custom_field() -> None:
    with pytest.raises(TimeFormatError) as info:
        parse_day_month("31.02", date(2025, 3, 12), field="day")
    assert info.value.field == "day"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:05", time(9, 5)),
        ("9:05", time(9, 5)),
        (" 7:30 ", time(7, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_hhmm(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    "text", ["", "24:00", "12:60", "12:5", "123:00", "12.30", "12:30:00", "ab:cd", "-1:00"]
)
def test_parse_hhmm_rejects(text: str) -> None:
    with pytest.raises(TimeFormatError) as info:
        parse_hhmm(text)
    assert info.value.field == "time"


def test_parse_date() -> None:
    assert parse_date("2025-03-01", "date_from") == date(2025, 3, 1)
    assert parse_date(" 2024-02-29 ", "date_from") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text", ["", "2025-02-30", "2025-3-1", "20250301", "01.03.2025", "2025-W10-1", "2025-13-01"]
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(TimeFormatError) as info:
        parse_date(text, "date_to")
    assert info.value.field == "date_to"


def test_non_string_input_is_a_format_error() -> None:
    # JSON bodies may carry numbers or null where a string belongs.
    with pytest.raises(TimeFormatError):
        parse_slot(1203, NOW)  # type: ignore[arg-type]
    with pytest.raises(TimeFormatError):
        parse_slot_list(None, NOW)  # type: ignore[arg-type]
    with pytest.raises(TimeFormatError):
        parse_date(20250301, "date")  # type: ignore[arg-type]
    with pytest.raises(TimeFormatError):
        parse_hhmm(None)  # type: ignore[arg-type]


def test_format_day_month() -> None:
    assert format_day_month(date(2025, 3, 5)) == "05.03"
    assert format_day_month(date(2025, 12, 31)) == "31.12"


# --- slots ------------------------------------------------------------------------------------


def test_parse_slot_reads_msk_by_default() -> None:
    assert parse_slot("12.03 14:30", NOW) == utc(2025, 3, 12, 11, 30)
    assert parse_slot("  1.4   9:05 ", NOW) == utc(2025, 4, 1, 6, 5)
    assert parse_slot("12.03 01:00", NOW) == utc(2025, 3, 11, 22, 0)
    assert parse_slot("12.03 14:30", NOW).tzinfo is UTC


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (0, utc(2025, 3, 12, 11, 30)),
        (2, utc(2025, 3, 12, 9, 30)),
        (2.5, utc(2025, 3, 12, 9, 0)),
        (-0.5, utc(2025, 3, 12, 12, 0)),
        (5.75, utc(2025, 3, 12, 5, 45)),
        (-15, utc(2025, 3, 13, 2, 30)),
    ],
)
def test_parse_slot_in_offset_zone(offset: float, expected: datetime) -> None:
    assert parse_slot("12.03 14:30", NOW, offset_zone(offset)) == expected


def test_parse_slot_round_trips_through_format_slot() -> None:
    tz = offset_zone(parse_offset("2,5"))
    # From 12.03.2025 the nearest 31.12 is the one 71 days back.
    instant = parse_slot("31.12 23:45", NOW, tz)
    assert instant == utc(2024, 12, 31, 18, 15)
    assert format_slot(instant, tz) == "31.12 23:45"
    assert format_slot(instant) == "31.12 21:15"


def test_parse_slot_year_uses_today_in_the_reading_zone() -> None:
    # 21:30 UTC on 31.12 is already 01.01 in Moscow: "02.07" is then nearer in the coming year.
    now = utc(2025, 12, 31, 21, 30)
    assert parse_slot("02.07 10:00", now) == utc(2026, 7, 2, 7, 0)
    assert parse_slot("02.07 10:00", now, UTC) == utc(2025, 7, 2, 10, 0)


def test_parse_slot_around_new_year() -> None:
    now = utc(2025, 12, 30, 9, 0)
    assert parse_slot("02.01 10:00", now) == utc(2026, 1, 2, 7, 0)
    now = utc(2026, 1, 5, 9, 0)
    assert parse_slot("28.12 10:00", now) == utc(2025, 12, 28, 7, 0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12.03",
        "14:30",
        "12.03T14:30",
        "12.0314:30",
        "12.03 14:30 MSK",
        "12-03 14:30",
        "31.02 10:00",
        "12.03 24:00",
        "12.03 10:60",
        "12.03.2025 10:00",
    ],
)
def test_parse_slot_rejects(text: str) -> None:
    with pytest.raises(TimeFormatError) as info:
        parse_slot(text, NOW)
    assert info.value.field == "slot"
    assert info.value.reason


def test_parse_slot_reason_names_expected_format_and_custom_field() -> None:
    with pytest.raises(TimeFormatError) as info:
        parse_slot("tomorrow", NOW, field="new_slot")
    assert info.value.field == "new_slot"
    assert "DD.MM HH:mm" in info.value.reason


def test_parse_slot_rejects_wall_time_skipped_by_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    with pytest.raises(TimeFormatError, match="does not exist"):
        parse_slot("30.03 02:30", NOW, berlin)
    assert parse_slot("30.03 03:30", NOW, berlin) == utc(2025, 3, 30, 1, 30)


def test_parse_slot_requires_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_slot("12.03 10:00", datetime(2025, 3, 12, 10, 0))  # noqa: DTZ001


def test_parse_slot_list_order_blanks_and_duplicates() -> None:
    text = " 13.03 11:00; 12.03 10:00;;  ; 13.03 11:00 ;12.3 10:00;14.03 9:00;"
    assert parse_slot_list(text, NOW) == [
        utc(2025, 3, 13, 8, 0),
        utc(2025, 3, 12, 7, 0),
        utc(2025, 3, 14, 6, 0),
    ]


def test_parse_slot_list_empty_and_custom_separator_and_zone() -> None:
    assert parse_slot_list("", NOW) == []
    assert parse_slot_list(" ; ;", NOW) == []
    tz = offset_zone(-1)
    assert parse_slot_list("12.03 10:00,12.03 11:00", NOW, tz, sep=",") == [
        utc(2025, 3, 12, 8, 0),
        utc(2025, 3, 12, 9, 0),
    ]


def test_parse_slot_list_names_the_bad_item() -> None:
    with pytest.raises(TimeFormatError) as info:
        parse_slot_list("12.03 10:00;31.02 10:00", NOW)
    assert info.value.field == "slots"
    assert info.value.reason.startswith("item 2:")
    with pytest.raises(TimeFormatError) as info:
        parse_slot_list("12.03 10:00;;oops", NOW, field="picked")
    assert info.value.field == "picked"
    assert "item 3" in info.value.reason


def test_format_slot() -> None:
    instant = utc(2025, 3, 12, 21, 5)
    assert format_slot(instant) == "13.03 00:05"
    assert format_slot(instant, UTC) == "12.03 21:05"
    assert format_slot(instant, ZoneInfo("America/New_York")) == "12.03 17:05"
    assert format_slot(instant.astimezone(offset_zone(2))) == "13.03 00:05"
    with pytest.raises(ValueError, match="aware"):
        format_slot(datetime(2025, 3, 12, 21, 5))  # noqa: DTZ001


# --- client zones -----------------------------------------------------------------------------


def test_client_zone_known_and_default() -> None:
    assert client_zone(None) is MSK
    assert client_zone("") is MSK
    assert client_zone("  ") is MSK
    assert client_zone("Asia/Yekaterinburg") == ZoneInfo("Asia/Yekaterinburg")
    assert client_zone(" Europe/Berlin ").key == "Europe/Berlin"
    assert client_zone("UTC").key == "UTC"


@pytest.mark.parametrize(
    "name",
    [
        "../etc/passwd",
        "../../../../etc/passwd",
        "/etc/localtime",
        "Europe/../Europe/Moscow",
        "Europe//Moscow",
        "Europe/Moscow/",
        "Europe",
        "America",
        "localtime",
        "Factory",
        "posixrules",
        "europe/moscow",
        "Mars/Olympus",
        "Europe/Moscow\x00",
        "tzdata",
        "__init__.py",
        "x" * 5000,
        "MSK+3",
    ],
)
def test_client_zone_rejects(name: str) -> None:
    with pytest.raises(TimeFormatError) as info:
        client_zone(name)
    assert info.value.field == "timezone"
    assert len(info.value.reason) < 200


def test_client_zone_rejects_non_strings() -> None:
    with pytest.raises(TimeFormatError):
        client_zone(3)  # type: ignore[arg-type]


# --- weeks and bounds -------------------------------------------------------------------------


def test_week_start() -> None:
    assert week_start(date(2025, 3, 10)) == date(2025, 3, 10)
    assert week_start(date(2025, 3, 12)) == date(2025, 3, 10)
    assert week_start(date(2025, 3, 16)) == date(2025, 3, 10)
    assert week_start(date(2026, 1, 1)) == date(2025, 12, 29)


EXPECTED_WEEKS = [
    (date(2025, 3, 10), date(2025, 3, 16)),
    (date(2025, 3, 17), date(2025, 3, 23)),
    (date(2025, 3, 24), date(2025, 3, 30)),
    (date(2025, 3, 31), date(2025, 4, 6)),
]


@pytest.mark.parametrize("today", [date(2025, 3, 10), date(2025, 3, 12), date(2025, 3, 16)])
def test_four_weeks_from_monday_to_sunday(today: date) -> None:
    assert four_weeks(today) == EXPECTED_WEEKS


def test_four_weeks_next_monday_starts_a_new_first_week() -> None:
    weeks = four_weeks(date(2025, 3, 17))
    assert weeks[0] == (date(2025, 3, 17), date(2025, 3, 23))
    assert weeks[3] == (date(2025, 4, 7), date(2025, 4, 13))


def test_four_weeks_across_new_year() -> None:
    assert four_weeks(date(2025, 12, 31)) == [
        (date(2025, 12, 29), date(2026, 1, 4)),
        (date(2026, 1, 5), date(2026, 1, 11)),
        (date(2026, 1, 12), date(2026, 1, 18)),
        (date(2026, 1, 19), date(2026, 1, 25)),
    ]


def test_local_day_bounds_msk_and_other_zones() -> None:
    assert local_day_bounds(date(2025, 3, 12), MSK) == (
        utc(2025, 3, 11, 21, 0),
        utc(2025, 3, 12, 21, 0),
    )
    assert local_day_bounds(date(2025, 3, 12), ZoneInfo("Asia/Yekaterinburg")) == (
        utc(2025, 3, 11, 19, 0),
        utc(2025, 3, 12, 19, 0),
    )
    assert local_day_bounds(date(2025, 3, 12), offset_zone(-7.5)) == (
        utc(2025, 3, 12, 4, 30),
        utc(2025, 3, 13, 4, 30),
    )
    start, end = local_day_bounds(date(2025, 3, 12), MSK)
    assert start.tzinfo is UTC
    assert end.tzinfo is UTC


def test_local_day_bounds_on_dst_days() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start, end = local_day_bounds(date(2025, 3, 30), berlin)
    assert (start, end) == (utc(2025, 3, 29, 23, 0), utc(2025, 3, 30, 22, 0))
    assert end - start == timedelta(hours=23)
    start, end = local_day_bounds(date(2025, 10, 26), berlin)
    assert end - start == timedelta(hours=25)


def test_range_bounds_includes_last_day() -> None:
    assert range_bounds(date(2025, 3, 10), date(2025, 3, 16), MSK) == (
        utc(2025, 3, 9, 21, 0),
        utc(2025, 3, 16, 21, 0),
    )
    assert range_bounds(date(2025, 3, 12), date(2025, 3, 12), MSK) == local_day_bounds(
        date(2025, 3, 12), MSK
    )
    assert range_bounds(date(2025, 3, 1), date(2025, 3, 2), ZoneInfo("America/New_York")) == (
        utc(2025, 3, 1, 5, 0),
        utc(2025, 3, 3, 5, 0),
    )


def test_range_bounds_rejects_reversed_and_out_of_range() -> None:
    with pytest.raises(TimeFormatError, match="before"):
        range_bounds(date(2025, 3, 12), date(2025, 3, 11), MSK)
    with pytest.raises(TimeFormatError):
        range_bounds(date(2025, 3, 12), date.max, MSK)
    with pytest.raises(TimeFormatError):
        range_bounds(date.min, date(2025, 3, 12), MSK)
