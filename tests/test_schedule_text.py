"""The integration API's schedule texts: the four-week schedule and the top of free start times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.schedule.schedule_text import (
    ORDINALS,
    SlotMark,
    top_free_starts_text,
    weekly_schedule_texts,
)
from domain.timerules import MSK
from webapp.integrations.timetext import offset_zone


def msk(month: int, day: int, hour: int, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MSK)


def free(instant: datetime) -> SlotMark:
    return SlotMark(instant, booked=False)


def booked(instant: datetime) -> SlotMark:
    return SlotMark(instant, booked=True)


# Wednesday 12.03.2025, 10:00 MSK; weeks 10.03-16.03, 17.03-23.03, 24.03-30.03, 31.03-06.04.
NOW = msk(3, 12, 10)

EMPTY_WEEK_2 = (
    "Расписание на вторую неделю (17.03-23.03)\n\n🟩 Свободно:\n\n—\n\n✅Забронировано\n\n—\n"
)
EMPTY_WEEK_3 = (
    "Расписание на третью неделю (24.03-30.03)\n\n🟩 Свободно:\n\n—\n\n✅Забронировано\n\n—\n"
)


def realistic_week() -> list[SlotMark]:
    return [
        free(msk(3, 11, 15)),  # yesterday: hidden
        booked(msk(3, 12, 9)),  # an hour ago: hidden
        booked(msk(3, 12, 18)),
        free(msk(3, 12, 12)),
        free(msk(3, 12, 10)),  # exactly now: still listed
        free(msk(3, 14, 11)),
        free(msk(3, 14, 11).astimezone(UTC)),  # the same instant again, given in UTC
        free(msk(3, 14, 9, 30)),
        booked(msk(3, 16, 20)),  # Sunday, last day of week 1
        free(msk(3, 18, 9, 30)),
        free(msk(4, 6, 23, 30)),  # Sunday, last day of week 4
        free(msk(4, 7, 10)),  # after the four weeks: ignored
        booked(msk(3, 9, 12)),  # previous week: ignored
    ]


def test_weekly_schedule_texts_full_strings() -> None:
    texts = weekly_schedule_texts(realistic_week(), NOW, MSK)
    assert texts == [
        "Расписание на первую неделю (10.03-16.03)\n\n"
        "🟩 Свободно:\n\n"
        "12.03 Ср: 10:00, 12:00\n"
        "14.03 Пт: 09:30, 11:00\n\n"
        "✅Забронировано\n\n"
        "12.03 Ср: 18:00\n"
        "16.03 Вс: 20:00\n",
        "Расписание на вторую неделю (17.03-23.03)\n\n"
        "🟩 Свободно:\n\n"
        "18.03 Вт: 09:30\n\n"
        "✅Забронировано\n\n"
        "—\n",
        EMPTY_WEEK_3,
        "Расписание на четвёртую неделю (31.03-06.04)\n\n"
        "🟩 Свободно:\n\n"
        "06.04 Вс: 23:30\n\n"
        "✅Забронировано\n\n"
        "—\n",
    ]


def test_weekly_schedule_texts_in_a_shifted_zone() -> None:
    # UTC+5 (MSK+2): Sunday 22:30 MSK is Monday 00:30 there, so it moves into week 2.
    tz = offset_zone(2)
    slots = [
        free(msk(3, 12, 10)),
        booked(msk(3, 13, 21, 45)),  # 23:45 on Thursday there
        booked(msk(3, 16, 22, 30)),
        free(msk(3, 17, 22)),  # 18.03 00:00 there
    ]
    texts = weekly_schedule_texts(slots, NOW, tz)
    assert texts[0] == (
        "Расписание на первую неделю (10.03-16.03)\n\n"
        "🟩 Свободно:\n\n"
        "12.03 Ср: 12:00\n\n"
        "✅Забронировано\n\n"
        "13.03 Чт: 23:45\n"
    )
    assert texts[1] == (
        "Расписание на вторую неделю (17.03-23.03)\n\n"
        "🟩 Свободно:\n\n"
        "18.03 Вт: 00:00\n\n"
        "✅Забронировано\n\n"
        "17.03 Пн: 00:30\n"
    )
    assert texts[2] == EMPTY_WEEK_3


def test_weekly_schedule_texts_west_of_msk_moves_slot_back_a_day() -> None:
    tz = ZoneInfo("America/New_York")  # EDT in March 2025: UTC-4, MSK-7
    slots = [free(msk(3, 18, 3)), booked(msk(3, 18, 9))]
    texts = weekly_schedule_texts(slots, NOW, tz)
    assert texts[1] == (
        "Расписание на вторую неделю (17.03-23.03)\n\n"
        "🟩 Свободно:\n\n"
        "17.03 Пн: 20:00\n\n"
        "✅Забронировано\n\n"
        "18.03 Вт: 02:00\n"
    )


def test_weekly_schedule_texts_weeks_follow_the_readers_date() -> None:
    # Sunday 23:30 MSK is already Monday 01:30 in UTC+5: that reader's week 1 starts then.
    now = msk(3, 16, 23, 30)
    assert weekly_schedule_texts([], now, MSK)[0].startswith(
        "Расписание на первую неделю (10.03-16.03)\n"
    )
    assert weekly_schedule_texts([], now, offset_zone(2))[0].startswith(
        "Расписание на первую неделю (17.03-23.03)\n"
    )


def test_weekly_schedule_texts_empty_input() -> None:
    texts = weekly_schedule_texts([], NOW, MSK)
    assert len(texts) == 4
    assert texts[1] == EMPTY_WEEK_2
    assert texts[2] == EMPTY_WEEK_3
    for ordinal, text in zip(ORDINALS, texts, strict=True):
        assert text.startswith(f"Расписание на {ordinal} неделю (")
        assert text.endswith("\n\n🟩 Свободно:\n\n—\n\n✅Забронировано\n\n—\n")


def test_weekly_schedule_texts_on_monday_and_sunday() -> None:
    monday = weekly_schedule_texts([], msk(3, 10, 0), MSK)
    sunday = weekly_schedule_texts([], msk(3, 16, 23, 59), MSK)
    assert monday == sunday
    assert [t.split("\n", 1)[0] for t in monday] == [
        "Расписание на первую неделю (10.03-16.03)",
        "Расписание на вторую неделю (17.03-23.03)",
        "Расписание на третью неделю (24.03-30.03)",
        "Расписание на четвёртую неделю (31.03-06.04)",
    ]


def test_weekly_schedule_texts_across_new_year() -> None:
    now = msk(12, 31, 12)
    slots = [free(msk(1, 2, 10, year=2026)), booked(msk(1, 20, 15, year=2026))]
    texts = weekly_schedule_texts(slots, now, MSK)
    assert texts[0] == (
        "Расписание на первую неделю (29.12-04.01)\n\n"
        "🟩 Свободно:\n\n"
        "02.01 Пт: 10:00\n\n"
        "✅Забронировано\n\n"
        "—\n"
    )
    assert texts[3] == (
        "Расписание на четвёртую неделю (19.01-25.01)\n\n"
        "🟩 Свободно:\n\n"
        "—\n\n"
        "✅Забронировано\n\n"
        "20.01 Вт: 15:00\n"
    )


def test_weekly_schedule_texts_repeated_instant_free_wins() -> None:
    # Free is listed whether it comes before or after the booked mark of the same instant.
    slots = [
        free(msk(3, 13, 10)),
        booked(msk(3, 13, 10)),
        booked(msk(3, 13, 11)),
        booked(msk(3, 13, 11)),
        booked(msk(3, 13, 12)),
        free(msk(3, 13, 12)),
    ]
    text = weekly_schedule_texts(slots, NOW, MSK)[0]
    assert "🟩 Свободно:\n\n13.03 Чт: 10:00, 12:00\n\n✅Забронировано\n\n13.03 Чт: 11:00\n" in text


def test_weekly_schedule_texts_accepts_any_iterable_and_zone_of_input() -> None:
    slots = (free(msk(3, 13, h).astimezone(timezone(timedelta(hours=-9)))) for h in (15, 9))
    text = weekly_schedule_texts(slots, NOW.astimezone(UTC), MSK)[0]
    assert "13.03 Чт: 09:00, 15:00\n" in text


def test_weekly_schedule_texts_requires_aware_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        weekly_schedule_texts([], datetime(2025, 3, 12, 10), MSK)  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware"):
        SlotMark(datetime(2025, 3, 12, 10), booked=False)  # noqa: DTZ001


def test_slot_mark_is_frozen() -> None:
    mark = free(NOW)
    with pytest.raises(AttributeError):
        mark.booked = True  # type: ignore[misc]


# --- top free starts --------------------------------------------------------------------------


HEADER = "Топ-3 наиболее свободных слота\n\n"


def test_top_free_starts_order_and_ties() -> None:
    counts = [
        (msk(3, 14, 10), 2),
        (msk(3, 15, 12), 3),
        (msk(3, 13, 18), 3),  # same count, earlier time: ranks first
        (msk(3, 12, 11), 1),
        (msk(3, 12, 12), 0),
        (msk(3, 12, 13), -1),
        (msk(3, 14, 9), 2),  # ties with 14.03 10:00 and wins on time
    ]
    assert top_free_starts_text(counts) == (
        HEADER + "13.03 18:00: 3\n15.03 12:00: 3\n14.03 09:00: 2\n"
    )


def test_top_free_starts_fewer_rows_than_limit() -> None:
    counts = [(msk(3, 13, 9), 1), (msk(3, 13, 8), 1)]
    assert top_free_starts_text(counts) == HEADER + "13.03 08:00: 1\n13.03 09:00: 1\n"


@pytest.mark.parametrize("counts", [[], [(msk(3, 13, 9), 0), (msk(3, 13, 10), -2)]])
def test_top_free_starts_empty(counts: list[tuple[datetime, int]]) -> None:
    assert top_free_starts_text(counts) == HEADER + "—\n"


def test_top_free_starts_in_another_zone_and_limit() -> None:
    counts = [(msk(3, 13, 23), 4), (msk(3, 13, 9), 5)]
    assert top_free_starts_text(counts, offset_zone(2)) == (
        HEADER + "13.03 11:00: 5\n14.03 01:00: 4\n"
    )
    assert top_free_starts_text(counts, limit=1) == (
        "Топ-1 наиболее свободных слота\n\n13.03 09:00: 5\n"
    )


def test_top_free_starts_adds_up_rows_of_one_instant() -> None:
    # One row per psychologist, the same instant given in different zones.
    counts = [
        (msk(3, 13, 9), 1),
        (msk(3, 13, 9).astimezone(UTC), 1),
        (msk(3, 13, 9), 1),
        (msk(3, 13, 8), 2),
    ]
    assert top_free_starts_text(counts) == HEADER + "13.03 09:00: 3\n13.03 08:00: 2\n"


def test_top_free_starts_rejects_bad_limit_and_naive_times() -> None:
    with pytest.raises(ValueError, match="limit"):
        top_free_starts_text([], limit=0)
    with pytest.raises(ValueError, match="aware"):
        top_free_starts_text([(datetime(2025, 3, 13, 9), 1)])  # noqa: DTZ001
