"""People's zones: the one label rule, a city's zone, the zone of a typed local time (summer
time from the tz database, never a fixed offset)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import InvalidInput
from domain.zones import (
    CITIES,
    when_text,
    zone_label,
    zone_of_answer,
    zone_of_city,
    zone_of_local_time,
)

SUMMER = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
WINTER = datetime(2027, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "ru", "en"),
    [
        ("Europe/Moscow", "МСК", "MSK"),
        ("Europe/Berlin", "Берлин", "Berlin"),
        ("Asia/Jerusalem", "Тель-Авив", "Tel Aviv"),
        ("Asia/Tokyo", "Tokyo", "Tokyo"),  # not a listed city: the key's city part
        ("America/Argentina/Buenos_Aires", "Buenos Aires", "Buenos Aires"),
        ("UTC", "UTC+00:00", "UTC+00:00"),
        ("Etc/GMT-5", "UTC+05:00", "UTC+05:00"),  # POSIX signs: Etc/GMT-5 is UTC+5
        ("Etc/GMT+3", "UTC-03:00", "UTC-03:00"),
    ],
)
def test_the_label_of_a_zone(zone: str, ru: str, en: str) -> None:
    assert (zone_label(zone, "ru"), zone_label(zone, "en")) == (ru, en)


def test_every_listed_city_is_a_known_zone_with_a_russian_name() -> None:
    for city in CITIES:
        assert zone_of_city(city.zone) == city.zone
        assert zone_of_city(zone_label(city.zone, "ru")) == city.zone, city.name


def test_when_text_follows_summer_time() -> None:
    # Noon in Berlin on either side of the end of summer time (31.10.2027).
    assert when_text(datetime(2027, 10, 30, 10, 0, tzinfo=UTC), "Europe/Berlin", "ru") == (
        "30.10 12:00 (Берлин)"
    )
    assert when_text(datetime(2027, 11, 1, 11, 0, tzinfo=UTC), "Europe/Berlin", "en") == (
        "01.11 12:00 (Berlin)"
    )
    assert when_text(datetime(2027, 11, 1, 11, 0, tzinfo=UTC), None, "ru") == "01.11 14:00 (МСК)"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Москва", "Europe/Moscow"),
        ("  санкт-петербург ", "Europe/Moscow"),
        ("Питер", "Europe/Moscow"),
        ("Киев", "Europe/Kyiv"),
        ("kiev", "Europe/Kyiv"),
        ("Тель Авив", "Asia/Jerusalem"),
        ("New York", "America/New_York"),
        ("Asia/Tokyo", "Asia/Tokyo"),
        ("Атлантида", None),
        ("", None),
    ],
)
def test_a_city_by_name(typed: str, zone: str | None) -> None:
    assert zone_of_city(typed) == zone


@pytest.mark.parametrize(
    ("now", "typed", "zone"),
    [
        (SUMMER, "12:00", "Europe/Moscow"),
        (SUMMER, "11:00", "Europe/Berlin"),  # +2 in summer
        (WINTER, "10:00", "Europe/Berlin"),  # +1 in winter
        (SUMMER, "10:00", "Europe/London"),
        (WINTER, "9:00", "Europe/London"),
        (SUMMER, "9:00", "Etc/GMT"),  # no listed city is on UTC in summer
        (SUMMER, "14:30", "Asia/Kolkata"),
        (SUMMER, "14:44", "Asia/Kathmandu"),  # +5:45, a minute off
        (SUMMER, "05:00", "America/New_York"),
        (SUMMER, "02:00", "America/Los_Angeles"),
        (SUMMER, "21:00", "Etc/GMT-12"),  # +12
        (SUMMER, "8.00", "Etc/GMT+1"),
        (datetime(2027, 7, 1, 23, 50, tzinfo=UTC), "02:50", "Europe/Moscow"),  # past midnight
    ],
)
def test_the_zone_of_a_local_time(now: datetime, typed: str, zone: str) -> None:
    assert zone_of_local_time(typed, now) == zone


@pytest.mark.parametrize("typed", ["25:99", "12", "noon", "24:00", "12:60"])
def test_what_is_no_time_of_day_is_refused_naming_timezone(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        zone_of_answer(typed, SUMMER)
    assert refused.value.field == "timezone"
