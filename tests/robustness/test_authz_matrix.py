"""Every route x every kind of caller: exactly the expected status, and every refusal is JSON
with a reason. A route without an entry here fails the test, so new routes get one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from tests.harness.api_callers import Api
from tests.harness.worlds import OTHER_SECRET, ROLES, World

WRONG_SECRET = "not-anybodys-schedule-secret"
WEBSOCKET = ("GET", "/api/v1/dashboard/updates")


@dataclass(frozen=True)
class Call:
    """How a route is called; `{name}` in texts is filled from the World, `{secret}` with the
    caller's schedule secret (the other psychologist's for `other_secret`, else a wrong one)."""

    expected: dict[str, int]
    json: Any = None
    params: dict[str, str] = field(default_factory=dict)
    path: str = ""  # the concrete path when the route has parameters


def statuses(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in ROLES}


def editor(psychologist: int, other_secret: int) -> dict[str, int]:
    """The schedule editor: psychologists only, by JWT or by schedule secret."""
    return statuses(
        401,
        client=403,
        other_client=403,
        manager=403,
        admin=403,
        psychologist=psychologist,
        other_secret=other_secret,
    )


PUBLIC = statuses(200)
STAFF_ONLY = dict(statuses(403, anonymous=401, other_secret=401, integration=401))
INTEGRATION_ONLY = statuses(401, integration=200)

MATRIX: dict[tuple[str, str], Call] = {
    ("GET", "/healthz"): Call(PUBLIC),
    # from loopback with no METRICS_TOKEN; tests/api/test_metrics.py has the refusals
    ("GET", "/metrics"): Call(PUBLIC),
    ("GET", "/api/v1/openapi.json"): Call(PUBLIC),
    ("GET", "/app/board"): Call(PUBLIC),
    ("GET", "/app/import"): Call(PUBLIC),
    ("GET", "/app/reports"): Call(PUBLIC),
    ("GET", "/app/editor"): Call(PUBLIC),
    ("GET", "/app/book"): Call(PUBLIC),
    ("GET", "/app/profile"): Call(PUBLIC),
    # the integration API
    ("POST", "/init-form-tracking"): Call(
        statuses(401, integration=201), json={"ticket_id": "T-1", "form_type": "client"}
    ),
    ("PUT", "/update-tracking-step"): Call(
        statuses(401, integration=404), json={"ticket_id": "T-404", "step": "2"}
    ),
    ("POST", "/psychologist-form"): Call(
        statuses(401, integration=201),
        json={"psychologist_id": 424242, "anketa": {"name": "Анна Петрова"}},
    ),
    ("POST", "/client-registration"): Call(
        statuses(401, integration=201), json={"user_id": 434343}
    ),
    ("GET", "/get-slot"): Call(
        statuses(401, other_secret=200),
        params={"secret": "{secret}", "startDate": "{today}", "endDate": "{in_a_month}"},
    ),
    ("GET", "/get-aggregated-schedule-by-psychologist-test-contur"): Call(
        PUBLIC, params={"psychologist": "{psychologist_name}"}
    ),
    # the other psychologist's secret finds nothing at the first one's slot
    ("POST", "/add-slot"): Call(
        statuses(401, other_secret=201), json={"secret": "{secret}", "slot": "{free_slot_text}"}
    ),
    ("POST", "/delete-slot"): Call(
        statuses(401, other_secret=404), json={"secret": "{secret}", "slot": "{free_slot_text}"}
    ),
    ("GET", "/get-ticket-for-slot"): Call(
        statuses(401, other_secret=404),
        params={"secret": "{secret}", "date": "{free_slot_date}", "time": "{free_slot_time}"},
    ),
    ("POST", "/get_general_slots"): Call(statuses(404), json={"psychologist_list": "Нет Такого"}),
    ("GET", "/get-assigment-coeff"): Call(
        statuses(404), params={"psychologist_name": "Нет Такого"}
    ),
    ("POST", "/automatch"): Call(
        statuses(401, integration=404),
        json={
            "psychologists": "Нет Такого",
            "slots": "{free_slot_text}",
            "client_info": {"telegram_id": 555},
        },
    ),
    ("POST", "/reassign"): Call(
        statuses(401, integration=404),
        json={"lead_number": "L-404", "filtered_psychologists": "Нет", "slots": "01.01 10:00"},
    ),
    ("GET", "/get-reassignment-schedule"): Call(
        statuses(401, integration=404), params={"lead_number": "L-404", "mode": "time"}
    ),
    ("GET", "/get-ticket-info-for-reassigment"): Call(
        statuses(401, integration=404), params={"lead_number": "L-404", "mode": "time"}
    ),
    ("GET", "/get-ticket-info-for-reassigment-without-schedule"): Call(
        statuses(401, integration=404), params={"lead_number": "L-404"}
    ),
    ("POST", "/get-help-hand-tickets"): Call(
        statuses(401, integration=404), params={"telegram_id": "999", "price": "1000 руб"}
    ),
    ("POST", "/confirm-help-hand-by-psychologist"): Call(
        statuses(401, integration=404), params={"telegram_id": "999", "link_id": "hh_0000000"}
    ),
    ("POST", "/plan-events"): Call(
        statuses(401, integration=200),
        json={"slot_id": "{booked_slot_id}", "events": {"confirmation": True}},
    ),
    ("POST", "/plan-client-events"): Call(statuses(401, integration=404), json={"id": 999999}),
    ("POST", "/notify-update"): Call(statuses(401), json={"type": "update", "table": "slots"}),
    ("POST", "/generate-conference-link"): Call(
        statuses(401, integration=200), json={"slot_id": "{booked_slot_id}"}
    ),
    # /api/v1
    ("POST", "/api/v1/auth/telegram"): Call(statuses(401), json={"init_data": "user=forged"}),
    ("POST", "/api/v1/auth/exchange"): Call(statuses(401), json={"token": "forged"}),
    ("POST", "/api/v1/clients/auth"): Call(
        statuses(401, integration=200),
        json={"phone": "+79990000009", "telegram_id": 777009},
    ),
    ("GET", "/api/v1/services"): Call(PUBLIC),
    ("POST", "/api/v1/services"): Call(
        {**STAFF_ONLY, "manager": 201, "admin": 201},
        json={"name": "Пара", "price": 5000, "duration_min": 90},
    ),
    ("PATCH", "/api/v1/services/{id}"): Call(
        {**STAFF_ONLY, "manager": 200, "admin": 200},
        json={"price": 3500},
        path="/api/v1/services/{service_id}",
    ),
    ("DELETE", "/api/v1/services/{id}"): Call(
        {**STAFF_ONLY, "manager": 200, "admin": 200}, path="/api/v1/services/{service_id}"
    ),
    ("GET", "/api/v1/branches"): Call(PUBLIC),
    ("POST", "/api/v1/branches"): Call(
        {**STAFF_ONLY, "manager": 201, "admin": 201}, json={"name": "Центр"}
    ),
    ("PATCH", "/api/v1/branches/{id}"): Call(
        {**STAFF_ONLY, "manager": 200, "admin": 200},
        json={"address": "Тверская, 1"},
        path="/api/v1/branches/{branch_id}",
    ),
    ("DELETE", "/api/v1/branches/{id}"): Call(
        {**STAFF_ONLY, "manager": 204, "admin": 204}, path="/api/v1/branches/{branch_id}"
    ),
    ("GET", "/api/v1/slots/available"): Call(
        {**STAFF_ONLY, "client": 200, "other_client": 200, "manager": 200, "admin": 200}
    ),
    ("POST", "/api/v1/slots/{id}/hold"): Call(
        {**STAFF_ONLY, "client": 200, "other_client": 200},
        path="/api/v1/slots/{free_slot_id}/hold",
    ),
    # the slot of the first client's appointment is booked: nobody else gets it
    ("POST", "/api/v1/appointments"): Call(
        {**STAFF_ONLY, "client": 409, "other_client": 409}, json={"slot_id": "{booked_slot_id}"}
    ),
    ("GET", "/api/v1/appointments/my"): Call({**STAFF_ONLY, "client": 200, "other_client": 200}),
    ("POST", "/api/v1/waitlist"): Call(
        {**STAFF_ONLY, "client": 201, "other_client": 201},
        json={"date_from": "{today}", "date_to": "{today}"},
    ),
    ("GET", "/api/v1/waitlist/my"): Call({**STAFF_ONLY, "client": 200, "other_client": 200}),
    ("GET", "/api/v1/waitlist"): Call({**STAFF_ONLY, "manager": 200, "admin": 200}),
    # nobody's entry: missing to every client
    ("DELETE", "/api/v1/waitlist/{id}"): Call(
        {**STAFF_ONLY, "client": 404, "other_client": 404}, path="/api/v1/waitlist/999999"
    ),
    ("GET", "/api/v1/clients/me"): Call({**STAFF_ONLY, "client": 200, "other_client": 200}),
    ("PATCH", "/api/v1/clients/me"): Call(
        {**STAFF_ONLY, "client": 200, "other_client": 200}, json={"timezone": "Europe/Berlin"}
    ),
    # cancelling is a status change: staff only, the appointment's own client included
    ("PATCH", "/api/v1/appointments/{id}/status"): Call(
        {**STAFF_ONLY, "manager": 200, "admin": 200},
        json={"status": "confirmed"},
        path="/api/v1/appointments/{appointment_id}/status",
    ),
    # the client cancels its own (another client's is not found: not even its existence is
    # told), staff any; psychologists ask a manager
    ("POST", "/api/v1/appointments/{id}/cancel"): Call(
        {**STAFF_ONLY, "client": 200, "other_client": 404, "manager": 200, "admin": 200},
        json={"reason": "не смогу"},
        path="/api/v1/appointments/{appointment_id}/cancel",
    ),
    # only the appointment's own client (or staff) moves it; to another client it is missing
    ("PATCH", "/api/v1/appointments/{id}/reschedule"): Call(
        {**STAFF_ONLY, "client": 200, "other_client": 404, "manager": 200, "admin": 200},
        json={"slot_id": "{free_slot_id}"},
        path="/api/v1/appointments/{appointment_id}/reschedule",
    ),
    # the rest of a weekly series: its own client, or staff; to another client it is missing
    ("POST", "/api/v1/series/{id}/cancel"): Call(
        {**STAFF_ONLY, "client": 200, "other_client": 404, "manager": 200, "admin": 200},
        json={},
        path="/api/v1/series/{series_id}/cancel",
    ),
    ("POST", "/api/v1/appointments/manual"): Call(
        {**STAFF_ONLY, "manager": 201, "admin": 201},
        json={"phone": "+79990000010", "name": "Олег", "slot_id": "{free_slot_id}"},
    ),
    ("GET", "/api/v1/dashboard/board"): Call({**STAFF_ONLY, "manager": 200, "admin": 200}),
    ("GET", "/api/v1/appointments/{id}/history"): Call(
        {**STAFF_ONLY, "manager": 200, "admin": 200},
        path="/api/v1/appointments/{appointment_id}/history",
    ),
    # the client card and the notes on it: staff only (a client sees neither, not even its own)
    ("GET", "/api/v1/clients/{id}/card"): Call(
        {**STAFF_ONLY, "manager": 200, "admin": 200}, path="/api/v1/clients/{client_id}/card"
    ),
    ("POST", "/api/v1/clients/{id}/notes"): Call(
        {**STAFF_ONLY, "manager": 201, "admin": 201},
        json={"text": "Просила звонить после 18:00"},
        path="/api/v1/clients/{client_id}/notes",
    ),
    ("GET", "/api/v1/clients"): Call(
        {**STAFF_ONLY, "manager": 200, "admin": 200}, params={"query": "9990000001"}
    ),
    # staff get past the role check to the media type: no multipart form, a 415
    ("POST", "/api/v1/system/import"): Call({**STAFF_ONLY, "manager": 415, "admin": 415}),
    ("GET", "/api/v1/system/reports"): Call({**STAFF_ONLY, "manager": 200, "admin": 200}),
    ("GET", "/api/v1/system/deliveries"): Call({**STAFF_ONLY, "manager": 200, "admin": 200}),
    ("POST", "/api/v1/system/deliveries/{id}/retry"): Call(
        {**STAFF_ONLY, "admin": 404},
        path="/api/v1/system/deliveries/999999/retry",
    ),
    WEBSOCKET: Call({**STAFF_ONLY, "manager": 101, "admin": 101}),
    # staff administration: admins only
    ("GET", "/api/v1/staff"): Call({**STAFF_ONLY, "admin": 200}),
    ("POST", "/api/v1/staff/invites"): Call(
        {**STAFF_ONLY, "admin": 201}, json={"role": "psychologist"}
    ),
    ("PATCH", "/api/v1/staff/managers/{id}"): Call(
        {**STAFF_ONLY, "admin": 200},
        json={"active": True},
        path="/api/v1/staff/managers/{manager_id}",
    ),
    ("PATCH", "/api/v1/staff/psychologists/{id}"): Call(
        {**STAFF_ONLY, "admin": 200},
        json={"active": True},
        path="/api/v1/staff/psychologists/{psychologist_id}",
    ),
    # the editor: the first psychologist by JWT, the second by its secret
    ("GET", "/api/v1/editor/week"): Call(editor(200, other_secret=200)),
    ("POST", "/api/v1/editor/slots"): Call(
        editor(201, other_secret=201),
        json={"local": "{free_slot_local_next_day}"},
    ),
    ("DELETE", "/api/v1/editor/slots/{id}"): Call(
        editor(200, other_secret=404),
        path="/api/v1/editor/slots/{free_slot_id}",
    ),
    ("GET", "/api/v1/editor/slots/{id}/booking"): Call(
        editor(200, other_secret=404),
        path="/api/v1/editor/slots/{booked_slot_id}/booking",
    ),
    ("POST", "/api/v1/editor/copy-week"): Call(
        editor(200, other_secret=200),
        json={"week_start": "{week_start}"},
    ),
    ("DELETE", "/api/v1/editor/rules/{id}"): Call(
        editor(200, other_secret=404),
        path="/api/v1/editor/rules/{rule_id}",
    ),
    ("POST", "/api/v1/editor/bulk"): Call(
        editor(200, other_secret=200),
        json={"date": "{next_week_day}", "start": "10:00", "end": "12:00"},
    ),
    # calendar feeds: the address for a client or a psychologist; the feed itself needs no
    # token but the one in its address, and an unknown one is missing for everybody
    ("GET", "/api/v1/calendar/link"): Call(
        {**STAFF_ONLY, "client": 200, "other_client": 200, "psychologist": 200}
    ),
    ("GET", "/api/v1/calendar/feeds/{token}.ics"): Call(
        statuses(404), path="/api/v1/calendar/feeds/" + "A" * 43 + ".ics"
    ),
    # the psychologist's own anketa: by JWT only (the secret is the outside form's link)
    ("GET", "/api/v1/editor/profile"): Call(editor(200, other_secret=401)),
    ("PUT", "/api/v1/editor/profile"): Call(
        editor(200, other_secret=401), json={"name": "Анна Петрова-Новая"}
    ),
}


def router_routes(api: Api) -> set[tuple[str, str]]:
    found = set()
    for route in api.http.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if route.method != "HEAD" and path:
            found.add((route.method, path))
    return found


async def test_every_route_has_an_entry(api: Api) -> None:
    assert router_routes(api) == set(MATRIX)


def fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        filled = values[value[1:-1]]
        return int(filled) if filled.isdigit() else filled
    if isinstance(value, str):
        return value.format(**values)
    return value


def world_values(world: World, role: str) -> dict[str, str]:
    values = {
        key: str(item) for key, item in vars(world).items() if key not in ("headers", "texts")
    }
    return {
        **values,
        **world.texts,
        "secret": OTHER_SECRET if role == "other_secret" else WRONG_SECRET,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda route: f"{route[0]} {route[1]}")
async def test_route_answers_each_caller_as_expected(
    api: Api, world: World, route: tuple[str, str], role: str
) -> None:
    method, path = route
    call = MATRIX[route]
    values = world_values(world, role)
    url = fill(call.path or path, values)
    headers = world.headers[role]
    if route == WEBSOCKET:
        token = headers.get("Authorization", "Bearer ").split(" ", 1)[1]
        try:
            socket = await api.http.ws_connect(url, params={"token": token} if token else {})
        except aiohttp.WSServerHandshakeError as refused:
            status = refused.status
        else:
            await socket.close()
            status = 101
        assert status == call.expected[role]
        return
    answer = await api.http.request(
        method,
        url,
        headers=headers,
        json=fill(call.json, values),
        params=fill(call.params, values),
    )
    assert answer.status == call.expected[role], await answer.text()
    if answer.status >= 400:
        refusal = await answer.json()
        assert refusal["reason"]


async def test_a_client_lists_only_its_own_appointments(api: Api, world: World) -> None:
    own = await api.http.get("/api/v1/appointments/my", headers=world.headers["client"])
    other = await api.http.get("/api/v1/appointments/my", headers=world.headers["other_client"])
    assert [item["id"] for item in await own.json()] == [world.appointment_id]
    assert await other.json() == []
