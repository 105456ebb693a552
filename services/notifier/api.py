"""The subscriptions HTTP JSON API (aiohttp), served by the notifier.

GET/POST /subscriptions; GET/PUT/PATCH/DELETE /subscriptions/{id};
POST /subscriptions/{id}/pause {"until": ISO time}; POST /subscriptions/{id}/resume;
POST /subscriptions/{id}/test: a test notification through its channels now, each channel's outcome in the answer.
Bad input: 422 ``{"errors": [{"field": ..., "message": ...}]}``; a body that is not JSON or is past the
shared JSON bounds (:mod:`schemas.json_bounds`): 400. A new pause must not be in the past. Secrets are shown
as ``***`` and URLs redacted; a PATCH or PUT that sends them back as shown keeps the stored values.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from aiohttp import web
from pydantic import TypeAdapter, ValidationError
from pydantic import AwareDatetime

from schemas.json_bounds import JSONBoundsError, loads_bounded

from .bounds import pause_problem
from .probe import ChannelOutcome
from .redaction import HIDDEN, redact_url
from .store import SubscriptionStore
from .subscriptions import Subscription, SubscriptionError, parse_subscription

_WHEN = TypeAdapter(AwareDatetime)


def _errors(status: int, errors: list[dict[str, str]]) -> web.Response:
    return web.json_response({"errors": errors}, status=status)


def _public(sub: Subscription, origin: str) -> dict[str, Any]:
    return {**sub.model_dump(mode="json", exclude_none=True), "origin": origin}


async def _body(request: web.Request) -> Any:
    try:
        return loads_bounded(await request.read())
    except JSONBoundsError as exc:
        raise web.HTTPBadRequest(text=json.dumps({"errors": [{"field": "body", "message": str(exc)}]}),
                                 content_type="application/json") from None


def _keep_secrets(new: dict[str, Any], old: Subscription | None) -> dict[str, Any]:
    """A channel sent back as shown (secret ``***``, URL redacted) keeps the stored secret and URL
    of the same channel."""
    if old is None or not isinstance(new.get("channels"), list):
        return new
    stored = json.loads(old.stored())["channels"]
    channels = []
    for i, ch in enumerate(new["channels"]):
        if isinstance(ch, dict) and len(ch) == 1 and i < len(stored) and isinstance(stored[i], dict):
            (kind, params), = ch.items()
            if isinstance(params, dict) and kind in stored[i]:
                if params.get("secret") == HIDDEN:
                    params = {**params, "secret": stored[i][kind].get("secret")}
                url = stored[i][kind].get("url")
                if isinstance(url, str) and params.get("url") == redact_url(kind, url) and params["url"] != url:
                    params = {**params, "url": url}
                ch = {kind: params}
        channels.append(ch)
    return {**new, "channels": channels}


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def subscription_routes(get_store: Callable[[], SubscriptionStore],
                        clock: Callable[[], datetime] = _utc_now,
                        send_test: Callable[[Subscription], Awaitable[list[ChannelOutcome]]] | None = None,
                        ) -> list[web.RouteDef]:
    """The routes; ``send_test`` sends a test notification through a subscription's channels (the
    notifier's own channels and settings), for ``POST /subscriptions/{id}/test``."""
    async def find(request: web.Request) -> tuple[SubscriptionStore, str, Subscription]:
        store, sub_id = get_store(), request.match_info["id"]
        sub = await store.get(sub_id)
        if sub is None:
            raise web.HTTPNotFound(text=json.dumps({"errors": [{"field": "id", "message": f"no subscription {sub_id!r}"}]}),
                                   content_type="application/json")
        return store, sub_id, sub

    def writable(store: SubscriptionStore, sub_id: str) -> None:
        if store.in_file(sub_id):
            raise web.HTTPConflict(text=json.dumps({"errors": [{"field": "id", "message":
                                   f"{sub_id!r} is defined in the subscriptions file; edit the file"}]}),
                                   content_type="application/json")

    async def save(store: SubscriptionStore, data: Any, *, status_new: int = 201, new_pause: bool = True
                   ) -> web.Response:
        """Validate and store; ``new_pause``: the pause is new input, so it must not be in the past."""
        try:
            sub = parse_subscription(data, now=clock() if new_pause else None)
        except SubscriptionError as exc:
            return _errors(422, exc.errors)
        writable(store, sub.id)
        created = await store.put(sub)
        return web.json_response(_public(sub, "api"), status=status_new if created else 200)

    async def list_all(request: web.Request) -> web.Response:
        store = get_store()
        file_subs = store.file.current()
        ids = {s.id for s in file_subs}
        api_subs = [s for s in await store.stored() if s.id not in ids]
        out = [_public(s, "file") for s in file_subs] + [_public(s, "api") for s in api_subs]
        return web.json_response({"subscriptions": out})

    async def create(request: web.Request) -> web.Response:
        store, data = get_store(), await _body(request)
        if isinstance(data, dict) and isinstance(data.get("id"), str) and await store.get(data["id"]):
            return _errors(409, [{"field": "id", "message": f"{data['id']!r} already exists; use PUT to replace"}])
        return await save(store, data)

    async def show(request: web.Request) -> web.Response:
        store, sub_id, sub = await find(request)
        return web.json_response(_public(sub, "file" if store.in_file(sub_id) else "api"))

    async def replace(request: web.Request) -> web.Response:
        store, sub_id = get_store(), request.match_info["id"]
        data = await _body(request)
        if not isinstance(data, dict):
            return _errors(422, [{"field": "subscription", "message": "expected a JSON object"}])
        if data.get("id", sub_id) != sub_id:
            return _errors(422, [{"field": "id", "message": f"does not match the URL ({sub_id!r})"}])
        old = await store.get(sub_id)
        same_pause = old is not None and data.get("paused_until") == _public(old, "api").get("paused_until")
        return await save(store, _keep_secrets({**data, "id": sub_id}, old), new_pause=not same_pause)

    async def patch(request: web.Request) -> web.Response:
        store, sub_id, sub = await find(request)
        data = await _body(request)
        if not isinstance(data, dict):
            return _errors(422, [{"field": "subscription", "message": "expected a JSON object"}])
        if data.get("id", sub_id) != sub_id:
            return _errors(422, [{"field": "id", "message": "cannot be changed"}])
        merged = {**json.loads(sub.stored()), **_keep_secrets(data, sub)}
        return await save(store, merged, new_pause="paused_until" in data)

    async def delete(request: web.Request) -> web.Response:
        store, sub_id, _ = await find(request)
        writable(store, sub_id)
        await store.delete(sub_id)
        return web.Response(status=204)

    async def pause(request: web.Request) -> web.Response:
        store, sub_id, sub = await find(request)
        data = await _body(request) if request.can_read_body else {}
        until = data.get("until") if isinstance(data, dict) else None
        try:
            when = _WHEN.validate_python(until if isinstance(until, str) else None, strict=False)
        except ValidationError as exc:
            return _errors(422, [{"field": "until", "message": exc.errors()[0]["msg"] +
                                  " (an ISO 8601 time with a zone, e.g. 2026-01-31T09:00:00Z)"}])
        problem = pause_problem(when, now=clock())
        if problem:
            return _errors(422, [{"field": "until", "message": problem}])
        return await save(store, {**json.loads(sub.stored()), "paused_until": when.isoformat()})

    async def resume(request: web.Request) -> web.Response:
        store, sub_id, sub = await find(request)
        return await save(store, {**json.loads(sub.stored()), "paused_until": None}, new_pause=False)

    async def test(request: web.Request) -> web.Response:
        _, sub_id, sub = await find(request)
        if send_test is None:
            return _errors(501, [{"field": "id", "message": "this server cannot send test notifications"}])
        outcomes = await send_test(sub)
        return web.json_response({"subscription": sub_id, "delivered": all(o.delivered for o in outcomes),
                                  "channels": [o.public() for o in outcomes]})

    return [
        web.post("/subscriptions/{id}/test", test),
        web.get("/subscriptions", list_all), web.post("/subscriptions", create),
        web.get("/subscriptions/{id}", show), web.put("/subscriptions/{id}", replace),
        web.patch("/subscriptions/{id}", patch), web.delete("/subscriptions/{id}", delete),
        web.post("/subscriptions/{id}/pause", pause), web.post("/subscriptions/{id}/resume", resume),
    ]
