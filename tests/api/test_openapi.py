"""The OpenAPI document covers every /api/v1 route with its models."""

from __future__ import annotations

from tests.harness.api_callers import Api


async def test_every_api_route_is_in_the_document(api: Api) -> None:
    document = await (await api.http.get("/api/v1/openapi.json")).json()
    served = {
        (info.get("path") or info.get("formatter"), route.method.lower())
        for route in api.http.app.router.routes()
        if route.method != "HEAD"
        and (info := route.resource.get_info() if route.resource else {})
        and (info.get("path") or info.get("formatter") or "").startswith("/api/v1/")
        and not (info.get("path") or info.get("formatter") or "").endswith("openapi.json")
    }
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served <= described
    assert len(served) >= 20
    booking = document["paths"]["/api/v1/appointments"]["post"]
    assert booking["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/BookIn"
    )
    assert booking["security"] == [{"bearer": []}]
    answer_ref = booking["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert answer_ref.removeprefix("#/components/schemas/") in document["components"]["schemas"]
    slots = document["paths"]["/api/v1/slots/available"]["get"]
    assert {p["name"] for p in slots["parameters"]} >= {
        "psychologist_id",
        "service_id",
        "date_from",
        "date_to",
    }
