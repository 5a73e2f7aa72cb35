"""The application's JSON request bodies, found from its routes, and a walk over their schemas.

`json_bodies(app)` lists every (method, path, annotation) whose request body FastAPI parses as
JSON into a pydantic type. `walk(annotation)` follows that type's pydantic-core schema into
nested models, list and dict items, unions and discriminated-union members, and collects the
models it meets and every number, flag and moment (`int`, `bool`, `float`, `Decimal`, `datetime`,
`date`) with the place it sits. `lax_inputs(leaf)` then asks the validator itself what it
accepts: a lax `int` takes `false` and `"12"`, a lax `bool` takes `0` and `"true"`, a `Decimal`
without the project's float guard takes `12.5` (a binary float), a `datetime` takes `0` or
`"1700000000"` as Unix time — those are the answers that fail the check.

Not walked, because FastAPI does not parse them into a model: form and file fields (strings on
the wire, like query parameters) and routes that read the raw body themselves (the inventory
import reads JSON and validates each row with `MechanismCreate` / `TechnologyCreate`, which are
route bodies and so walked here).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, TypeAdapter
from pydantic_core import SchemaValidator, ValidationError

CHECKED = frozenset({"int", "bool", "float", "decimal", "datetime", "date"})
BOUNDS = frozenset({"ge", "gt", "le", "lt", "multiple_of", "max_digits", "decimal_places",
                    "now_op", "now_utc_offset"})
# Nodes that wrap one inner schema without changing what JSON type it takes.
WRAPPERS = frozenset({"nullable", "default", "function-after", "function-before",
                      "function-wrap"})
# Leaves that hold nothing of the kinds above: nothing to check inside them.
OTHER_LEAVES = frozenset({"str", "bytes", "time", "timedelta", "literal",
                          "any", "none", "url", "multi-host-url", "uuid", "is-instance",
                          "is-subclass", "callable", "missing-sentinel", "enum"})

# kind: (the field's own JSON form, which it must take; lax forms it must refuse)
PROBES: dict[str, tuple[str, tuple[str, ...]]] = {
    "int": ("12", ("false", "true", '"12"', "12.0")),
    "bool": ("true", ("0", "1", '"true"', '"false"')),
    # Exact decimals travel as strings (or integers); a JSON float is already rounded.
    "decimal": ('"12.5"', ("false", "true", "12.5")),
    "float": ("12.5", ("false", "true", '"12.5"')),
    # A moment is an RFC 3339 string; lax mode reads numbers (even "1700000000") as Unix time.
    "datetime": ('"2030-01-01T00:00:00Z"', ("0", "1700000000", '"1700000000"')),
    "date": ('"2030-01-01"', ("0", '"1700000000"')),
}


@dataclass(frozen=True)
class Body:
    method: str
    path: str
    annotation: Any


def json_bodies(app: FastAPI) -> list[Body]:
    """Every JSON request body of the application's routes (sub-dependencies included)."""
    found: list[Body] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        for param in _body_params(route.dependant):
            if isinstance(param.field_info, params.Form):  # forms and files: strings
                continue
            for method in sorted(route.methods or ()):
                found.append(Body(method, route.path, param.field_info.annotation))
    return found


