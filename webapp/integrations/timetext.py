"""The time texts of the integration API: "DD.MM", "HH:mm", "DD.MM HH:mm" lists (wall time in
MSK or a given zone), ISO "YYYY-MM-DD" days and `userTimeOffsetMsk` (hours from MSK).

Each reader returns aware UTC instants or plain dates; a text that does not read is a
TimeFormatError naming the field it came from.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from domain.errors import NotFound
from domain.timerules import MSK, TimeFormatError, require_aware

OFFSET_FIELD = "userTimeOffsetMsk"
_MSK_UTC_HOURS = 3
# UTC-12..UTC+14 are the extremes any real zone uses; expressed relative to MSK.
MIN_OFFSET_HOURS = -15.0
MAX_OFFSET_HOURS = 11.0
# Real zones are whole quarter hours off UTC (e.g. +5:45 Nepal); finer values are typos.
_OFFSET_STEP_PER_HOUR = 4

# re.ASCII keeps \d from accepting other scripts' digits, which int() would silently take.
_DAY_MONTH_RE = re.compile(r"(\d{1,2})\.(\d{1,2})", re.ASCII)
_HHMM_RE = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)
_SLOT_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\s+(\d{1,2}):(\d{2})", re.ASCII)
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# float() would also take "nan", "inf", "1e3" and "1_0"; only plain decimals are offsets.
_OFFSET_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


class NoSuchTime(TimeFormatError, NotFound):
    """A well-formed day or wall time that the calendar does not have near now: 29.02 with no
    leap year within a year, a wall time skipped by a clock change. The text itself is valid
    (the API document allows it), so this is a 404, not a 400."""

    code = "not_found"


def _as_text(value: object, expected: str, field: str | None) -> str:
    # JSON bodies can carry numbers or nulls where text belongs; that is bad input, not a crash.
    if not isinstance(value, str):
        raise TimeFormatError(f"expected {expected} as a string", field)
    return value.strip()


_LEAP_YEAR_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def resolve_year(day: int, month: int, today: date, field: str | None = None) -> date:
    """Give a year to DD.MM: the date closest to ``today``; a tie goes to the future."""
    if not 1 <= month <= 12 or not 1 <= day <= _LEAP_YEAR_DAYS[month - 1]:
        raise TimeFormatError(f"{day:02d}.{month:02d} is not a calendar date", field)
    candidates: list[date] = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29.02 outside a leap year
    if not candidates:
        raise NoSuchTime(f"{day:02d}.{month:02d} does not exist around {today.year}", field)
    # Smallest distance first; on equal distance the future one (delta >= 0) sorts first.
    return min(candidates, key=lambda d: (abs((d - today).days), d < today))


def _check_offset(offset: float) -> float:
    if not math.isfinite(offset):
        raise TimeFormatError("offset must be a finite number of hours", OFFSET_FIELD)
    if not MIN_OFFSET_HOURS <= offset <= MAX_OFFSET_HOURS:
        raise TimeFormatError(
            f"offset must be between {MIN_OFFSET_HOURS:g} and +{MAX_OFFSET_HOURS:g} hours "
            "from MSK",
            OFFSET_FIELD,
        )
    if not (offset * _OFFSET_STEP_PER_HOUR).is_integer():
        raise TimeFormatError("offset must be a multiple of 0.25 hours", OFFSET_FIELD)
    return offset + 0.0  # turns -0.0 into 0.0


def offset_zone(offset_msk_hours: float) -> timezone:
    """Fixed zone ``offset_msk_hours`` hours from MSK (UTC+3), e.g. 2.5 -> UTC+05:30."""
    offset = _check_offset(float(offset_msk_hours))
    return timezone(timedelta(hours=_MSK_UTC_HOURS + offset))


def parse_offset(raw: str | float | int | None) -> float:
    """Read ``userTimeOffsetMsk`` (hours from MSK, "2", "-1", "2.5" or "2,5"); empty means 0."""
    if raw is None:
        return 0.0
    # bool is an int subclass; True as "1 hour" would be a caller's bug, not an offset.
    if isinstance(raw, bool):
        raise TimeFormatError("offset must be a number of hours", OFFSET_FIELD)
    if isinstance(raw, int | float):
        try:
            return _check_offset(float(raw))
        except OverflowError:  # an int too large for a float
            raise TimeFormatError("offset is out of range", OFFSET_FIELD) from None
    if not isinstance(raw, str):
        raise TimeFormatError("offset must be a number of hours", OFFSET_FIELD)
    text = raw.strip().replace(",", ".")
    if not text:
        return 0.0
    if not _OFFSET_RE.fullmatch(text):
        raise TimeFormatError(f"offset must be a number of hours, got {raw!r}", OFFSET_FIELD)
    return _check_offset(float(text))


def parse_day_month(text: str, today: date, field: str = "date") -> date:
    """Read "DD.MM" (or "D.M"); the year is chosen by :func:`resolve_year`."""
    match = _DAY_MONTH_RE.fullmatch(_as_text(text, "DD.MM", field))
    if match is None:
        raise TimeFormatError(f"expected DD.MM, got {text!r}", field)
    day, month = int(match[1]), int(match[2])
    return resolve_year(day, month, today, field)


def _make_time(hour: int, minute: int, text: str, field: str) -> time:
    if hour > 23 or minute > 59:
        raise TimeFormatError(f"{text.strip()!r} is not a time of day (00:00..23:59)", field)
    return time(hour, minute)


def parse_hhmm(text: str, field: str = "time") -> time:
    """Read "HH:mm" (or "H:mm"), 00:00..23:59."""
    match = _HHMM_RE.fullmatch(_as_text(text, "HH:mm", field))
    if match is None:
        raise TimeFormatError(f"expected HH:mm, got {text!r}", field)
    return _make_time(int(match[1]), int(match[2]), text, field)


def _local_to_utc(day: date, clock: time, tz: tzinfo, field: str | None) -> datetime:
    local = datetime.combine(day, clock, tzinfo=tz)
    instant = local.astimezone(UTC)
    # In a DST gap the wall time never happens; zoneinfo would shift it silently.
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NoSuchTime(
            f"{day:%d.%m} {clock:%H:%M} does not exist in that time zone (clock change)", field
        )
    return instant


def parse_slot(text: str, now: datetime, tz: tzinfo = MSK, field: str = "slot") -> datetime:
    """Read "DD.MM HH:mm" as wall time in ``tz``; the year is the one closest to ``now``.

    Returns the aware UTC instant.
    """
    require_aware(now, "now")
    match = _SLOT_RE.fullmatch(_as_text(text, "DD.MM HH:mm", field))
    if match is None:
        raise TimeFormatError(f"expected DD.MM HH:mm, got {text!r}", field)
    day, month, hour, minute = (int(g) for g in match.groups())
    clock = _make_time(hour, minute, f"{hour}:{minute:02d}", field)
    local_day = resolve_year(day, month, now.astimezone(tz).date(), field)
    return _local_to_utc(local_day, clock, tz, field)


def parse_slot_list(
    text: str, now: datetime, tz: tzinfo = MSK, field: str = "slots", sep: str = ";"
) -> list[datetime]:
    """Read "DD.MM HH:mm;DD.MM HH:mm"; blanks are skipped, order kept, repeats dropped."""
    result: list[datetime] = []
    seen: set[datetime] = set()
    items = _as_text(text, "DD.MM HH:mm list", field).split(sep)
    for position, item in enumerate(items, start=1):
        if not item.strip():
            continue
        try:
            instant = parse_slot(item, now, tz, field)
        except TimeFormatError as exc:
            # Name the item so a long list can be fixed without guessing.
            raise type(exc)(f"item {position}: {exc.reason}", field) from None
        if instant not in seen:
            seen.add(instant)
            result.append(instant)
    return result


def parse_date(text: str, field: str) -> date:
    """Read an ISO "YYYY-MM-DD" date."""
    stripped = _as_text(text, "YYYY-MM-DD", field)
    # date.fromisoformat also takes "20240101" and week dates; only the plain form is an API.
    if not _ISO_DATE_RE.fullmatch(stripped):
        raise TimeFormatError(f"expected YYYY-MM-DD, got {text!r}", field)
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        raise TimeFormatError(f"{stripped} is not a calendar date", field) from None
