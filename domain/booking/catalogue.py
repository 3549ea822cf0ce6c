"""The catalogue: services (name, price, duration, branch) and branches, kept by managers.

A removed service is retired, not deleted: past appointments keep naming it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from db.models import Branch, Service
from domain import audit
from domain.audit import Initiator
from domain.changes import data_changed
from domain.errors import Conflict, NotFound


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: int
    name: str
    price: int  # whole roubles
    duration_min: int
    branch_id: int | None

    @classmethod
    def of(cls, service: Service) -> ServiceView:
        return cls(
            service.id, service.name, service.price, service.duration_min, service.branch_id
        )


@dataclass(frozen=True, slots=True)
class BranchView:
    id: int
    name: str
    address: str
    timezone: str

    @classmethod
    def of(cls, branch: Branch) -> BranchView:
        return cls(branch.id, branch.name, branch.address, branch.timezone)


async def list_services(branch_id: int | None = None) -> list[ServiceView]:
    """Services on offer, optionally of one branch, by name."""
    query = Service.filter(is_active=True)
    if branch_id is not None:
        query = query.filter(branch_id=branch_id)
    return [ServiceView.of(service) for service in await query.order_by("name", "id")]


async def _check_branch(branch_id: int | None) -> None:
    if branch_id is not None and not await Branch.filter(id=branch_id).exists():
        raise NotFound("branch not found", field="branch_id")


async def _active_service(service_id: int) -> Service:
    service = await Service.filter(id=service_id, is_active=True).select_for_update().first()
    if service is None:
        raise NotFound("service not found", field="service_id")
    return service


async def create_service(initiator: Initiator, **values: Any) -> ServiceView:
    """Add a service (name, price, duration_min, branch_id)."""
    async with in_transaction():
        await _check_branch(values.get("branch_id"))
        service = await Service.create(**values)
        await audit.record(initiator, "service.created", "service", service.id, **values)
    await data_changed("catalogue.updated")
    return ServiceView.of(service)


async def update_service(initiator: Initiator, service_id: int, **changes: Any) -> ServiceView:
    """Change the given fields of a service."""
    async with in_transaction():
        service = await _active_service(service_id)
        if "branch_id" in changes:
            await _check_branch(changes["branch_id"])
        service.update_from_dict(changes)
        await service.save()
        await audit.record(initiator, "service.updated", "service", service.id, **changes)
    await data_changed("catalogue.updated")
    return ServiceView.of(service)


async def retire_service(initiator: Initiator, service_id: int) -> ServiceView:
    """Take a service off the list; appointments that name it keep it."""
    async with in_transaction():
        service = await _active_service(service_id)
        service.is_active = False
        await service.save(update_fields=["is_active"])
        await audit.record(initiator, "service.retired", "service", service.id)
    await data_changed("catalogue.updated")
    return ServiceView.of(service)


async def list_branches() -> list[BranchView]:
    return [BranchView.of(branch) for branch in await Branch.all().order_by("name", "id")]


async def _branch(branch_id: int) -> Branch:
    branch = await Branch.filter(id=branch_id).select_for_update().first()
    if branch is None:
        raise NotFound("branch not found", field="branch_id")
    return branch


async def _check_name_free(name: str, except_id: int | None = None) -> None:
    if await Branch.filter(name=name).exclude(id=except_id or 0).exists():
        raise Conflict(f"a branch named {name!r} already exists", field="name")


async def create_branch(initiator: Initiator, **values: Any) -> BranchView:
    """Add a branch (name, address, timezone); names are unique."""
    async with in_transaction():
        await _check_name_free(values["name"])
        branch = await Branch.create(**values)
        await audit.record(initiator, "branch.created", "branch", branch.id, **values)
    await data_changed("catalogue.updated")
    return BranchView.of(branch)


async def update_branch(initiator: Initiator, branch_id: int, **changes: Any) -> BranchView:
    async with in_transaction():
        branch = await _branch(branch_id)
        if "name" in changes:
            await _check_name_free(changes["name"], branch.id)
        branch.update_from_dict(changes)
        await branch.save()
        await audit.record(initiator, "branch.updated", "branch", branch.id, **changes)
    await data_changed("catalogue.updated")
    return BranchView.of(branch)


async def delete_branch(initiator: Initiator, branch_id: int) -> None:
    """Remove a branch; its services and managers stay, without a branch."""
    async with in_transaction():
        branch = await _branch(branch_id)
        await branch.delete()
        await audit.record(initiator, "branch.deleted", "branch", branch_id, name=branch.name)
    await data_changed("catalogue.updated")
