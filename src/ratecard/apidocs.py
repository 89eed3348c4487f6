"""The API reference page: the app's OpenAPI document turned into plain data for an accessible GOV.UK page.

Swagger UI (kept at /docs/try) fails accessibility checks; this reads the same document, so the
reference cannot drift from what the API serves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from markupsafe import Markup, escape

from ratecard.accounts.deps import api_user

_REF = "#/components/schemas/"
_METHODS = ("get", "post", "put", "patch", "delete")
_CODE = re.compile(r"`([^`]+)`")


@dataclass
class Field:
    """A parameter or a schema property."""

    name: str
    where: str  # query, path, header; "body" for properties
    type: Markup
    required: bool
    description: Markup


@dataclass
class Response:
    """One answer an operation may give."""

    code: str
    description: str
    type: Markup


@dataclass
class Operation:
    """One method on one path."""

    method: str
    path: str
    anchor: str
    summary: str
    description: list[Markup]
    needs_token: bool
    parameters: list[Field]
    body: Markup | None
    body_required: bool
    responses: list[Response]


@dataclass
class Tag:
    """A group of operations."""

    name: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Schema:
    """A named shape from the document's components."""

    name: str
    description: list[Markup]
    fields: list[Field]
    values: list[str]  # an enumeration's values


def prose(text: str | None) -> list[Markup]:
    """Paragraphs of a description, escaped, with `code` spans marked up."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return [Markup(_CODE.sub(r"<code>\1</code>", str(escape(" ".join(p.split()))))) for p in paragraphs]


def type_of(node: dict[str, Any] | None) -> Markup:
    """A schema node in words, with links to named schemas: 'list of <a>ServiceBrief</a>', 'string (date) or null'."""
    if not node:
        return Markup("any")
    if "$ref" in node:
        name = node["$ref"].removeprefix(_REF)
        return Markup('<a class="govuk-link" href="#schema-{0}">{0}</a>').format(name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            return Markup(" or ").join(type_of(part) for part in node[key])
    kind = node.get("type", "any")
    if kind == "array":
        return Markup("list of ") + type_of(node.get("items"))
    if kind == "object" and "additionalProperties" in node and isinstance(node["additionalProperties"], dict):
        return Markup("map of ") + type_of(node["additionalProperties"])
    text = str(kind) + (f" ({node['format']})" if "format" in node else "")
    if "enum" in node:
        text += ": one of " + ", ".join(str(v) for v in node["enum"])
    limits = [f"{word} {node[key]}" for key, word in (("minimum", "at least"), ("maximum", "at most"),
                                                        ("minLength", "at least"), ("maxLength", "at most")) if key in node]
    if "minLength" in node or "maxLength" in node:
        limits = [f"{limit} characters" for limit in limits]
    if "pattern" in node:
        limits.append(f"matching {node['pattern']}")
    return Markup("{}{}").format(text, f", {', '.join(limits)}" if limits else "")


def _token_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route that needs an API token."""

    def needs(dependant: Any) -> bool:
        return any(d.call is api_user or needs(d) for d in dependant.dependencies)

    def walk(routes: list[Any], prefix: str) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for route in routes:
            if isinstance(route, APIRoute):
                if needs(route.dependant):
                    found |= {(m.lower(), prefix + route.path) for m in route.methods}
            elif getattr(route, "original_router", None) is not None:
                # FastAPI keeps an included router whole: its routes live on the original.
                context = getattr(route, "include_context", None)
                found |= walk(route.original_router.routes, prefix + getattr(context, "prefix", ""))
        return found

    return walk(list(app.routes), "")


def reference(app: FastAPI) -> tuple[dict[str, Any], list[Tag], list[Schema]]:
    """The OpenAPI document's info, its operations grouped by tag (first tag, in order met), and its schemas."""
    document = app.openapi()
    tokens = _token_routes(app)
    tags: dict[str, Tag] = {t["name"]: Tag(t["name"]) for t in document.get("tags", [])}
    for path, operations in document.get("paths", {}).items():
        for method in _METHODS:
            op = operations.get(method)
            if op is None:
                continue
            tag = (op.get("tags") or ["other"])[0]
            body = op.get("requestBody")
            body_schema = next(iter(body.get("content", {}).values()), {}).get("schema") if body else None
            tags.setdefault(tag, Tag(tag)).operations.append(Operation(
                method=method.upper(), path=path, anchor=op.get("operationId") or f"{method}-{path}",
                summary=op.get("summary") or path, description=prose(op.get("description")),
                needs_token=(method, path) in tokens,
                parameters=[
                    Field(p["name"], p.get("in", ""), type_of(p.get("schema")), bool(p.get("required")),
                          Markup(" ").join(prose(p.get("description") or p.get("schema", {}).get("description"))))
                    for p in op.get("parameters", [])
                ],
                body=type_of(body_schema) if body else None, body_required=bool(body and body.get("required")),
                responses=[
                    Response(code, r.get("description", ""),
                             type_of(next(iter(r.get("content", {}).values()), {}).get("schema")) if r.get("content") else Markup("no body"))
                    for code, r in sorted(op.get("responses", {}).items())
                ],
            ))
    schemas = []
    for name, node in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(node.get("required", []))
        schemas.append(Schema(
            name=name, description=prose(node.get("description")),
            fields=[Field(prop, "body", type_of(spec), prop in required, Markup(" ").join(prose(spec.get("description"))))
                    for prop, spec in node.get("properties", {}).items()],
            values=[str(v) for v in node.get("enum", [])],
        ))
    return document.get("info", {}), [t for t in tags.values() if t.operations], schemas
