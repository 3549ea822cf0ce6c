"""Services and branches: listed for anyone, kept by managers, every change audited."""

from __future__ import annotations

from db.models import AuditLog
from tests.harness.api_callers import Api


async def test_manager_keeps_services_and_anyone_lists_them(api: Api) -> None:
    manager = await api.manager(7001)
    branch = await api.http.post(
        "/api/v1/branches", json={"name": "Центр", "address": "Тверская, 1"}, headers=manager
    )
    assert branch.status == 201
    branch_id = (await branch.json())["id"]

    created = await api.http.post(
        "/api/v1/services",
        json={"name": "Консультация", "price": 3000, "duration_min": 50, "branch_id": branch_id},
        headers=manager,
    )
    assert created.status == 201
    service = await created.json()
    assert service == {
        "id": service["id"],
        "name": "Консультация",
        "price": 3000,
        "duration_min": 50,
        "branch_id": branch_id,
    }
    changed = await api.http.patch(
        f"/api/v1/services/{service['id']}", json={"price": 3500}, headers=manager
    )
    assert (await changed.json())["price"] == 3500
    unbranched = await api.http.patch(
        f"/api/v1/services/{service['id']}", json={"branch_id": None}, headers=manager
    )
    assert (await unbranched.json())["branch_id"] is None

    listed = await api.http.get("/api/v1/services")
    assert [row["name"] for row in await listed.json()] == ["Консультация"]
    removed = await api.http.delete(f"/api/v1/services/{service['id']}", headers=manager)
    assert removed.status == 200
    assert await (await api.http.get("/api/v1/services")).json() == []
    again = await api.http.delete(f"/api/v1/services/{service['id']}", headers=manager)
    assert again.status == 404

    actions = (
        await AuditLog.filter(actor_ref="7001").order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "branch.created",
        "service.created",
        "service.updated",
        "service.updated",
        "service.retired",
    ]


async def test_branches_are_listed_renamed_and_removed(api: Api) -> None:
    manager = await api.manager()
    first = await (
        await api.http.post("/api/v1/branches", json={"name": "Север"}, headers=manager)
    ).json()
    await api.http.post("/api/v1/branches", json={"name": "Юг"}, headers=manager)

    clash = await api.http.patch(
        f"/api/v1/branches/{first['id']}", json={"name": "Юг"}, headers=manager
    )
    assert clash.status == 409
    assert (await clash.json())["field"] == "name"
    renamed = await api.http.patch(
        f"/api/v1/branches/{first['id']}",
        json={"name": "Запад", "timezone": "Asia/Yekaterinburg"},
        headers=manager,
    )
    assert (await renamed.json())["timezone"] == "Asia/Yekaterinburg"
    listed = await (await api.http.get("/api/v1/branches")).json()
    assert [row["name"] for row in listed] == ["Запад", "Юг"]
    gone = await api.http.delete(f"/api/v1/branches/{first['id']}", headers=manager)
    assert gone.status == 204
    assert len(await (await api.http.get("/api/v1/branches")).json()) == 1


async def test_catalogue_refuses_bad_input(api: Api) -> None:
    manager = await api.manager()
    cases = [
        ("POST", "/api/v1/services", {"name": "", "price": 1, "duration_min": 50}, "name"),
        ("POST", "/api/v1/services", {"name": "X", "price": -1, "duration_min": 50}, "price"),
        ("POST", "/api/v1/services", {"name": "X", "price": 1, "duration_min": 0}, "duration_min"),
        ("POST", "/api/v1/services", {"name": "X", "price": "a", "duration_min": 50}, "price"),
        ("POST", "/api/v1/services", {"name": "X", "price": 1, "extra": 1}, "duration_min"),
        ("PATCH", "/api/v1/services/1", {"name": None}, "name"),
        ("PATCH", "/api/v1/services/1", {}, None),
        ("POST", "/api/v1/branches", {"name": "Б", "timezone": "Mars/Olympus"}, "timezone"),
        ("GET", "/api/v1/services?branch_id=abc", None, "branch_id"),
        ("PATCH", "/api/v1/services/99999999999", {"price": 1}, "id"),
    ]
    for method, path, body, field in cases:
        answer = await api.http.request(method, path, json=body, headers=manager)
        refusal = await answer.json()
        assert answer.status == 400, (path, body, refusal)
        assert refusal["field"] == field, refusal
    missing_branch = await api.http.post(
        "/api/v1/services",
        json={"name": "X", "price": 1, "duration_min": 50, "branch_id": 999},
        headers=manager,
    )
    assert (missing_branch.status, (await missing_branch.json())["field"]) == (404, "branch_id")
    # On /services/{id} a 404 would say that service is gone: a missing record the body names
    # there is a conflict with what is stored
    service = await api.http.post(
        "/api/v1/services", json={"name": "X", "price": 1, "duration_min": 50}, headers=manager
    )
    service_id = (await service.json())["id"]
    dangling = await api.http.patch(
        f"/api/v1/services/{service_id}", json={"branch_id": 999}, headers=manager
    )
    assert (dangling.status, (await dangling.json())["field"]) == (409, "branch_id")
    gone = await api.http.patch("/api/v1/services/999", json={"branch_id": 999}, headers=manager)
    assert (gone.status, (await gone.json())["field"]) == (404, "service_id")
