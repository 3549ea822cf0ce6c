"""Schedule texts: the four-week schedule and the top of the most free start times."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from domain.timerules import MSK, WEEKDAY_ABBR, format_day_month, format_slot, four_weeks

__all__ = ["EMPTY_LINE", "ORDINALS", "SlotMark", "top_free_starts_text", "weekly_schedule_texts"]

ORDINALS = ("первую", "вторую", "третью", "четвёртую")
EMPTY_LINE = "—"  # em dash: the line a section shows when it has no slots
TOP_HEADER = "Топ-{limit} наиболее свободных слота\n\n"


@dataclass(frozen=True, slots=True)
class SlotMark:
    """A slot's start and whether it is booked, as the schedule text needs it."""

    starts_at: datetime
    booked: bool

    def __post_init__(self) -> None:
        # A naive start would be read in the host's zone when converted: refuse it early.
        if self.starts_at.tzinfo is None or self.starts_at.utcoffset() is None:
            raise ValueError("SlotMark.starts_at must be timezone-aware")


def _section(days: dict[date, list[datetime]], tz: tzinfo) -> str:
    if not days:
        return EMPTY_LINE
    lines = []
    for day in sorted(days):
        times = ", ".join(instant.astimezone(tz).strftime("%H:%M") for instant in days[day])
        lines.append(f"{format_day_month(day)} {WEEKDAY_ABBR[day.weekday()]}: {times}")
    return "\n".join(lines)


def weekly_schedule_texts(slots: Iterable[SlotMark], now: datetime, tz: tzinfo) -> list[str]:
    """Four texts, one per calendar week from the current one in ``tz``; past slots left out.

    An instant given more than once is listed once; if any of its marks is free it is shown
    as free, since someone can still book it then.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    weeks = four_weeks(now.astimezone(tz).date())
    first_monday = weeks[0][0]

    # instant -> booked; free wins over booked for a repeated instant.
    states: dict[datetime, bool] = {}
    for mark in slots:
        if mark.starts_at < now:
            continue
        # UTC keys: equal instants given in different zones must collapse into one.
        instant = mark.starts_at.astimezone(UTC)
        states[instant] = states.get(instant, True) and mark.booked

    # week index -> booked flag -> local day -> instants
    grouped: list[dict[bool, dict[date, list[datetime]]]] = [
        {False: defaultdict(list), True: defaultdict(list)} for _ in weeks
    ]
    for instant in sorted(states):
        local_day = instant.astimezone(tz).date()
        week = (local_day - first_monday).days // 7
        if 0 <= week < len(weeks):
            grouped[week][states[instant]][local_day].append(instant)

    texts = []
    for ordinal, (monday, sunday), sections in zip(ORDINALS, weeks, grouped, strict=True):
        texts.append(
            f"Расписание на {ordinal} неделю "
            f"({format_day_month(monday)}-{format_day_month(sunday)})\n\n"
            f"🟩 Свободно:\n\n{_section(sections[False], tz)}\n\n"
            f"✅Забронировано\n\n{_section(sections[True], tz)}\n"
        )
    return texts


def top_free_starts_text(
    counts: Iterable[tuple[datetime, int]], tz: tzinfo = MSK, limit: int = 3
) -> str:
    """Text of the ``limit`` start times with the most free psychologists, for /get_general_slots.

    Rows for the same instant are added up, so callers may pass one row per psychologist.
    Order: count descending, then time ascending; rows with a count of 0 or less are skipped.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    totals: dict[datetime, int] = defaultdict(int)
    for instant, count in counts:
        if count > 0:
            if instant.tzinfo is None or instant.utcoffset() is None:
                raise ValueError("start instants must be timezone-aware")
            totals[instant.astimezone(UTC)] += count
    ranked = sorted(totals.items(), key=lambda row: (-row[1], row[0]))[:limit]
    header = TOP_HEADER.format(limit=limit)
    if not ranked:
        return f"{header}{EMPTY_LINE}\n"
    return header + "".join(f"{format_slot(instant, tz)}: {count}\n" for instant, count in ranked)
