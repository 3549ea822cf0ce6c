"""Services and branches: anyone lists them, managers keep them."""

from __future__ import annotations

from aiohttp import web

from domain.booking import catalogue
from webapp.api.schemas import (
    BranchIn,
    BranchList,
    BranchOut,
    BranchPatch,
    ServiceIn,
    ServiceList,
    ServiceOut,
    ServicePatch,
    ServicesQuery,
    model_answer,
    path_id,
)
from webapp.auth import STAFF, require_role
from webapp.openapi import documented
from webapp.validation import parse_body, parse_query

routes = web.RouteTableDef()
TAGS = ("catalogue",)
SERVICE = "/api/v1/services/{id:\\d+}"
BRANCH = "/api/v1/branches/{id:\\d+}"


@routes.get("/api/v1/services")
@documented("Services on offer", query=ServicesQuery, responses={200: ServiceList}, tags=TAGS)
async def list_services(request: web.Request) -> web.Response:
    query = parse_query(request, ServicesQuery)
    services = await catalogue.list_services(query.branch_id)
    return model_answer(ServiceList, services)


@routes.post("/api/v1/services")
@documented(
    "Add a service (managers)",
    body=ServiceIn,
    responses={201: ServiceOut, 404: "no such branch"},
    tags=TAGS,
    secured=True,
)
async def create_service(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    body = await parse_body(request, ServiceIn)
    service = await catalogue.create_service(principal.initiator(), **body.model_dump())
    return model_answer(ServiceOut, service, status=201)


@routes.patch(SERVICE)
@documented(
    "Change a service (managers)",
    body=ServicePatch,
    responses={200: ServiceOut, 404: "no such service or branch"},
    tags=TAGS,
    secured=True,
)
async def update_service(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    body = await parse_body(request, ServicePatch)
    service = await catalogue.update_service(
        principal.initiator(), path_id(request), **body.changes()
    )
    return model_answer(ServiceOut, service)


@routes.delete(SERVICE)
@documented(
    "Take a service off the list (managers); past appointments keep it",
    responses={200: ServiceOut, 404: "no such service"},
    tags=TAGS,
    secured=True,
)
async def delete_service(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    service = await catalogue.retire_service(principal.initiator(), path_id(request))
    return model_answer(ServiceOut, service)


@routes.get("/api/v1/branches")
@documented("Branches", responses={200: BranchList}, tags=TAGS)
async def list_branches(request: web.Request) -> web.Response:
    branches = await catalogue.list_branches()
    return model_answer(BranchList, branches)


@routes.post("/api/v1/branches")
@documented(
    "Add a branch (managers)",
    body=BranchIn,
    responses={201: BranchOut, 409: "the name is taken"},
    tags=TAGS,
    secured=True,
)
async def create_branch(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    body = await parse_body(request, BranchIn)
    branch = await catalogue.create_branch(principal.initiator(), **body.model_dump())
    return model_answer(BranchOut, branch, status=201)


@routes.patch(BRANCH)
@documented(
    "Change a branch (managers)",
    body=BranchPatch,
    responses={200: BranchOut, 404: "no such branch", 409: "the name is taken"},
    tags=TAGS,
    secured=True,
)
async def update_branch(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    body = await parse_body(request, BranchPatch)
    branch = await catalogue.update_branch(
        principal.initiator(), path_id(request), **body.changes()
    )
    return model_answer(BranchOut, branch)


@routes.delete(BRANCH)
@documented(
    "Remove a branch (managers); its services stay, without a branch",
    responses={204: "removed", 404: "no such branch"},
    tags=TAGS,
    secured=True,
)
async def delete_branch(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    await catalogue.delete_branch(principal.initiator(), path_id(request))
    return web.Response(status=204)
