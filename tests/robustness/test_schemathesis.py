"""Contract fuzzing: schemathesis runs every phase it has (examples, coverage, fuzzing,
stateful) with every check it has against /api/v1/openapi.json, as each kind of caller, as
`schemathesis run --checks all` would. No answer may be a 5xx or break its schema, no request
the document calls valid may be refused and none it calls invalid accepted.

The seed changes with each commit and is printed: FUZZ_SEED from the environment if set, else
derived from `git rev-parse HEAD`, else a random one. Replay a failure with FUZZ_SEED=<seed>
(FUZZ_ROLES=manager,client narrows the callers, FUZZ_DUMP=<file> writes every finding)."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from pydantic import SecretStr
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from tests.harness.api_callers import Api
from tests.harness.seeds import fuzz_seed
from tests.harness.worlds import World

# Bounds the fuzzing and stateful phases per operation (the examples and coverage phases are
# bounded by the document itself): about 20 000 calls, a few minutes on two shared cores.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# A slow answer is a finding too (the max_response_time check); loopback answers take ms.
MAX_RESPONSE_TIME_S = 10.0
# Callers that must not see one another's objects: the object_level_authorization check
# replays each one's successful reads as the others.
PEERS = ("client", "other_client", "psychologist", "other_secret")
WORKERS = min(2, os.cpu_count() or 1)


def every_check() -> list[str]:
    """The names of all checks schemathesis has; all of them run (included as "all", so a
    check a newer schemathesis adds runs too). How each applies here:
    - not_a_server_error, status_code_conformance, content_type_conformance,
      response_schema_conformance: every answer, against the document;
    - positive_data_acceptance, negative_data_rejection: every generated request;
    - missing_required_header, ignored_auth: the security schemes (bearer, X-Schedule-Secret,
      X-Webhook-Secret) of each operation that declares them;
    - unsupported_method, allow_header_conformance: the coverage phase's undeclared methods
      and OPTIONS probes;
    - use_after_free, ensure_resource_availability: the stateful phase's chains (a DELETE,
      then the same record; a POST, then the record it made);
    - object_level_authorization: the PEERS' reads of their own records, replayed as the
      other peers (the identities file makes every caller known to schemathesis);
    - response_headers_conformance: the document declares no answer headers, so it finds
      nothing to hold them to; it runs all the same;
    - max_response_time: enabled by its limit, MAX_RESPONSE_TIME_S."""
    load_all_checks()
    return sorted(CHECKS.get_all_names())


# Reads whose answers every client shares by design: free times are offered to everyone, so a
# psychologist id one client used is no object of theirs when another client uses it.
SHARED_READS = ("/api/v1/slots/available",)


def _shared_read(label: str, check: str) -> bool:
    """An object-level finding on a read every client shares by design: none."""
    return check == "object_level_authorization" and label.split(" ", 1)[-1] in SHARED_READS


def identities(callers: dict[str, dict[str, str]], folder: Path) -> Path:
    """The callers as a Web Fuzzing Commons auth file: each caller's fixed headers, so that
    schemathesis knows them all (object_level_authorization probes one as another)."""
    entries = [
        {"name": role, "fixedHeaders": [{"name": k, "value": v} for k, v in headers.items()]}
        for role, headers in callers.items()
        if headers
    ]
    path = folder / "identities.json"
    path.write_text(json.dumps({"auth": entries}))
    return path


@dataclass
class Findings:
    calls: int = 0
    problems: list[str] = field(default_factory=list)


def _describe(role: str, label: str, check: str, info: Any, interaction: Any) -> str:
    failure = info.failure
    answer = ""
    if interaction is not None and interaction.response is not None:
        body = (interaction.response.content or b"")[:300].decode(errors="replace")
        answer = f"\n  answered {interaction.response.status_code}: {body}"
    return (
        f"[{role}] {label}: {check}: {failure.title}\n  {failure.message}\n"
        f"  {info.code_sample[:1500]}{answer}"
    )


def _findings(event: events.EngineEvent, role: str, found: Findings) -> None:
    if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
        recorder = event.recorder
        found.calls += len(recorder.interactions)
        for case_id, nodes in recorder.checks.items():
            found.problems.extend(
                _describe(
                    role,
                    recorder.label,
                    node.name,
                    node.failure_info,
                    recorder.interactions.get(case_id),
                )
                for node in nodes
                if node.failure_info is not None and not _shared_read(recorder.label, node.name)
            )
    elif isinstance(event, events.NonFatalError):
        found.problems.append(f"[{role}] {event.label}: error: {event.value!r}")
    elif isinstance(event, events.FatalError):
        found.problems.append(f"[{role}] fatal: {event.exception!r}")
    elif isinstance(event, events.EngineFinished):
        found.problems.extend(f"[{role}] {f.title}: {f.message}" for f in event.failures)


def fuzz_as(
    document: dict[str, Any], base_url: str, role: str, auth: Path | None, seed: int
) -> Findings:
    """Every phase with every check, as one caller (None: anonymous)."""
    settings: dict[str, Any] = {
        "seed": seed,
        "base-url": base_url,
        "workers": 1,
        "request-timeout": MAX_RESPONSE_TIME_S * 2,
        # no example database: the seed alone makes the run, and the work tree stays clean
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "mode": "all", "database": "none"},
        "checks": {"enabled": True, "max_response_time": MAX_RESPONSE_TIME_S},
    }
    if auth is not None:
        settings["auth"] = {"wfc": {"path": str(auth), "user": role, "peers": list(PEERS)}}
    config = SchemathesisConfig.from_dict(settings)
    config.projects.override.checks.update(included_check_names=["all"])
    found = Findings()
    for event in from_schema(schemathesis.openapi.from_dict(document, config=config)).execute():
        _findings(event, role, found)
    return found


async def fuzz(
    document: dict[str, Any],
    base_url: str,
    callers: dict[str, dict[str, str]],
    auth: Path,
    seed: int,
) -> Findings:
    """Every caller, two at a time in processes of their own: generating requests is most of
    the work, and takes a core of its own; the app answers from this process's loop."""
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")  # a fork would copy this running loop
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        runs = [
            loop.run_in_executor(
                pool, fuzz_as, document, base_url, role, auth if headers else None, seed
            )
            for role, headers in callers.items()
        ]
        total = Findings()
        for found in await asyncio.gather(*runs):
            total.calls += found.calls
            total.problems.extend(found.problems)
    return total


