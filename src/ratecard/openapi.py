"""The OpenAPI description, made to tell the truth about the answers the API really gives.

FastAPI documents its own 422 body (`detail` as an array) and leaves error answers without a body;
ratecard answers every error as `{"detail": "<plain words>", ...}` and every invalid request as
`{"detail": "Invalid request", "errors": [{"field", "message"}]}`. This fills those in once, for
every operation, so clients and schema-driven tests can rely on the description.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field


class ErrorOut(BaseModel):
    """An error: what went wrong in plain words; some errors add details (problems, allowed actions)."""

    model_config = ConfigDict(extra="allow")

    detail: str = Field(description="What went wrong, in plain words.")


class FieldError(BaseModel):
    """One invalid field."""

    field: str = Field(description="The field at fault, as a dotted path ('person.crn'), or 'body', 'query', 'path'.")
    message: str


class InvalidRequestOut(BaseModel):
    """The request did not validate: every field at fault."""

    detail: str = Field(description="Always 'Invalid request'.")
    errors: list[FieldError]


_REF = "#/components/schemas/"


def describe(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with ratecard's real error bodies (cached on the app)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, FieldError, InvalidRequestOut):
        components[model.__name__] = model.model_json_schema(ref_template=_REF + "{model}")
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if code == "422":
                    response["description"] = response.get("description") or "Invalid request"
                    response["content"] = {"application/json": {"schema": {"$ref": _REF + "InvalidRequestOut"}}}
                elif code[0] in "45" and "content" not in response:
                    response["content"] = {"application/json": {"schema": {"$ref": _REF + "ErrorOut"}}}
    app.openapi_schema = schema
    return schema
