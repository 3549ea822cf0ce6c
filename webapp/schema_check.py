"""A JSON Schema check of request input against the schema the OpenAPI document publishes.

Every JSON body and query is checked here before pydantic reads it (webapp.validation), so the
server refuses exactly what the document calls invalid: pydantic's lax reading ("12" for an
integer, 0 for a date, "yes" for a boolean) never lets through what the document refuses.
It covers the keywords webapp.contract emits (JSON Schema 2020-12 as OpenAPI 3.1 uses it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

Schema = Mapping[str, Any]
Path = tuple[str | int, ...]

# A schema with this key documents a pattern as the usual form of a value that the server also
# takes in other spellings (phone numbers): the pattern shows, it is not enforced.
LENIENT_PATTERN = "x-other-forms-accepted"

_JSON_TYPES = {
    "null": "None",
    "boolean": "a valid boolean",
    "integer": "a valid integer",
    "number": "a valid number",
    "string": "a valid string",
    "array": "a valid list",
    "object": "a valid dictionary",
}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


class Violation(ValueError):
    """Input the schema refuses: why, and where (dotted path; None for the whole input)."""

    def __init__(self, reason: str, path: Path) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = ".".join(str(part) for part in path) or None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def is_type(value: object, name: str) -> bool:
    """Whether `value` (as json.loads reads it) is of the JSON Schema type `name`."""
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        if isinstance(value, float):
            return math.isfinite(value) and value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    return name == "object" and isinstance(value, dict)


def _same(left: object, right: object) -> bool:
    # JSON equality: True is not 1, while 1 and 1.0 are the same number.
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return left == right


def _format_holds(value: str, name: str) -> bool:
    try:
        if name == "date":
            return bool(_ISO_DATE.fullmatch(value)) and bool(date.fromisoformat(value))
        if name == "date-time":
            return bool(_DATE_TIME.fullmatch(value)) and bool(datetime.fromisoformat(value))
    except ValueError:
        return False
    return True  # other formats are annotations here


def check(
    value: object, schema: Schema | bool, defs: Mapping[str, Schema], path: Path = ()
) -> None:
    """Raise Violation unless `value` is valid against `schema` (refs resolve in `defs`)."""
    if schema is True or not schema:
        return
    if schema is False:
        raise Violation("Extra inputs are not permitted", path)
    assert isinstance(schema, Mapping)
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(is_type(value, name) for name in names):
            expected = " or ".join(_JSON_TYPES.get(name, name) for name in names)
            raise Violation(f"Input should be {expected}", path)
    if "$ref" in schema:
        check(value, defs[schema["$ref"].rsplit("/", 1)[-1]], defs, path)
    _check_combinators(value, schema, defs, path)
    if "enum" in schema and not any(_same(value, item) for item in schema["enum"]):
        choices = ", ".join(repr(item) for item in schema["enum"][:12])
        raise Violation(f"Input should be one of: {choices}", path)
    if "const" in schema and not _same(value, schema["const"]):
        raise Violation(f"Input should be {schema['const']!r}", path)
    if is_type(value, "number"):
        _check_number(value, schema, path)  # type: ignore[arg-type]
    elif isinstance(value, str):
        _check_text(value, schema, path)
    elif isinstance(value, list):
        _check_list(value, schema, defs, path)
    elif isinstance(value, dict):
        _check_object(value, schema, defs, path)


def _check_combinators(
    value: object, schema: Schema, defs: Mapping[str, Schema], path: Path
) -> None:
    for part in schema.get("allOf", ()):
        check(value, part, defs, path)
    for keyword in ("anyOf", "oneOf"):
        if keyword not in schema:
            continue
        problems: list[Violation] = []
        for branch in schema[keyword]:
            try:
                check(value, branch, defs, path)
            except Violation as problem:
                problems.append(problem)
        passed = len(schema[keyword]) - len(problems)
        if passed == 0:
            raise _closest(value, schema, schema[keyword], problems, path)
        if keyword == "oneOf" and passed > 1:
            raise Violation("Input matches more than one of the allowed forms", path)
    if "not" in schema:
        try:
            check(value, schema["not"], defs, path)
        except Violation:
            return
        raise Violation(schema["not"].get("x-reason", "Input is of a refused form"), path)


def _closest(
    value: object,
    schema: Schema,
    branches: Sequence[Schema],
    problems: list[Violation],
    path: Path,
) -> Violation:
    """The refusal to report when no branch fits: the schema's own words when it has them
    (x-reason, and x-field for the field to name), else the problem of the branch of the
    value's type (`text | null` given a bad text)."""
    if "x-reason" in schema:
        return Violation(
            schema["x-reason"], (*path, schema["x-field"]) if "x-field" in schema else path
        )
    for branch, problem in zip(branches, problems, strict=True):
        names = branch.get("type")
        if isinstance(names, str) and is_type(value, names):
            return problem
    return max(problems, key=lambda problem: len(problem.field or ""))


