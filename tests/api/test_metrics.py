"""GET /metrics: what a booking, a send, a 429 and a waiting row do to the series, and who may
read them."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.sender import running_sender
from db.models import ScheduledEvent
from domain.timerules import utcnow
from sandbox import BotApiEmulator
from services import Services
from tests.harness.api_callers import Api
from tests.harness.builders import booked, future_slot, make_psychologist
from tests.harness.outbox import FAST, queue_message, wait_until_settled

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(api: Api, **headers: str) -> Samples:
    answer = await api.http.get("/metrics", headers=headers)
    assert answer.status == 200, await answer.text()
    assert answer.content_type == "text/plain"
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(await answer.text())
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((f"hraniteli_{name}", frozenset(labels.items())), 0.0)


async def test_a_booking_and_a_refusal_move_their_counters(api: Api) -> None:
    anna = await make_psychologist("Анна Иванова")
    slot = await future_slot(anna, 72)
    _, me = await api.client()
    _, other = await api.client()

    assert (await api.http.post(f"/api/v1/slots/{slot.id}/hold", headers=me)).status == 200
    booked = await api.http.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=me)
    assert booked.status == 201
    taken = await api.http.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=other)
    assert taken.status == 409
    refusal = (await taken.json())["error"]

    samples = await scrape(api)
    assert value(samples, "holds_total", channel="api", result="held") == 1
    assert value(samples, "bookings_total", channel="api", result="booked") == 1
    assert value(samples, "bookings_total", channel="api", result=refusal) == 1
    # requests by the route's template, never the path with its id
    hold = {"method": "POST", "route": "/api/v1/slots/{id}/hold", "status": "200"}
    assert value(samples, "http_request_duration_seconds_count", **hold) == 1
    assert value(samples, "http_request_duration_seconds_sum", **hold) > 0
    book = {"method": "POST", "route": "/api/v1/appointments"}
    assert value(samples, "http_request_duration_seconds_count", **book, status="201") == 1
    assert value(samples, "http_request_duration_seconds_count", **book, status="409") == 1
    assert not [key for key in samples if f"/slots/{slot.id}" in str(key)]
    # the booking's messages wait in the outbox: no sender runs here
    assert value(samples, "outbox_pending") >= 1


async def test_sends_and_a_429_are_counted_by_result(
    api: Api, services: Services, emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user(4101)
    await queue_message(4101, "first")
    emulator.fail_next("sendMessage", 429, retry_after=1)
    metrics = services.metrics

    async with running_sender(bot, services.signals, rate=100, metrics=metrics, **FAST):
        await emulator.wait_for_sent(4101, 1)
        await wait_until_settled()

    samples = await scrape(api)
    assert value(samples, "messages_sent_total", result="429") == 1
    assert value(samples, "messages_sent_total", result="ok") == 1
    assert value(samples, "outbox_pending") == 0
    assert value(samples, "outbox_oldest_pending_age_seconds") == 0


async def test_the_gauges_show_a_waiting_row_and_a_late_event(api: Api) -> None:
    await queue_message(4102, "late", not_before=utcnow() - timedelta(minutes=5))
    await queue_message(4102, "later", not_before=utcnow() + timedelta(hours=1))  # not due

    samples = await scrape(api)
    assert value(samples, "outbox_pending") == 1
    assert 300 <= value(samples, "outbox_oldest_pending_age_seconds") < 330
    assert value(samples, "due_event_lag_seconds") == 0

    appointment, _, _ = await booked()
    await ScheduledEvent.filter(appointment_id=appointment.id).update(
        due_at=utcnow() + timedelta(hours=1)
    )
    event = await ScheduledEvent.filter(appointment_id=appointment.id).first()
    assert event is not None
    await ScheduledEvent.filter(id=event.id).update(due_at=utcnow() - timedelta(minutes=2))
    samples = await scrape(api)
    assert 120 <= value(samples, "due_event_lag_seconds") < 150


async def test_the_token_or_loopback_opens_the_metrics(api: Api, services: Services) -> None:
    settings = services.settings
    # a caller forwarded by a trusted proxy on loopback is the caller, not loopback
    settings.trusted_proxies = ["127.0.0.1", "::1"]
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    refused = await api.http.get("/metrics", headers=forwarded)
    assert refused.status == 403
    assert (await refused.json())["error"] == "forbidden"
    await scrape(api)  # the proxy itself, on loopback, may read them

    settings.metrics_token = SecretStr("metrics-secret-for-tests")
    for headers in ({}, forwarded, {"Authorization": "Bearer wrong"}):
        answer = await api.http.get("/metrics", headers=headers)
        assert answer.status == 401
        assert (await answer.json())["error"] == "unauthorized"
    samples = await scrape(api, Authorization="Bearer metrics-secret-for-tests", **forwarded)
    refusals = {"method": "GET", "route": "/metrics", "status": "401"}
    assert value(samples, "http_request_duration_seconds_count", **refusals) == 3


async def test_the_metrics_are_in_the_openapi_document(api: Api) -> None:
    document = await (await api.http.get("/api/v1/openapi.json")).json()
    operation = document["paths"]["/metrics"]["get"]
    assert operation["security"] == [{"metrics_token": []}]
    assert set(operation["responses"]) >= {"200", "401", "403"}
    assert list(operation["responses"]["200"]["content"]) == ["text/plain"]
