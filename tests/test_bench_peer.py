"""bench/peer.py reads both sides' answers and drives wrk over the URLs it builds: what it
takes for slots, and which URLs it asks."""

import json
from datetime import date, datetime

import pytest

from bench.peer import (
    our_paths,
    our_slot_starts,
    rotating_script,
    their_paths,
    their_slot_starts,
)
from domain.timerules import MSK


def test_our_slot_starts_are_read_in_moscow_time() -> None:
    body = json.dumps(
        [{"id": 1, "psychologist_id": 2, "psychologist": "P", "starts_at": "2026-12-08T06:00:00Z",
          "duration_min": 60}]
    ).encode()  # fmt: skip
    assert our_slot_starts(body) == [datetime(2026, 12, 8, 9, tzinfo=MSK)]


def test_their_slot_starts_come_from_available_slots() -> None:
    body = json.dumps(
        {"message": "", "success": True, "date_iso": "2026-12-08",
         "available_slots": [["2026-12-08T09:00:00", "9 a.m."],
                             ["2026-12-08T10:00:00", "10 a.m."]]}
    ).encode()  # fmt: skip
    assert their_slot_starts(body) == [datetime(2026, 12, 8, 9), datetime(2026, 12, 8, 10)]  # noqa: DTZ001


def test_their_error_answered_with_a_200_has_no_slots() -> None:
    body = json.dumps(
        {"message": "Day off. Please select another date!", "success": False, "errorCode": 4,
         "available_slots": [], "no_availability": True}
    ).encode()  # fmt: skip
    assert their_slot_starts(body) == []


def test_each_side_asks_every_psychologist_on_every_day() -> None:
    days = [date(2026, 12, 8), date(2026, 12, 9)]
    ours = our_paths([5, 6], days)
    theirs = their_paths([15, 16], 3, days)
    assert len(ours) == len(theirs) == 4
    assert ours["/api/v1/slots/available?psychologist_id=6&date_from=2026-12-09"
                "&date_to=2026-12-09"] == days[1]  # fmt: skip
    assert theirs["/appointment/ajax/available_slots/?selected_date=2026-12-08&staff_member=15"
                  "&service_id=3"] == days[0]  # fmt: skip


def test_the_wrk_script_lists_each_path_once_in_order() -> None:
    paths = ["/a?x=1&y=2", "/b", "/c"]
    script = rotating_script(paths)
    assert [script.index(f'"{p}"') for p in paths] == sorted(script.index(f'"{p}"') for p in paths)
    assert all(script.count(f'"{p}"') == 1 for p in paths)


@pytest.mark.parametrize("path", ['/a"b', "/a\\b", "/a\nb"])
def test_the_wrk_script_refuses_what_would_break_a_lua_string(path: str) -> None:
    with pytest.raises(ValueError, match="not a plain path"):
        rotating_script(["/ok", path])