def _body_params(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.body_params
    for sub in dependant.dependencies:
        yield from _body_params(sub)


@dataclass(frozen=True)
class Leaf:
    where: str  # e.g. ChallengeCreate.prize_rules.award<ranked>.places[]
    kind: str  # int | bool | float | decimal
    schema: Mapping[str, Any]  # the leaf's schema, with any before-validator around it
    model_strict: bool  # the enclosing model says `strict=True`


@dataclass
class Walk:
    models: list[type[BaseModel]] = field(default_factory=list)
    leaves: list[Leaf] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what the walk could not judge


def walk(annotation: Any) -> Walk:
    """The models and checked leaves inside a body type (each model once, where it is first met)."""
    result = Walk()
    _Walker(result).node(TypeAdapter(annotation).core_schema, _name(annotation), False)
    return result


def _name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("app.", "")


def _inner_type(node: Mapping[str, Any]) -> str:
    while node["type"] in WRAPPERS:
        node = node["schema"]
    return str(node["type"])


def _is_nul_guard(node: Mapping[str, Any]) -> bool:
    function = node.get("function", {}).get("function") if node["type"] == "function-before" \
        else None
    return getattr(function, "__name__", "") == "_no_nul_character"


class _Walker:
    def __init__(self, result: Walk) -> None:
        self.result = result
        self.definitions: dict[str, Mapping[str, Any]] = {}
        self.seen: set[str] = set()

    def node(self, node: Mapping[str, Any], where: str, strict: bool) -> None:
        kind = node["type"]
        if _is_nul_guard(node):  # InputModel's check of every field for U+0000: not a type
            self.node(node["schema"], where, strict)
        elif kind in ("function-before", "function-wrap") and _inner_type(node) in CHECKED:
            # The validator runs first and may refuse what the type alone would coerce.
            self.result.leaves.append(Leaf(where, _inner_type(node), node, strict))
        elif kind in CHECKED:
            self.result.leaves.append(Leaf(where, kind, node, strict))
        elif kind in WRAPPERS:
            self.node(node["schema"], where, strict)
        elif kind == "definitions":
            self.definitions.update({d["ref"]: d for d in node["definitions"]})
            self.node(node["schema"], where, strict)
        elif kind == "definition-ref":
            self.once(node["schema_ref"], lambda: self.node(
                self.definitions[node["schema_ref"]], where, strict))
        elif kind == "model":
            self.model(node, where)
        elif kind == "model-fields":
            for name, item in node["fields"].items():
                self.node(item["schema"], f"{where}.{item.get('validation_alias') or name}",
                          strict)
        else:
            self.container(node, where, strict)

    def model(self, node: Mapping[str, Any], where: str) -> None:
        def visit() -> None:
            self.result.models.append(node["cls"])
            model_strict = bool(node.get("config", {}).get("strict", False))
            self.node(node["schema"], where, model_strict)
        ref = node.get("ref")
        if ref is None:
            visit()
        else:
            self.once(ref, visit)

    def container(self, node: Mapping[str, Any], where: str, strict: bool) -> None:
        kind = node["type"]
        if kind in ("list", "set", "frozenset"):
            if "items_schema" in node:
                self.node(node["items_schema"], f"{where}[]", strict)
        elif kind == "tuple":
            for item in node.get("items_schema", []):
                self.node(item, f"{where}[]", strict)
        elif kind == "dict":
            for part in ("keys_schema", "values_schema"):
                if part in node:
                    self.node(node[part], f"{where}{{}}", strict)
        elif kind == "union":
            for choice in node["choices"]:
                self.node(choice[0] if isinstance(choice, tuple) else choice, where, strict)
        elif kind == "tagged-union":
            for tag, choice in node["choices"].items():
                self.node(choice, f"{where}<{tag}>", strict)
        elif kind == "chain":
            for step in node["steps"]:
                self.node(step, where, strict)
        elif kind == "lax-or-strict":
            self.node(node["lax_schema"], where, strict)
            self.node(node["strict_schema"], where, strict)
        elif kind == "json-or-python":  # a JSON body only ever meets the JSON side
            self.node(node["json_schema"], where, strict)
        elif kind == "enum" and node.get("sub_type") in ("int", "float"):
            self.result.problems.append(f"{where}: a numeric enum; use a StrEnum")
        elif kind == "function-plain":
            self.result.problems.append(f"{where}: a plain validator the walk cannot see into")
        elif kind not in OTHER_LEAVES:
            self.result.problems.append(f"{where}: unknown schema type {kind!r}")

    def once(self, ref: str, visit: Any) -> None:
        if ref not in self.seen:
            self.seen.add(ref)
            visit()


def _unbounded(node: Mapping[str, Any]) -> dict[str, Any]:
    """The same schema without its bounds, so that `12` is in range wherever it is probed."""
    if node["type"] in CHECKED:
        return {k: v for k, v in node.items() if k not in BOUNDS}
    return {**node, "schema": _unbounded(node["schema"])}


def lax_inputs(leaf: Leaf) -> list[str]:
    """What is wrong with how this leaf validates JSON (nothing, for a strict one)."""
    own, lax = PROBES[leaf.kind]
    validator = SchemaValidator(_unbounded(leaf.schema),  # type: ignore[arg-type]
                                {"strict": True} if leaf.model_strict else None)

    def accepts(text: str) -> bool:
        try:
            validator.validate_json(text)
        except ValidationError:
            return False
        return True

    problems = [f"{leaf.where}: {leaf.kind} accepts {text}" for text in lax if accepts(text)]
    if not accepts(own):
        problems.append(f"{leaf.where}: the probe is wrong, {leaf.kind} refuses {own}")
    return problems


def all_problems(annotations: Iterator[Any] | list[Any]) -> list[str]:
    """Every lax leaf (and every part the walk could not judge) in these body types."""
    problems: list[str] = []
    for annotation in annotations:
        found = walk(annotation)
        problems += found.problems
        problems += [p for leaf in found.leaves for p in lax_inputs(leaf)]
    return problems
