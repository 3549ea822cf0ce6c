"""Clients find, hold and book slots; managers move cards, reschedule and book by phone."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.enums import Actor, AppointmentStatus, ClientSource, SlotStatus
from db.models import Appointment, AuditLog, Client, Outbox, Service, Slot
from domain.timerules import MSK, utcnow
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot, make_psychologist


def _day(instant: datetime) -> str:
    return instant.astimezone(MSK).date().isoformat()


async def test_available_slots_hide_what_others_hold_and_filter(api: Api) -> None:
    anna = await make_psychologist("Анна Иванова")
    boris = await make_psychologist("Борис Смирнов")
    free = await future_slot(anna, 72)
    mine = await future_slot(anna, 74)
    theirs = await future_slot(anna, 76)
    expired = await future_slot(boris, 78, duration_min=90)
    await future_slot(boris, 80, status=SlotStatus.BOOKED)
    await future_slot(anna, -2)  # begun
    me, headers = await api.client()
    other, _ = await api.client()
    now = utcnow()
    await Slot.filter(id=mine.id).update(
        status=SlotStatus.HELD, held_by_id=me.id, held_until=now + timedelta(minutes=3)
    )
    await Slot.filter(id=theirs.id).update(
        status=SlotStatus.HELD, held_by_id=other.id, held_until=now + timedelta(minutes=3)
    )
    await Slot.filter(id=expired.id).update(
        status=SlotStatus.HELD, held_by_id=None, held_until=now - timedelta(minutes=1)
    )

    answer = await api.http.get("/api/v1/slots/available", headers=headers)
    assert answer.status == 200
    slots = await answer.json()
    assert [slot["id"] for slot in slots] == [free.id, mine.id, expired.id]
    assert slots[0] == {
        "id": free.id,
        "psychologist_id": anna.id,
        "psychologist": "Анна Иванова",
        "starts_at": free.starts_at.isoformat(),
        "duration_min": 60,
    }
    one = await api.http.get(
        "/api/v1/slots/available", params={"psychologist_id": boris.id}, headers=headers
    )
    assert [slot["id"] for slot in await one.json()] == [expired.id]
    long_service = await Service.create(name="Долгая", duration_min=90)
    fits = await api.http.get(
        "/api/v1/slots/available", params={"service_id": long_service.id}, headers=headers
    )
    assert [slot["id"] for slot in await fits.json()] == [expired.id]
    day = _day(free.starts_at)
    that_day = await api.http.get(
        "/api/v1/slots/available", params={"date_from": day, "date_to": day}, headers=headers
    )
    assert free.id in [slot["id"] for slot in await that_day.json()]
    none = await api.http.get(
        "/api/v1/slots/available",
        params={"date_from": "2020-01-01", "date_to": "2020-01-31"},
        headers=headers,
    )
    assert await none.json() == []


async def test_available_slots_refuse_bad_filters(api: Api) -> None:
    _, headers = await api.client()
    for params, field in [
        ({"date_from": "24.11.2026"}, "date_from"),
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"psychologist_id": "x"}, "psychologist_id"),
        ({"psychologist_id": "0"}, "psychologist_id"),
        ({"colour": "red"}, "colour"),
    ]:
        answer = await api.http.get("/api/v1/slots/available", params=params, headers=headers)
        refusal = await answer.json()
        assert answer.status == 400, (params, refusal)
        assert refusal["field"] == field
    # A period that ends before it starts has no days; a long one is answered for its first
    # MAX_RANGE_DAYS days (no schema can compare two dates, so neither is refused).
    for params in (
        {"date_from": "2026-12-10", "date_to": "2026-12-01"},
        {"date_from": "2026-01-01", "date_to": "2026-12-31"},
    ):
        answer = await api.http.get("/api/v1/slots/available", params=params, headers=headers)
        assert (answer.status, await answer.json()) == (200, [])


async def test_client_holds_then_books_and_sees_it(api: Api) -> None:
    slot = await future_slot(hours_ahead=72)
    service = await Service.create(name="Консультация", price=2500, duration_min=50)
    me, headers = await api.client(phone="+79160000001")

    held = await api.http.post(f"/api/v1/slots/{slot.id}/hold", headers=headers)
    assert held.status == 200
    hold = await held.json()
    assert hold["slot_id"] == slot.id
    assert datetime.fromisoformat(hold["held_until"]) > utcnow() + timedelta(minutes=4)

    booked = await api.http.post(
        "/api/v1/appointments",
        json={"slot_id": slot.id, "service_id": service.id},
        headers=headers,
    )
    assert booked.status == 201
    appointment = await booked.json()
    assert appointment["status"] == "new"
    assert appointment["starts_at"] == slot.starts_at.isoformat()
    assert appointment["client"] == {
        "id": me.id,
        "name": me.name,
        "phone": "+79160000001",
        "telegram_id": me.telegram_id,
        "unreachable": False,
        "timezone": "Europe/Moscow",
    }
    assert appointment["service"]["name"] == "Консультация"
    assert (appointment["price"], appointment["created_by"]) == (2500, "client")
    assert appointment["allowed_statuses"] == ["confirmed", "completed", "cancelled", "no_show"]

    mine = await (await api.http.get("/api/v1/appointments/my", headers=headers)).json()
    assert [row["id"] for row in mine] == [appointment["id"]]
    audit = await AuditLog.get(entity="appointment", entity_id=appointment["id"])
    assert (audit.actor, audit.actor_ref) == (Actor.CLIENT, str(me.telegram_id))


async def test_booking_a_free_slot_directly_and_refusals(api: Api) -> None:
    slot = await future_slot(hours_ahead=72)
    _, headers = await api.client()
    _, other = await api.client()

    direct = await api.http.post(
        "/api/v1/appointments", json={"slot_id": slot.id}, headers=headers
    )
    assert direct.status == 201

    taken = await api.http.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=other)
    assert (taken.status, (await taken.json())["error"]) == (409, "slot_booked")
    hold_taken = await api.http.post(f"/api/v1/slots/{slot.id}/hold", headers=other)
    assert hold_taken.status == 409

    second = await future_slot(hours_ahead=90)
    await api.http.post(f"/api/v1/slots/{second.id}/hold", headers=headers)
    held_by_other = await api.http.post(
        "/api/v1/appointments", json={"slot_id": second.id}, headers=other
    )
    refusal = await held_by_other.json()
    assert (held_by_other.status, refusal["error"]) == (409, "slot_held")
    assert refusal["held_until"]

    for body, status, field in [
        ({"slot_id": 999999}, 404, "slot_id"),
        ({"slot_id": "one"}, 400, "slot_id"),
        ({}, 400, "slot_id"),
        ({"slot_id": second.id, "service_id": 0}, 400, "service_id"),
    ]:
        answer = await api.http.post("/api/v1/appointments", json=body, headers=other)
        assert (answer.status, (await answer.json())["field"]) == (status, field)
    missing = await api.http.post("/api/v1/slots/999999/hold", headers=other)
    assert missing.status == 404
    past = await future_slot(hours_ahead=-1)
    began = await api.http.post(f"/api/v1/slots/{past.id}/hold", headers=other)
    assert (began.status, (await began.json())["error"]) == (409, "slot_in_past")
    assert await Appointment.all().count() == 1


async def _booked(api: Api, hours_ahead: float = 72) -> tuple[int, Client, dict[str, str]]:
    slot = await future_slot(hours_ahead=hours_ahead)
    client, headers = await api.client()
    answer = await api.http.post(
        "/api/v1/appointments", json={"slot_id": slot.id}, headers=headers
    )
    return (await answer.json())["id"], client, headers


async def test_manager_moves_a_card_and_the_client_is_told(api: Api) -> None:
    appointment_id, client, _ = await _booked(api)
    manager = await api.manager(7002)
    before = await Outbox.filter(chat_id=client.telegram_id).count()

    confirmed = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/status",
        json={"status": "confirmed"},
        headers=manager,
    )
    assert confirmed.status == 200
    assert (await confirmed.json())["confirmed"] is True
    cancelled = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/status",
        json={"status": "cancelled", "reason": "клиент заболел"},
        headers=manager,
    )
    assert (await cancelled.json())["status"] == "cancelled"
    assert await Outbox.filter(chat_id=client.telegram_id).count() > before

    illegal = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/status",
        json={"status": "completed"},
        headers=manager,
    )
    refusal = await illegal.json()
    assert illegal.status == 409
    assert (refusal["error"], refusal["allowed"]) == ("illegal_transition", [])
    actions = await AuditLog.filter(entity_id=appointment_id, actor=Actor.MANAGER).values_list(
        "action", "actor_ref"
    )
    assert sorted(actions) == [
        ("appointment.cancelled", "7002"),
        ("appointment.confirmed", "7002"),
    ]


async def test_status_refusals(api: Api) -> None:
    appointment_id, _, _ = await _booked(api)
    manager = await api.manager()
    too_early = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/status",
        json={"status": "completed"},
        headers=manager,
    )
    assert too_early.status == 409
    for path, body, status, field in [
        (f"/api/v1/appointments/{appointment_id}/status", {"status": "done"}, 400, "status"),
        (f"/api/v1/appointments/{appointment_id}/status", {}, 400, "status"),
        ("/api/v1/appointments/999999/status", {"status": "confirmed"}, 404, "appointment_id"),
    ]:
        answer = await api.http.patch(path, json=body, headers=manager)
        assert (answer.status, (await answer.json())["field"]) == (status, field)
    not_numeric = await api.http.patch("/api/v1/appointments/abc/status", json={}, headers=manager)
    assert not_numeric.status == 404


async def test_reschedule_by_manager_and_by_the_client_for_its_own(api: Api) -> None:
    appointment_id, _client, headers = await _booked(api)
    first_move, second_move = (
        await future_slot(hours_ahead=100),
        await future_slot(hours_ahead=120),
    )
    manager = await api.manager()

    moved = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/reschedule",
        json={"slot_id": first_move.id},
        headers=manager,
    )
    assert moved.status == 200
    assert (await moved.json())["starts_at"] == first_move.starts_at.isoformat()
    by_client = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/reschedule",
        json={"slot_id": second_move.id},
        headers=headers,
    )
    assert (await by_client.json())["starts_at"] == second_move.starts_at.isoformat()
    assert (await Slot.get(id=first_move.id)).status == SlotStatus.FREE

    _, stranger = await api.client()
    foreign = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/reschedule",
        json={"slot_id": first_move.id},
        headers=stranger,
    )
    missing = await api.http.patch(
        "/api/v1/appointments/999999/reschedule",
        json={"slot_id": first_move.id},
        headers=stranger,
    )
    # another client's appointment is answered as a missing one: its existence is not told
    assert foreign.status == missing.status == 404
    assert await foreign.json() == await missing.json()
    assert (await foreign.json())["field"] == "id"
    same = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/reschedule",
        json={"slot_id": second_move.id},
        headers=manager,
    )
    # already there: nothing to do, the appointment as it is
    assert (same.status, (await same.json())["id"]) == (200, appointment_id)
    bad = await api.http.patch(
        f"/api/v1/appointments/{appointment_id}/reschedule", json={"slot": 1}, headers=manager
    )
    assert bad.status == 400


async def test_manual_booking_finds_or_creates_the_client_by_phone(api: Api) -> None:
    manager = await api.manager(7003)
    known = await Client.create(phone="+79161112233", name="Ольга", telegram_id=321)
    first, second, third = [await future_slot(hours_ahead=h) for h in (72, 74, 76)]

    for slot, phone, name in [
        (first, "8 916 111-22-33", "Ольга К."),
        (second, "+7 (903) 555-44-33", "Пётр"),
        (third, "89035554433", "Пётр"),
    ]:
        answer = await api.http.post(
            "/api/v1/appointments/manual",
            json={"phone": phone, "name": name, "slot_id": slot.id},
            headers=manager,
        )
        assert answer.status == 201, await answer.json()
        assert (await answer.json())["created_by"] == "manager"

    rows = await Appointment.all().order_by("id").values_list("client_id", flat=True)
    peter = await Client.get(phone="+79035554433")
    assert rows == [known.id, peter.id, peter.id]
    assert (peter.source, peter.telegram_id) == (ClientSource.MANUAL, None)
    # libphonenumber would read past a trailing "*" or an extension: refused, not shortened
    for typed in ("555", "89035554433 *", "+7 903 555-44-33 ext. 5"):
        bad_phone = await api.http.post(
            "/api/v1/appointments/manual",
            json={"phone": typed, "name": "X", "slot_id": 1},
            headers=manager,
        )
        assert (bad_phone.status, (await bad_phone.json())["field"]) == (400, "phone"), typed
    no_name = await api.http.post(
        "/api/v1/appointments/manual",
        json={"phone": "+79035554433", "slot_id": 1},
        headers=manager,
    )
    assert (no_name.status, (await no_name.json())["field"]) == (400, "name")


async def test_board_columns_and_filters(api: Api) -> None:
    manager = await api.manager()
    north = await api.http.post("/api/v1/branches", json={"name": "Север"}, headers=manager)
    service = await Service.create(name="Пара", branch_id=(await north.json())["id"])
    anna = await make_psychologist("Анна Иванова")
    slots = [await future_slot(anna, hours) for hours in (30, 50, 70)]
    other_slot = await future_slot(hours_ahead=80)
    ids = []
    for slot in [*slots, other_slot]:
        _, headers = await api.client()
        body = {"slot_id": slot.id, "service_id": service.id if slot is slots[0] else None}
        answer = await api.http.post(
            "/api/v1/appointments", json={k: v for k, v in body.items() if v}, headers=headers
        )
        ids.append((await answer.json())["id"])
    await api.http.patch(
        f"/api/v1/appointments/{ids[1]}/status", json={"status": "cancelled"}, headers=manager
    )
    await Appointment.filter(id=ids[2]).update(status=AppointmentStatus.CONFIRMED)

    answer = await api.http.get("/api/v1/dashboard/board", headers=manager)
    assert answer.status == 200
    columns = (await answer.json())["columns"]
    assert {name: [card["id"] for card in cards] for name, cards in columns.items()} == {
        "new": [ids[0], ids[3]],
        "confirmed": [ids[2]],
        "completed": [],
        "cancelled": [ids[1]],
        "no_show": [],
    }
    card = columns["new"][0]
    assert set(card) >= {
        "id",
        "status",
        "starts_at",
        "client",
        "psychologist",
        "service",
        "meeting_link",
        "confirmed",
        "created_by",
    }
    assert card["psychologist"] == {"id": anna.id, "name": "Анна Иванова"}

    async def ids_for(**params: object) -> list[int]:
        got = await api.http.get("/api/v1/dashboard/board", params=params, headers=manager)
        return sorted(c["id"] for cards in (await got.json())["columns"].values() for c in cards)

    assert await ids_for(branch_id=service.branch_id) == [ids[0]]
    assert await ids_for(psychologist_id=anna.id) == ids[:3]
    day = _day(slots[0].starts_at)
    assert ids[0] in await ids_for(date_from=day, date_to=day)
    for params, field in [({"date_from": "x"}, "date_from"), ({"branch_id": -1}, "branch_id")]:
        bad = await api.http.get("/api/v1/dashboard/board", params=params, headers=manager)
        assert (bad.status, (await bad.json())["field"]) == (400, field)