def _check_number(value: float, schema: Schema, path: Path) -> None:
    # ints stay ints: a float would round 2**63 - 2 up past 2**63 - 1
    bounds = (
        ("minimum", lambda limit: value >= limit, "greater than or equal to"),
        ("maximum", lambda limit: value <= limit, "less than or equal to"),
        ("exclusiveMinimum", lambda limit: value > limit, "greater than"),
        ("exclusiveMaximum", lambda limit: value < limit, "less than"),
    )
    for keyword, holds, words in bounds:
        if keyword in schema and not holds(schema[keyword]):
            raise Violation(f"Input should be {words} {schema[keyword]}", path)
    step = schema.get("multipleOf")
    if step and not (value / step).is_integer():
        raise Violation(f"Input should be a multiple of {step}", path)


def _check_text(value: str, schema: Schema, path: Path) -> None:
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise Violation(f"String should have at most {schema['maxLength']} characters", path)
    if "minLength" in schema and len(value) < schema["minLength"]:
        raise Violation(f"String should have at least {schema['minLength']} characters", path)
    pattern = schema.get("pattern")
    if pattern and LENIENT_PATTERN not in schema and not _compiled(pattern).search(value):
        described = schema.get("description")
        raise Violation(
            f"expected {described}" if described else "String is not in the documented form", path
        )
    if "format" in schema and not _format_holds(value, schema["format"]):
        raise Violation(f"Input should be a valid {schema['format']}", path)


def _check_list(value: list[Any], schema: Schema, defs: Mapping[str, Schema], path: Path) -> None:
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise Violation(f"List should have at most {schema['maxItems']} items", path)
    if "minItems" in schema and len(value) < schema["minItems"]:
        raise Violation(f"List should have at least {schema['minItems']} items", path)
    prefix = schema.get("prefixItems", ())
    for index, item in enumerate(value):
        rule = prefix[index] if index < len(prefix) else schema.get("items", True)
        check(item, rule, defs, (*path, index))


def _check_object(
    value: dict[str, Any], schema: Schema, defs: Mapping[str, Schema], path: Path
) -> None:
    for name in schema.get("required", ()):
        if name not in value:
            raise Violation("Field required", (*path, name))
    for name, needed in schema.get("dependentRequired", {}).items():
        missing = [other for other in needed if name in value and other not in value]
        if missing:
            raise Violation(f"{', '.join(missing)} go with {name}", (*path, missing[0]))
    if "minProperties" in schema and len(value) < schema["minProperties"]:
        raise Violation(schema.get("x-reason", "too few fields"), path)
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        raise Violation(f"at most {schema['maxProperties']} fields", path)
    properties = schema.get("properties", {})
    for name, item in value.items():
        if "propertyNames" in schema:
            check(name, schema["propertyNames"], defs, (*path, name))
        rule = properties.get(name, schema.get("additionalProperties", True))
        check(item, rule, defs, (*path, name))
