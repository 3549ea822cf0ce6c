"""Time rules of the service: the business zone, clients' zones, weeks, day bounds, and the
"DD.MM HH:mm" form times are shown in to people.

Every instant that leaves this module is timezone-aware UTC; local wall-clock values are only
produced for display. The business zone is Europe/Moscow (UTC+3, no DST).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from domain.errors import InvalidInput

__all__ = [
    "MSK",
    "WEEKDAY_ABBR",
    "TimeFormatError",
    "client_zone",
    "format_day_month",
    "format_slot",
    "four_weeks",
    "known_zones",
    "local_day_bounds",
    "period",
    "require_aware",
    "range_bounds",
    "utcnow",
    "week_start",
]

MSK = ZoneInfo("Europe/Moscow")
WEEKDAY_ABBR: tuple[str, ...] = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")

# Zones that exist as files but say nothing about a person's clock.
_REJECTED_ZONES = frozenset({"localtime", "Factory", "posixrules"})


class TimeFormatError(InvalidInput, ValueError):
    """Input that does not parse; ``field`` names the input, ``reason`` says why (English)."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason, field=field)

    @property
    def reason(self) -> str:
        """The message, under the name the integration API's parsers use."""
        return self.message


def require_aware(value: datetime, name: str) -> None:
    # A naive datetime would be read in the host's zone by astimezone(): a silent wrong answer.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def format_slot(instant: datetime, tz: tzinfo = MSK) -> str:
    """Show an instant as "DD.MM HH:mm" in ``tz``."""
    require_aware(instant, "instant")
    return instant.astimezone(tz).strftime("%d.%m %H:%M")


def format_day_month(d: date) -> str:
    """Show a date as "DD.MM"."""
    return d.strftime("%d.%m")


@cache
def known_zones() -> frozenset[str]:
    # Checking membership first keeps user text away from file paths entirely.
    return frozenset(available_timezones()) - _REJECTED_ZONES


def client_zone(name: str | None) -> ZoneInfo:
    """IANA zone of a client; empty means MSK; an unknown name is a TimeFormatError."""
    if name is None:
        return MSK
    if not isinstance(name, str):
        raise TimeFormatError("time zone must be an IANA name", "timezone")
    key = name.strip()
    if not key:
        return MSK
    if key not in known_zones():
        raise TimeFormatError(f"unknown time zone {name[:64]!r}", "timezone")
    try:
        return ZoneInfo(key)
    except (LookupError, ValueError, OSError):
        # The tz database changed under us; still the caller's input, not a server fault.
        raise TimeFormatError(f"unknown time zone {name[:64]!r}", "timezone") from None


def week_start(d: date) -> date:
    """Monday of the calendar week that holds ``d``."""
    return d - timedelta(days=d.weekday())


def four_weeks(today: date) -> list[tuple[date, date]]:
    """(Monday, Sunday) of the current calendar week and the next three."""
    monday = week_start(today)
    return [(monday + timedelta(weeks=i), monday + timedelta(weeks=i, days=6)) for i in range(4)]


def period(first: date, last: date, max_days: int) -> tuple[date, date] | None:
    """The days ``first``..``last`` (both included) a read answers for: None when ``last`` is
    before ``first`` (no days at all), else at most ``max_days`` days from ``first``.

    Reads take such periods as they come rather than refusing them: no schema can say that one
    date must not precede another, and an empty or shortened answer is a true one."""
    if last < first:
        return None
    if (last - first).days >= max_days:
        last = first + timedelta(days=max_days - 1)
    return first, last


def local_day_bounds(d: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the local day ``d`` in ``tz``, as aware UTC instants."""
    return range_bounds(d, d, tz)


def range_bounds(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start of ``first``, end of ``last``) in ``tz`` as aware UTC instants; ``last`` included."""
    if last < first:
        raise TimeFormatError(f"range ends ({last}) before it starts ({first})")
    try:
        start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
        # Midnight of the next day, not start + 24h: DST days are 23 or 25 hours long.
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    except OverflowError:
        # Years 1 and 9999 parse fine but their edges fall outside datetime's range.
        raise TimeFormatError("date is out of the supported range") from None
    return start, end