async def test_no_operation_breaks_its_contract_for_any_caller(
    api: Api, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = fuzz_seed()
    with capsys.disabled():  # seen even when the run passes: the seed replays it
        print(f"\nschemathesis FUZZ_SEED={seed}, checks: {', '.join(every_check())}")  # noqa: T201
    document = await (await api.http.get("/api/v1/openapi.json")).json()
    # /metrics as deployed: behind METRICS_TOKEN, which no caller has (from loopback with no
    # token it is open, as tests/api/test_metrics.py shows)
    api.settings.metrics_token = SecretStr("a-token-no-caller-has")
    base_url = str(api.http.make_url("")).rstrip("/")
    only = os.environ.get("FUZZ_ROLES", "").split(",")
    callers = {role: h for role, h in world.headers.items() if only == [""] or role in only}
    started = time.monotonic()

    # every caller is known to schemathesis, even those not fuzzed as in a narrowed run
    auth = identities(world.headers, tmp_path)
    found = await fuzz(document, base_url, callers, auth, seed)

    operations = sum(len(methods) for methods in document["paths"].values())
    with capsys.disabled():
        print(  # noqa: T201 - the figures of the run, next to its seed
            f"schemathesis FUZZ_SEED={seed}: {operations} operations, {len(callers)} callers, "
            f"{found.calls} calls in {time.monotonic() - started:.0f} s, "
            f"{len(found.problems)} findings"
        )
    if dump := os.environ.get("FUZZ_DUMP"):
        Path(dump).write_text("\n\n".join(found.problems))
    assert found.calls >= operations * len(callers)
    assert found.problems == [], f"FUZZ_SEED={seed}\n" + "\n\n".join(found.problems[:40])
