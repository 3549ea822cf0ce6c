"""The waitlist over HTTP: join with a place in line, one's entries with their places and an
open offer, leave, another's entry is missing, the staff's queue; malformed input is a 400 and
a window nobody can wait in a 409, each naming the field."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from domain.booking import waitlist_offers
from domain.timerules import MSK, utcnow
from tests.harness.api_callers import Api
from tests.harness.builders import make_psychologist

WAITLIST = "/api/v1/waitlist"


def _days(offset: int) -> str:
    return (utcnow().astimezone(MSK).date() + timedelta(days=offset)).isoformat()


async def test_join_see_the_place_and_the_offer_then_leave(api: Api) -> None:
    psychologist = await make_psychologist()
    _, first = await api.client()
    _, second = await api.client()
    window = {
        "psychologist_id": psychologist.id,
        "date_from": _days(0),
        "date_to": _days(14),
        "time_from": "09:00",
        "time_to": "21:00",
    }

    joined = [await api.http.post(WAITLIST, json=window, headers=who) for who in (first, second)]

    assert [answer.status for answer in joined] == [201, 201]
    first_entry, second_entry = [await answer.json() for answer in joined]
    assert (first_entry["position"], second_entry["position"]) == (1, 2)
    mine = await (await api.http.get(f"{WAITLIST}/my", headers=second)).json()
    (entry,) = mine["entries"]
    assert (entry["id"], entry["position"], entry["state"]) == (second_entry["id"], 2, "waiting")
    assert (entry["time_from"], entry["time_to"], entry["offer"]) == ("09:00", "21:00", None)

    # A time frees: the first in line is offered it, the second keeps its place.
    day_after_tomorrow = utcnow().astimezone(MSK).date() + timedelta(days=2)
    noon = datetime.combine(day_after_tomorrow, time(12), tzinfo=MSK)
    slot = await psychologist.slots.create(starts_at=noon)
    await waitlist_offers.run_pass(15)
    answer = await (await api.http.get(f"{WAITLIST}/my", headers=first)).json()
    (offered,) = answer["entries"]
    assert (offered["state"], offered["position"]) == ("offered", 1)
    assert offered["offer"]["slot_id"] == slot.id
    assert datetime.fromisoformat(offered["offer"]["starts_at"]) == noon

    manager = await api.manager()
    line = await (await api.http.get(WAITLIST, headers=manager)).json()
    assert [row["id"] for row in line["entries"]] == [first_entry["id"], second_entry["id"]]
    assert [row["position"] for row in line["entries"]] == [1, 2]
    assert line["entries"][0]["psychologist"] == psychologist.name
    staff_refused = await api.http.get(WAITLIST, headers=second)
    assert staff_refused.status == 403

    others = await api.http.delete(f"{WAITLIST}/{first_entry['id']}", headers=second)
    assert others.status == 404
    left = await api.http.delete(f"{WAITLIST}/{first_entry['id']}", headers=first)
    assert left.status == 204
    assert (await (await api.http.get(f"{WAITLIST}/my", headers=first)).json()) == {"entries": []}
    line = await (await api.http.get(WAITLIST, headers=manager)).json()
    assert [(row["id"], row["position"]) for row in line["entries"]] == [(second_entry["id"], 1)]


async def test_bad_windows_are_refused_naming_the_field(api: Api) -> None:
    _, client = await api.client()
    malformed = {
        "date_from": {"date_from": "07.12.2026", "date_to": _days(1)},
        "date_to": {"date_from": _days(0)},
        "weekdays": {"date_from": _days(0), "date_to": _days(1), "weekdays": [7]},
        "time_from": {"date_from": _days(0), "date_to": _days(1), "time_from": "25:00"},
        "psychologist_id": {"date_from": _days(0), "date_to": _days(1), "psychologist_id": 0},
    }
    for field, body in malformed.items():
        answer = await api.http.post(WAITLIST, json=body, headers=client)
        assert answer.status == 400, field
        assert (await answer.json())["field"].split(".")[0] == field
    # Well-formed fields that make a window nobody can wait in: a conflict, the field named.
    refused = {
        "date_from": {"date_from": _days(-1), "date_to": _days(1)},
        "date_to": {"date_from": _days(3), "date_to": _days(1)},
        "time_to": {
            "date_from": _days(0),
            "date_to": _days(1),
            "time_from": "18:00",
            "time_to": "09:00",
        },
    }
    too_far = {"date_from": _days(0), "date_to": _days(120)}
    for field, body in [*refused.items(), ("date_to", too_far)]:
        answer = await api.http.post(WAITLIST, json=body, headers=client)
        refusal = await answer.json()
        assert (answer.status, refusal["error"], refusal["field"]) == (
            409,
            "window_refused",
            field,
        )
    missing = await api.http.post(
        WAITLIST,
        json={"date_from": _days(0), "date_to": _days(1), "psychologist_id": 999_999},
        headers=client,
    )
    assert missing.status == 404
