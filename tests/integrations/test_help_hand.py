"""Help-hand requests: tiers, help-hand mode, first confirmation wins."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient

from db.enums import Actor
from db.models import Outbox, Ticket
from domain.audit import Initiator
from domain.tickets import help_hand
from tests.harness.builders import make_client
from tests.harness.integrations import fill_anketa

BY_CLIENT = Initiator(Actor.CLIENT, source="test")


async def _requests() -> dict[str, Ticket]:
    client = await make_client()
    return {
        tier: await help_hand.open_ticket(client.id, tier, ["Тревога"], BY_CLIENT)
        for tier in ("Бесплатно", "500 руб", "1500 руб")
    }


async def test_tickets_by_tier_for_helpers_only(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    await fill_anketa(web_client, token_headers, "Анна Иванова", 6001, helpHandMode=True)
    await fill_anketa(web_client, token_headers, "Борис Орлов", 6002)
    made = await _requests()
    assert all(t.link_id.startswith("hh_") and len(t.link_id) == 10 for t in made.values())

    path = "/get-help-hand-tickets"
    free = await web_client.post(
        path, params={"telegram_id": "6001", "price": "Бесплатно"}, headers=token_headers
    )
    assert free.status == 200
    [ticket] = (await free.json())["tickets"]
    assert (ticket["link_id"], ticket["price"], ticket["queries"]) == (
        made["Бесплатно"].link_id,
        "Бесплатно",
        ["Тревога"],
    )
    every = await web_client.post(
        path, params={"telegram_id": "6001", "price": "Все"}, headers=token_headers
    )
    assert [t["price"] for t in (await every.json())["tickets"]] == [
        "Бесплатно",
        "500 руб",
        "1500 руб",
    ]
    none = await web_client.post(
        path, params={"telegram_id": "6001", "price": "300 руб"}, headers=token_headers
    )
    assert (await none.json())["tickets"] == []

    not_helper = await web_client.post(
        path, params={"telegram_id": "6002", "price": "Все"}, headers=token_headers
    )
    assert not_helper.status == 403
    unknown = await web_client.post(
        path, params={"telegram_id": "1", "price": "Все"}, headers=token_headers
    )
    assert unknown.status == 404
    bad_tier = await web_client.post(
        path, params={"telegram_id": "6001", "price": "200 руб"}, headers=token_headers
    )
    assert (bad_tier.status, (await bad_tier.json())["field"]) == (400, "price")
    anonymous = await web_client.post(path, params={"telegram_id": "6001", "price": "Все"})
    assert anonymous.status == 401


async def test_first_psychologist_to_confirm_wins(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    await fill_anketa(web_client, token_headers, "Анна Иванова", 6001, helpHandMode=True)
    await fill_anketa(web_client, token_headers, "Борис Орлов", 6002, helpHandMode=True)
    link_id = (await _requests())["500 руб"].link_id
    path = "/confirm-help-hand-by-psychologist"

    answers = await asyncio.gather(
        *(
            web_client.post(
                path, params={"telegram_id": who, "link_id": link_id}, headers=token_headers
            )
            for who in ("6001", "6002")
        )
    )

    assert sorted(a.status for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status == 200)
    body = await winner.json()
    assert body["status"] == "assigned"
    ticket = await Ticket.get(link_id=link_id).prefetch_related("psychologist")
    assert body["psychologist"] == ticket.psychologist.name
    loser = next(a for a in answers if a.status == 409)
    assert (await loser.json())["error"] == "already_taken"
    [message] = await Outbox.filter(kind="help_hand.taken")
    assert ticket.psychologist.name in message.text
    assert ticket.number in message.text

    again = await web_client.post(
        path, params={"telegram_id": "6001", "link_id": link_id}, headers=token_headers
    )
    assert again.status == 409
    assert await Outbox.filter(kind="help_hand.taken").count() == 1
    every = await web_client.post(
        "/get-help-hand-tickets",
        params={"telegram_id": "6001", "price": "Все"},
        headers=token_headers,
    )
    assert link_id not in [t["link_id"] for t in (await every.json())["tickets"]]


async def test_confirm_refuses_bad_links_and_no_token(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    await fill_anketa(web_client, token_headers, "Анна Иванова", 6001, helpHandMode=True)
    await fill_anketa(web_client, token_headers, "Борис Орлов", 6002)
    link_id = (await _requests())["Бесплатно"].link_id
    path = "/confirm-help-hand-by-psychologist"
    cases = [
        ({"telegram_id": "6001", "link_id": "hh_short"}, 400),
        ({"telegram_id": "6001", "link_id": "xx_1234567"}, 400),
        ({"telegram_id": "6001", "link_id": "hh_zzzzzzz"}, 404),
        # the API keeps information separators (only the spaces around go): 7 characters, so
        # no such request rather than a malformed id
        ({"telegram_id": "6001", "link_id": " hh_zzzzz\x1c\x1d "}, 404),
        ({"telegram_id": "6002", "link_id": link_id}, 403),
        ({"telegram_id": "abc", "link_id": link_id}, 400),
    ]
    for params, status in cases:
        answer = await web_client.post(path, params=params, headers=token_headers)
        assert answer.status == status, params
    anonymous = await web_client.post(path, params={"telegram_id": "6001", "link_id": link_id})
    assert anonymous.status == 401
    assert (await Ticket.get(link_id=link_id)).status == "open"
