"""People's time zones: the label a time is shown with, the common cities a person picks their
zone from, and the zone a typed local time points to.

One rule labels every time a person reads (bot, notices, reminders, the booking app): Moscow is
«МСК», a common city's zone is that city's name in the reader's language, any other zone is the
city part of its IANA key. Offsets always come from zoneinfo at the instant shown, so daylight
saving time is the tz database's, never a fixed offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput
from domain.i18n import N_, translate
from domain.timerules import MSK, client_zone, format_slot, known_zones

MSK_LABEL = N_("MSK")


@dataclass(frozen=True, slots=True)
class City:
    name: str  # the message id of the city's name (English), translated for the reader
    zone: str  # its IANA key
    aliases: tuple[str, ...] = ()  # other spellings people type, lower case


# The short list a client picks from, the first FIRST_PAGE of them on the first page of buttons.
CITIES: tuple[City, ...] = (
    City(N_("Moscow"), "Europe/Moscow", ("мск", "msk")),
    City(N_("Saint Petersburg"), "Europe/Moscow", ("спб", "питер", "st petersburg")),
    City(N_("Yekaterinburg"), "Asia/Yekaterinburg", ("екб", "ekaterinburg")),
    City(N_("Novosibirsk"), "Asia/Novosibirsk"),
    City(N_("Berlin"), "Europe/Berlin"),
    City(N_("London"), "Europe/London"),
    City(N_("Kaliningrad"), "Europe/Kaliningrad"),
    City(N_("Samara"), "Europe/Samara"),
    City(N_("Krasnoyarsk"), "Asia/Krasnoyarsk"),
    City(N_("Irkutsk"), "Asia/Irkutsk"),
    City(N_("Vladivostok"), "Asia/Vladivostok"),
    City(N_("Minsk"), "Europe/Minsk"),
    City(N_("Kyiv"), "Europe/Kyiv", ("киев", "kiev")),
    City(N_("Almaty"), "Asia/Almaty", ("алма-ата",)),
    City(N_("Tashkent"), "Asia/Tashkent"),
    City(N_("Tbilisi"), "Asia/Tbilisi"),
    City(N_("Yerevan"), "Asia/Yerevan"),
    City(N_("Baku"), "Asia/Baku"),
    City(N_("Paris"), "Europe/Paris"),
    City(N_("Prague"), "Europe/Prague"),
    City(N_("Warsaw"), "Europe/Warsaw"),
    City(N_("Riga"), "Europe/Riga"),
    City(N_("Vilnius"), "Europe/Vilnius"),
    City(N_("Tallinn"), "Europe/Tallinn", ("таллинн",)),
    City(N_("Helsinki"), "Europe/Helsinki"),
    City(N_("Istanbul"), "Europe/Istanbul"),
    City(N_("Dubai"), "Asia/Dubai"),
    City(N_("Tel Aviv"), "Asia/Jerusalem", ("тель авив", "израиль", "israel")),
    City(N_("Bangkok"), "Asia/Bangkok"),
    City(N_("New York"), "America/New_York", ("нью йорк", "nyc")),
    City(N_("Los Angeles"), "America/Los_Angeles", ("лос анджелес", "la")),
)
FIRST_PAGE = 6

# The city a zone is labelled with: the first of the list that lies in it (Moscow, not Petersburg).
_CITY_OF_ZONE: dict[str, City] = {city.zone: city for city in reversed(CITIES)}

# Zones a typed local time may point to besides the cities': those of offsets no listed city
# has (India's +5:30, Nepal's +5:45, ...). Whole-hour offsets fall back to Etc/GMT zones.
_OFFSET_ZONES = (
    "Asia/Tehran",
    "Asia/Kabul",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Yangon",
    "Australia/Eucla",
    "Australia/Darwin",
    "Australia/Adelaide",
    "Pacific/Chatham",
    "America/St_Johns",
    "Pacific/Marquesas",
)
_LOCAL_TIME = re.compile(r"\s*([01]?\d|2[0-3])\s*[:.\-h ]\s*([0-5]\d)\s*")
_QUARTER = timedelta(minutes=15)


def _zone_key(zone: tzinfo | str) -> str:
    return zone if isinstance(zone, str) else getattr(zone, "key", str(zone))


def zone_label(zone: tzinfo | str, language: str | None) -> str:
    """The label of a zone for a reader: «МСК», a common city's name, or the zone's city part
    ("America/Argentina/Buenos_Aires" -> "Buenos Aires"); a zone without one ("UTC",
    "Etc/GMT-5") shows its offset ("UTC+05:00")."""
    key = _zone_key(zone)
    if key == MSK.key:
        return translate(language, MSK_LABEL)
    city = _CITY_OF_ZONE.get(key)
    if city is not None:
        return translate(language, city.name)
    if "/" in key and not key.startswith("Etc/"):
        return key.rsplit("/", 1)[1].replace("_", " ")
    # Etc zones have one fixed offset: any instant gives it.
    offset = _offset(key, datetime(2000, 1, 1, tzinfo=UTC)) or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def when_text(instant: datetime, zone_name: str | None, language: str | None) -> str:
    """'DD.MM HH:mm (label)' in the reader's zone."""
    zone = client_zone(zone_name)
    return f"{format_slot(instant, zone)} ({zone_label(zone, language)})"


