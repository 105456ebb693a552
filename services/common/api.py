"""What every service's HTTP routes share: the error answer, and request bodies documented from their models.

A route that must bound or explain what it reads (depth, integer size, a reason per field) reads the body
itself; :meth:`Routes.json_body` still puts the body's pydantic model in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

COMPONENTS = "#/components/schemas/"


class FieldError(BaseModel):
    field: str = Field(description="The field, parameter or part of the request at fault.")
    message: str


class Errors(BaseModel):
    """Every 4xx and 5xx answer: what was wrong, a field error each. The server's own answers for any route name the
    part at fault: ``body`` (408 a body too slow, 413 past the body limit), ``server`` (500, 503 while Redis is
    away)."""

    errors: list[FieldError]


# The field of the server's own errors (500, 503): nothing the client sent is at fault.
SERVER = "server"


class ApiError(Exception):
    """Raised by a route to answer ``status`` with ``{"errors": errors}``."""

    def __init__(self, status: int, errors: list[dict[str, str]],
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status, errors)
        self.status, self.errors, self.headers = status, errors, headers

    def response(self) -> JSONResponse:
        return JSONResponse({"errors": self.errors}, status_code=self.status, headers=self.headers)


def field_error(status: int, field: str, message: str) -> ApiError:
    return ApiError(status, [{"field": field, "message": message}])


def errors_response(status: int, errors: list[dict[str, str]]) -> JSONResponse:
    return ApiError(status, errors).response()


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that may answer these error statuses."""
    return {status: {"model": Errors} for status in statuses}


class Routes(APIRouter):
    """An APIRouter that remembers the models of the bodies its routes read themselves, and of their answers."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.body_models: list[type[BaseModel]] = []
        self.answer_models: list[type[BaseModel]] = []

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().add_api_route(path, endpoint, **kwargs)
        models = [kwargs.get("response_model"), *(a.get("model") for a in (kwargs.get("responses") or {}).values())]
        self.answer_models += [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]

    def include(self, other: Routes) -> None:
        """``other``'s routes, and the bodies and answers they document, served here too."""
        self.include_router(other)
        self.body_models += other.body_models
        self.answer_models += other.answer_models

    def json_body(self, model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
        """``openapi_extra`` documenting a JSON request body of ``model``."""
        self.body_models.append(model)
        schema = {"$ref": COMPONENTS + model.__name__}
        return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


def component_schemas(models: list[type[BaseModel]]) -> dict[str, Any]:
    """The ``components.schemas`` entries of ``models`` and every model they use."""
    out: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=COMPONENTS + "{model}")
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out
