"""What a caller sees of the contract: a 405 carries Allow, a malformed
Content-Type is a 400 naming it, input is refused exactly where the OpenAPI document says so
(pydantic's lax reading of "12" as 12 or "0" as a date included), answers have the shapes the
document gives them."""

from __future__ import annotations

from tests.harness.api_callers import Api
from tests.harness.worlds import World


async def test_a_405_names_the_methods_allowed(api: Api) -> None:
    answer = await api.http.put("/api/v1/services")
    assert answer.status == 405
    assert set(answer.headers["Allow"].split(",")) >= {"GET", "POST"}
    assert (await answer.json())["error"] == "method_not_allowed"


async def test_a_malformed_content_type_is_a_400_naming_it(api: Api, world: World) -> None:
    manager = world.headers["manager"]
    for content_type in ("multipart/form-data", "nonsense", "application/"):
        answer = await api.http.post(
            "/api/v1/system/import",
            data=b"--x\r\n",
            headers={**manager, "Content-Type": content_type},
        )
        refusal = await answer.json()
        assert (answer.status, refusal["field"]) == (400, "Content-Type"), content_type
    not_a_form = await api.http.post(
        "/api/v1/system/import", data=b"phone\n", headers={**manager, "Content-Type": "text/csv"}
    )
    assert not_a_form.status == 415


async def test_input_the_document_refuses_is_refused(api: Api, world: World) -> None:
    manager = world.headers["manager"]
    for body, field in [
        ({"name": "X", "price": "12", "duration_min": 50}, "price"),  # a text, not a number
        ({"name": "X", "price": True, "duration_min": 50}, "price"),
        ({"name": "X\u0000", "price": 1, "duration_min": 50}, "name"),
        ({"name": " \u3000 ", "price": 1, "duration_min": 50}, "name"),
    ]:
        answer = await api.http.post("/api/v1/services", json=body, headers=manager)
        assert (answer.status, (await answer.json())["field"]) == (400, field), body
    deep = await api.http.post(
        "/automatch", data="[" * 100_000, headers=world.headers["integration"]
    )
    assert (deep.status, (await deep.json())["field"]) == (400, "body")
    for query, field in [
        ("date_to=0", "date_to"),  # pydantic would read a timestamp
        ("date_from=2026-1-01", "date_from"),
        ("psychologist_id=%205", "psychologist_id"),
        ("psychologist_id=1_0", "psychologist_id"),
        ("date_from=0999-01-01", "date_from"),  # years 1000..8999 (see webapp.patterns)
    ]:
        answer = await api.http.get(f"/api/v1/dashboard/board?{query}", headers=manager)
        assert (answer.status, (await answer.json())["field"]) == (400, field), query
    # what the document allows is taken: an integer written 2.0, a sign, whitespace pydantic
    # strips around a name
    taken = await api.http.post(
        "/api/v1/services",
        json={"name": " Сессия\u00a0", "price": 2.0, "duration_min": 50},
        headers=manager,
    )
    assert (taken.status, (await taken.json())["name"]) == (201, "Сессия")
    for written in ("%2B5", "5.0", "5e0"):  # an integer, as JSON Schema counts one
        board = await api.http.get(
            f"/api/v1/dashboard/board?psychologist_id={written}", headers=manager
        )
        assert board.status == 200, written


async def test_legacy_routes_answer_the_shapes_documented(api: Api, world: World) -> None:
    name = world.texts["psychologist_name"]
    texts = await api.http.get("/get-slot", params={"psychologist": name})
    assert texts.status == 200
    [week] = await texts.json()  # a list of one {res: [four weekly texts]}, as the seed answers
    assert len(week["res"]) == 4
    nobody = await api.http.get("/get-slot")
    assert (nobody.status, (await nobody.json())["field"]) == (400, "psychologist")
    too_long = await api.http.post("/get_general_slots", json={"psychologist_list": "Я" * 20_000})
    assert (too_long.status, (await too_long.json())["error"]) == (404, "not_found")
    # a lead number is no longer than the column that holds it: a longer one is refused as
    # input, where it was a 500 (the ORM refuses to look it up)
    long_lead = await api.http.get(
        "/get-ticket-info-for-reassigment-without-schedule",
        params={"lead_number": "7" * 33},
        headers=world.headers["integration"],
    )
    assert (long_lead.status, (await long_lead.json())["field"]) == (400, "lead_number")


async def test_a_missing_record_the_body_names_is_a_conflict_where_the_url_names_one(
    api: Api, world: World
) -> None:
    manager = world.headers["manager"]
    path = f"/api/v1/appointments/{world.appointment_id}/reschedule"
    dangling = await api.http.patch(path, json={"slot_id": 999_999}, headers=manager)
    assert (dangling.status, (await dangling.json())["field"]) == (409, "slot_id")
    missing = await api.http.patch(
        "/api/v1/appointments/999999/reschedule", json={"slot_id": 1}, headers=manager
    )
    assert missing.status == 404