def _offset(key: str, instant: datetime) -> timedelta | None:
    return instant.astimezone(ZoneInfo(key)).utcoffset()


def _folded(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").replace("-", " ").split())


def zone_of_city(text: str) -> str | None:
    """The zone of a city of the list, by its Russian or English name (or a usual other
    spelling), any case; also a zone's IANA key itself. None when it is neither."""
    wanted = _folded(text)
    if not wanted:
        return None
    for city in CITIES:
        names = {city.name, *(translate(language, city.name) for language in ("ru", "en"))}
        if wanted in {_folded(name) for name in names} | set(city.aliases):
            return city.zone
    key = text.strip()
    return key if key in known_zones() else None


def zone_of_local_time(text: str, now: datetime | None = None) -> str:
    """The zone whose clock shows `text` ("HH:MM") at `now`: the offset from UTC rounded to
    15 minutes, then a listed city with that offset now, else another zone that has it.
    InvalidInput naming `timezone` when `text` is no time of day."""
    match = _LOCAL_TIME.fullmatch(text or "")
    if match is None:
        raise InvalidInput(f"{text[:16]!r} is not a time of day (HH:MM)", field="timezone")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    typed = now.replace(hour=int(match.group(1)), minute=int(match.group(2)))
    offset = (typed - now.replace(second=0, microsecond=0)) / _QUARTER
    quarters = round(offset)
    # The typed clock may be on the other side of midnight from UTC: -12:00..+14:00 exist.
    while quarters > 14 * 4:
        quarters -= 24 * 4
    while quarters < -12 * 4:
        quarters += 24 * 4
    wanted = quarters * _QUARTER
    candidates = [city.zone for city in CITIES] + list(_OFFSET_ZONES)
    for key in candidates:
        if _offset(key, now) == wanted:
            return key
    hours, rest = divmod(quarters, 4)
    if rest == 0:
        # Etc/GMT signs are POSIX's, the other way round: Etc/GMT-5 is UTC+5.
        return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"
    for key in sorted(known_zones()):
        if _offset(key, now) == wanted:
            return key
    raise InvalidInput(f"no time zone is {text[:16]!r} now", field="timezone")


def zone_of_answer(text: str, now: datetime | None = None) -> str:
    """The zone a person means by what they typed: a city of the list (or an IANA key), else
    their local time now ("HH:MM"). InvalidInput naming `timezone` when it is neither."""
    return zone_of_city(text) or zone_of_local_time(text, now)
