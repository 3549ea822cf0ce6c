"""Contract fuzzing: schemathesis generates requests for every operation of
/api/v1/openapi.json, as each kind of caller, with a fixed seed and a bounded number of
examples; no answer may be a 5xx, and every answer must match what the document promises."""

from __future__ import annotations

import asyncio
import logging
import time

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Api
from tests.robustness.conftest import World

log = logging.getLogger(__name__)
EXAMPLES_PER_OPERATION = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # the fixed seed: the same examples every run
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz_operation(
    operation: schemathesis.APIOperation, base_url: str, role: str, headers: dict[str, str]
) -> tuple[int, list[str]]:
    """Call one operation as one caller; the number of calls and the failures found."""
    calls = 0
    failures: list[str] = []

    @FUZZ_SETTINGS
    # valid input and input that breaks the schema on purpose, half and half
    @given(case=operation.as_strategy() | operation.as_strategy(GenerationMode.NEGATIVE))
    def call(case: schemathesis.Case) -> None:
        nonlocal calls
        calls += 1
        response = case.call(base_url=base_url, headers=headers, timeout=10)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as failure:  # collected: reported all at once
            failures.append(f"{operation.label} as {role}: {failure}"[:2000])

    call()
    return calls, failures


def fuzz(document: dict, base_url: str, callers: dict[str, dict[str, str]]) -> tuple[int, list]:
    """Every operation as every caller; the number of calls and the failures found."""
    calls = 0
    failures: list[str] = []
    for result in schemathesis.openapi.from_dict(document).get_all_operations():
        operation = result.ok()
        for role, headers in callers.items():
            made, found = fuzz_operation(operation, base_url, role, headers)
            calls += made
            failures.extend(found)
    return calls, failures


async def test_no_operation_breaks_its_contract_for_any_caller(api: Api, world: World) -> None:
    document = await (await api.http.get("/api/v1/openapi.json")).json()
    base_url = str(api.http.make_url("")).rstrip("/")
    started = time.monotonic()

    calls, failures = await asyncio.to_thread(fuzz, document, base_url, world.headers)

    operations = sum(len(methods) for methods in document["paths"].values())
    log.info(
        "schemathesis: %d operations, %d calls in %.0f s",
        operations,
        calls,
        time.monotonic() - started,
    )
    assert calls >= operations * len(world.headers)
    assert failures == []
