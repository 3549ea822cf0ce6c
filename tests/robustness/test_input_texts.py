"""Text no database can store (NUL characters, unpaired surrogates) is a 400 naming the field,
on SQLite and PostgreSQL alike, never a 5xx (found by the contract fuzzing on PostgreSQL)."""

from __future__ import annotations

import pytest

from db.models import FormTracking
from tests.harness.api_callers import Api


@pytest.mark.parametrize(
    ("raw_ticket_id", "reason"),
    [
        ('"T-\\u0000"', "the text contains a NUL character"),
        ('"T-\\udd83"', "the text is not valid Unicode"),
    ],
)
async def test_unstorable_text_in_a_body_is_refused(
    api: Api, raw_ticket_id: str, reason: str
) -> None:
    token = api.settings.integration_token.get_secret_value()
    answer = await api.http.post(
        "/init-form-tracking",
        data=f'{{"ticket_id": {raw_ticket_id}, "form_type": "client"}}',
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert answer.status == 400
    assert await answer.json() == {"error": "invalid", "reason": reason, "field": "ticket_id"}
    assert await FormTracking.all().count() == 0


async def test_a_nul_in_the_query_is_refused(api: Api) -> None:
    answer = await api.http.get("/get-assigment-coeff?psychologist_name=%D0%90%00")
    assert answer.status == 400
    assert (await answer.json())["field"] == "psychologist_name"


async def test_nested_fields_are_named_by_their_path(api: Api) -> None:
    token = api.settings.integration_token.get_secret_value()
    answer = await api.http.post(
        "/psychologist-form",
        json={"psychologist_id": 1, "anketa": {"name": "Анна", "skills": ["ok", "a\x00"]}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status == 400
    assert (await answer.json())["field"] == "anketa.skills.1"
