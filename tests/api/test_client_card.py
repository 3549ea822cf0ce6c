"""The client card over HTTP: a client's sessions newest first, late cancels and no-shows
counted, reviews, staff notes (saved, newest first, audited); the search by name or phone;
the client's zone in the appointment JSON; nobody but staff gets in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.enums import Actor, AppointmentStatus, ReviewAuthor
from db.models import Appointment, AuditLog
from domain.audit import Initiator
from domain.booking import appointments, reviews
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot, make_client, make_psychologist

MANAGER = Initiator(Actor.MANAGER, ref="7001", source="test")


async def book(client_id: int, hours_ahead: float, psychologist_name: str) -> Appointment:
    psychologist = await make_psychologist(name=psychologist_name)
    slot = await future_slot(psychologist, hours_ahead=hours_ahead)
    return await appointments.book(client_id, slot.id, MANAGER, require_own_hold=False)


async def test_the_card_shows_sessions_counts_reviews_and_notes_newest_first(api: Api) -> None:
    headers = await api.manager()
    vera = await make_client(
        name="Вера Ланская", phone="+79161234567", phone_verified=True, timezone="Europe/Berlin"
    )
    earliest = await book(vera.id, 30, "Анна Смирнова")
    middle = await book(vera.id, 60, "Олег Петров")
    latest = await book(vera.id, 90, "Ирина Котова")
    # the manager marks the no-show once the session's hour has come
    after_start = earliest.starts_at + timedelta(minutes=30)
    await appointments.change_status(
        earliest.id, AppointmentStatus.NO_SHOW, MANAGER, now=after_start
    )
    await reviews.save_review(
        earliest.id, ReviewAuthor.PSYCHOLOGIST, MANAGER, rating=3, text="Не пришла"
    )
    # a client's cancel close to the start, as the cancel route records it
    await Appointment.filter(id=middle.id).update(
        status=AppointmentStatus.CANCELLED, late_cancel=True, cancel_reason="Заболела"
    )
    for text in ("Первая заметка", "Вторая заметка"):
        answer = await api.http.post(
            f"/api/v1/clients/{vera.id}/notes", json={"text": text}, headers=headers
        )
        assert answer.status == 201, await answer.text()

    answer = await api.http.get(f"/api/v1/clients/{vera.id}/card", headers=headers)
    assert answer.status == 200, await answer.text()
    card = await answer.json()
    client = card["client"]
    assert (client["name"], client["phone"], client["phone_verified"]) == (
        "Вера Ланская",
        "+79161234567",
        True,
    )
    assert (client["timezone"], client["unreachable"]) == ("Europe/Berlin", False)
    sessions = card["appointments"]
    assert [s["id"] for s in sessions] == [latest.id, middle.id, earliest.id]
    assert [s["status"] for s in sessions] == ["new", "cancelled", "no_show"]
    assert [s["late_cancel"] for s in sessions] == [False, True, False]
    assert sessions[1]["cancel_reason"] == "Заболела"
    assert sessions[2]["psychologist"]["name"] == "Анна Смирнова"
    assert (card["late_cancellations"], card["no_shows"]) == (1, 1)
    assert [(r["appointment_id"], r["author"], r["rating"]) for r in card["reviews"]] == [
        (earliest.id, "psychologist", 3)
    ]
    assert [note["text"] for note in card["notes"]] == ["Вторая заметка", "Первая заметка"]


async def test_a_note_is_trimmed_signed_and_audited(api: Api) -> None:
    headers = await api.manager(7301)
    client = await make_client()
    answer = await api.http.post(
        f"/api/v1/clients/{client.id}/notes",
        json={"text": "  Просила звонить после 18:00  "},
        headers=headers,
    )
    assert answer.status == 201, await answer.text()
    note = await answer.json()
    assert note["text"] == "Просила звонить после 18:00"
    assert note["author"] == "manager"  # the manager's row has no name
    assert set(note) == {"id", "text", "author", "created_at"}
    audited = await AuditLog.get(entity="client", entity_id=client.id)
    assert (audited.action, audited.actor_ref, audited.data) == (
        "client.note_added",
        "7301",
        {"note_id": note["id"]},
    )


@pytest.mark.parametrize("text", ["", "   ", "\x1c\x1d", "я" * 4001])
async def test_a_note_empty_or_too_long_is_refused_naming_text(api: Api, text: str) -> None:
    client = await make_client()
    answer = await api.http.post(
        f"/api/v1/clients/{client.id}/notes", json={"text": text}, headers=await api.manager()
    )
    assert answer.status == 400
    assert (await answer.json())["field"] == "text"


async def test_an_unknown_client_is_a_404(api: Api) -> None:
    headers = await api.manager()
    card = await api.http.get("/api/v1/clients/999999/card", headers=headers)
    note = await api.http.post(
        "/api/v1/clients/999999/notes", json={"text": "Кто это?"}, headers=headers
    )
    assert (card.status, note.status) == (404, 404)


async def test_only_staff_read_the_card_and_write_notes(api: Api) -> None:
    client, own = await api.client()
    psychologist = await api.signed_in(Actor.PSYCHOLOGIST, 8801)
    card = f"/api/v1/clients/{client.id}/card"
    notes = f"/api/v1/clients/{client.id}/notes"
    for headers, status in ((own, 403), (psychologist, 403), ({}, 401)):
        assert (await api.http.get(card, headers=headers)).status == status
        written = await api.http.post(notes, json={"text": "Моя заметка"}, headers=headers)
        assert written.status == status
        found = await api.http.get("/api/v1/clients", params={"query": "Кли"}, headers=headers)
        assert found.status == status
    admin = await api.signed_in(Actor.ADMIN, 8802)
    assert (await api.http.get(card, headers=admin)).status == 200


async def test_the_search_finds_by_a_part_of_the_name_or_the_phone_in_any_writing(
    api: Api,
) -> None:
    headers = await api.manager()
    maria = await make_client(name="Мария Иванова", phone="+79161234567")
    ivan = await make_client(name="Иван Петров", phone="+79031112233")
    await make_client(name="Ольга", phone="+79265554433")

    async def found(query: str) -> list[int]:
        answer = await api.http.get("/api/v1/clients", params={"query": query}, headers=headers)
        assert answer.status == 200, await answer.text()
        return [client["id"] for client in await answer.json()]

    assert await found("иванов") == [maria.id]
    assert await found("ИВАН") == [ivan.id, maria.id]
    assert await found("8 (916) 123-45-67") == [maria.id]
    assert await found("916 123") == [maria.id]
    assert await found("+7 903 111") == [ivan.id]
    assert await found("Никого") == []
    short = await api.http.get("/api/v1/clients", params={"query": "М"}, headers=headers)
    assert short.status == 400
    assert (await short.json())["field"] == "query"


async def test_the_appointment_json_carries_the_clients_zone(api: Api) -> None:
    client, own = await api.client(timezone="Asia/Yekaterinburg")
    await book(client.id, 40, "Анна Смирнова")
    answer = await api.http.get("/api/v1/appointments/my", headers=own)
    assert [item["client"]["timezone"] for item in await answer.json()] == ["Asia/Yekaterinburg"]
    board = await api.http.get("/api/v1/dashboard/board", headers=await api.manager())
    cards = (await board.json())["columns"]["new"]
    assert [card["client"]["timezone"] for card in cards] == ["Asia/Yekaterinburg"]
