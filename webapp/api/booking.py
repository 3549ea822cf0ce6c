"""Booking for clients (the bot and the booking mini app) and the managers' changes to
appointments. Every change goes through domain.booking.appointments, which audits and
announces it."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from db.enums import Actor, ClientSource
from domain.booking import appointments, board, client_booking, ownership, series
from domain.booking.availability import available_slots_until
from domain.booking.series import BookedSeries
from domain.entities import Client
from domain.errors import NotFound
from domain.people import clients
from webapp.api.schemas import (
    AppointmentList,
    AppointmentOut,
    BookedOut,
    BookIn,
    CancelIn,
    HoldOut,
    ManualBookIn,
    RescheduleIn,
    SeriesOut,
    SlotList,
    SlotsQuery,
    StatusIn,
    cached_answer,
    json_answer,
    model_answer,
    path_id,
    rendered,
)
from webapp.auth import STAFF, ForbiddenRole, Principal, require_role
from webapp.errors import wire_fields
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import parse_body, parse_query

routes = web.RouteTableDef()
TAGS = ("booking",)
AVAILABLE_DAYS = 28
CLIENT = Actor.CLIENT.value


REGISTER_FIRST = "register first: share your phone number with the bot"


async def own_client(principal: Principal) -> Client:
    client = await clients.by_telegram_id(principal.telegram_id)
    if client is None:
        raise ForbiddenRole(REGISTER_FIRST)
    return client


async def caller_client(request: web.Request) -> tuple[Principal, Client]:
    principal = require_role(request, CLIENT)
    return principal, await own_client(principal)


async def caller_client_id(request: web.Request) -> tuple[Principal, int]:
    """The calling client and the id of their record: all that booking needs of it."""
    principal = require_role(request, CLIENT)
    client_id = await clients.id_by_telegram_id(principal.telegram_id)
    if client_id is None:
        raise ForbiddenRole(REGISTER_FIRST)
    return principal, client_id


async def _answer(appointment_id: int, status: int = 200) -> web.Response:
    with wire_fields(appointment_id="id"):
        card = await board.load(appointment_id)
    return model_answer(AppointmentOut, card, status=status)


async def series_answer(booked: BookedSeries) -> web.Response:
    cards = [await board.load(appointment_id) for appointment_id in booked.appointment_ids]
    answer = {"series_id": booked.series_id, "appointments": cards, "skipped": booked.skipped}
    return model_answer(SeriesOut, answer, status=201)


@routes.get("/api/v1/slots/available")
@documented(
    "Slots that can be taken (free, or held by the caller), by time; by default the next "
    "four weeks, at most the first 92 days asked (a period that ends before it starts has none)",
    query=SlotsQuery,
    responses={200: SlotList},
    tags=TAGS,
    secured=True,
)
async def slots_available(request: web.Request) -> web.Response:
    principal = require_role(request, CLIENT, *STAFF)
    query = parse_query(request, SlotsQuery)
    first, last = board.board_range(query.date_from, query.date_to, days=AVAILABLE_DAYS)
    holder = principal.telegram_id if principal.role == Actor.CLIENT else None

    async def build() -> tuple[object, datetime | None]:
        slots, changes_at = await available_slots_until(
            first,
            last,
            holder_telegram_id=holder,
            psychologist_id=query.psychologist_id,
            service_id=query.service_id,
        )
        return rendered(SlotList, slots), changes_at

    key = ("slots", holder, first, last, query.psychologist_id, query.service_id)
    return await cached_answer(request, key, build)


@routes.post("/api/v1/slots/{id:\\d+}/hold")
@documented(
    "Hold a slot for the caller for five minutes (the caller's previous hold is released)",
    responses={200: HoldOut, 404: "no such slot", 409: "held by another client or booked"},
    tags=TAGS,
    secured=True,
)
async def hold_slot(request: web.Request) -> web.Response:
    _, client_id = await caller_client_id(request)
    metrics = request.config_dict[SERVICES].metrics
    with metrics.outcome(metrics.holds, "api", "held"):
        hold = await appointments.hold_slot(client_id, path_id(request))
    return json_answer({"slot_id": hold.slot_id, "held_until": hold.held_until.isoformat()})


@routes.post("/api/v1/appointments")
@documented(
    "Book a slot (free, or held by the caller); the card lands in the «Новые» column. With "
    "`weeks` (2 to 12) a weekly series: the slot and the psychologist's free slots at the same "
    "local weekday and time for the next weeks-1 weeks, all at once; a week without one is "
    "skipped and named in `skipped`; the answer is then a SeriesOut. A series counts as one "
    "booking against MAX_ACTIVE_BOOKINGS",
    body=BookIn,
    responses={
        201: BookedOut,
        404: "no such slot or service",
        409: "held by another client or booked, or the caller has MAX_ACTIVE_BOOKINGS "
        "upcoming sessions already (error booking_limit, with the limit)",
    },
    tags=TAGS,
    secured=True,
)
async def create_appointment(request: web.Request) -> web.Response:
    principal, client_id = await caller_client_id(request)
    body = await parse_body(request, BookIn)
    services = request.config_dict[SERVICES]
    max_active = services.settings.max_active_bookings
    with services.metrics.outcome(services.metrics.bookings, "api", "booked"):
        if body.weeks is not None:
            booked = await series.book_series(
                client_id,
                body.slot_id,
                body.weeks,
                principal.initiator(),
                service_id=body.service_id,
                require_own_hold=False,
                max_active=max_active,
            )
            return await series_answer(booked)
        booking = await appointments.book_with_card(
            client_id,
            body.slot_id,
            principal.initiator(),
            service_id=body.service_id,
            require_own_hold=False,
            max_active=max_active,
        )
    # the card the booking made: the answer needs no read of what was just written
    return model_answer(AppointmentOut, booking.card, status=201)


@routes.get("/api/v1/appointments/my")
@documented(
    "The caller's appointments, the latest session first",
    responses={200: AppointmentList},
    tags=TAGS,
    secured=True,
)
async def my_appointments(request: web.Request) -> web.Response:
    _, client = await caller_client(request)
    appointments = await board.client_appointments(client.id)
    return model_answer(AppointmentList, appointments)


@routes.patch("/api/v1/appointments/{id:\\d+}/status")
@documented(
    "Move an appointment to another board column; the client is told",
    body=StatusIn,
    responses={
        200: AppointmentOut,
        404: "no such appointment",
        409: "the move is not allowed; the answer names the allowed targets",
    },
    tags=("board",),
    secured=True,
)
async def change_status(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    body = await parse_body(request, StatusIn)
    appointment = await appointments.change_status(
        path_id(request), body.status, principal.initiator(), reason=body.reason
    )
    return await _answer(appointment.id)


@routes.post("/api/v1/appointments/{id:\\d+}/cancel")
@documented(
    "Cancel an appointment: its slot is free again and both sides are told. A client cancels "
    "its own (another client's is a 404, as a missing one); within LATE_CANCEL_HOURS (24 by "
    "default) of the start, or at that very mark, it counts as a late cancel (`late_cancel`), "
    "and once the session has begun it is refused (409 session_begun, field starts_at). "
    "Managers and admins cancel any, at any time, never as a late cancel; psychologists ask "
    "a manager",
    body=CancelIn,
    responses={
        200: AppointmentOut,
        403: "a psychologist, or a client not registered",
        404: "no such appointment among the caller's",
        409: "already cancelled or over (illegal_transition), or the session has begun for a "
        "client (session_begun)",
    },
    tags=TAGS,
    secured=True,
)
async def cancel_appointment(request: web.Request) -> web.Response:
    principal = require_role(request, CLIENT, *STAFF)
    appointment_id = path_id(request)
    body = await parse_body(request, CancelIn)
    with wire_fields(appointment_id="id"):
        if principal.role == Actor.CLIENT:
            await client_booking.cancel_own(
                (await own_client(principal)).id,
                appointment_id,
                principal.initiator(),
                reason=body.reason,
                late_cancel_hours=request.config_dict[SERVICES].settings.late_cancel_hours,
            )
        else:
            await appointments.cancel(appointment_id, principal.initiator(), reason=body.reason)
    return await _answer(appointment_id)


@routes.patch("/api/v1/appointments/{id:\\d+}/reschedule")
@documented(
    "Move an appointment to another slot (managers, or the client for its own); to the slot "
    "it is in: nothing changes",
    body=RescheduleIn,
    responses={
        200: AppointmentOut,
        404: "no such appointment (among the caller's, for a client) or slot",
        409: "the slot is taken, or the appointment is over",
    },
    tags=("board",),
    secured=True,
)
async def reschedule(request: web.Request) -> web.Response:
    principal = require_role(request, CLIENT, *STAFF)
    appointment_id = path_id(request)
    body = await parse_body(request, RescheduleIn)
    with wire_fields(appointment_id="id"):
        if principal.role == Actor.CLIENT:
            client = await own_client(principal)
            if not await ownership.owns(client.id, appointment_id):
                # the same answer as a missing one: another's appointment is not revealed
                raise NotFound("appointment not found", field="appointment_id")
        appointment = await appointments.reschedule(
            appointment_id, body.slot_id, principal.initiator()
        )
    return await _answer(appointment.id)


@routes.post("/api/v1/appointments/manual")
@documented(
    "Book for a caller on the phone (managers): the client is found by phone or registered",
    body=ManualBookIn,
    responses={
        201: AppointmentOut,
        404: "no such slot or service",
        409: "held by another client or booked",
    },
    tags=("board",),
    secured=True,
)
async def manual_appointment(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    body = await parse_body(request, ManualBookIn)
    client = await clients.by_staff_phone(body.phone, name=body.name, source=ClientSource.MANUAL)
    metrics = request.config_dict[SERVICES].metrics
    with metrics.outcome(metrics.bookings, "api", "booked"):
        booking = await appointments.book_with_card(
            client.id,
            body.slot_id,
            principal.initiator(),
            service_id=body.service_id,
            require_own_hold=False,
        )
    return model_answer(AppointmentOut, booking.card, status=201)
