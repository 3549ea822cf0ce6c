"""GET/PATCH /api/v1/clients/me: the calling client and the time zone their times are shown in."""

from __future__ import annotations

from db.models import Client
from domain.values import Actor
from tests.harness.api_callers import Api

ME = "/api/v1/clients/me"


async def test_a_client_reads_and_sets_their_zone(api: Api) -> None:
    client, headers = await api.client(name="Ирина", phone="+79161234567", phone_verified=True)

    read = await api.http.get(ME, headers=headers)
    assert read.status == 200
    assert await read.json() == {
        "id": client.id,
        "name": "Ирина",
        "phone": "+79161234567",
        "phone_verified": True,
        "timezone": "Europe/Moscow",
        "timezone_label": "МСК",
        "language": "ru",
    }

    moved = await api.http.patch(ME, json={"timezone": "Europe/Berlin"}, headers=headers)
    assert moved.status == 200
    assert (await moved.json())["timezone_label"] == "Берлин"
    assert (await Client.get(id=client.id)).timezone == "Europe/Berlin"

    # A zone outside the common cities is labelled by its city part.
    far = await api.http.patch(
        ME, json={"timezone": "America/Argentina/Buenos_Aires"}, headers=headers
    )
    assert (await far.json())["timezone_label"] == "Buenos Aires"
    again = await api.http.get(ME, headers=headers)
    assert (await again.json())["timezone"] == "America/Argentina/Buenos_Aires"


async def test_the_label_is_in_the_clients_language(api: Api) -> None:
    _client, headers = await api.client(language="en", timezone="Europe/Berlin")
    assert (await (await api.http.get(ME, headers=headers)).json())["timezone_label"] == "Berlin"


async def test_an_unknown_zone_is_a_400_naming_timezone(api: Api) -> None:
    client, headers = await api.client()
    for body in ({"timezone": "Mars/Olympus"}, {"timezone": ""}, {"timezone": "localtime"}, {}):
        refused = await api.http.patch(ME, json=body, headers=headers)
        assert refused.status == 400, body
        assert (await refused.json())["field"] == "timezone", body
    assert (await Client.get(id=client.id)).timezone == "Europe/Moscow"


async def test_only_a_client_token_opens_it(api: Api) -> None:
    assert (await api.http.get(ME)).status == 401
    assert (await api.http.patch(ME, json={"timezone": "Europe/Berlin"})).status == 401
    for role, telegram_id in ((Actor.MANAGER, 7001), (Actor.PSYCHOLOGIST, 7002)):
        headers = await api.signed_in(role, telegram_id)
        assert (await api.http.get(ME, headers=headers)).status == 403, role
        patched = await api.http.patch(ME, json={"timezone": "Europe/Berlin"}, headers=headers)
        assert patched.status == 403, role
    # A client token of someone who never registered.
    stranger = api.auth(Actor.CLIENT, 999_001)
    assert (await api.http.get(ME, headers=stranger)).status == 403
