"""A request body's JSON: :func:`~services.common.json_keys.loads_request` (bounded, a key given twice in one object
refused), answered 400 or 422 as the API answers a body it refuses."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from schemas.json_bounds import JSONBoundsError

from .api import ApiError, field_error
from .json_keys import DuplicateKey, loads_request


async def read_json_body(request: Request) -> Any:
    """The request's body as JSON: 400 (field ``body``) for a body that is not JSON or is past the bounds, 422
    naming a key given twice (:func:`loads_request`)."""
    try:
        return loads_request(await request.body())
    except JSONBoundsError as exc:
        raise field_error(400, "body", str(exc)) from None
    except DuplicateKey as exc:
        raise ApiError(422, [exc.error]) from None
