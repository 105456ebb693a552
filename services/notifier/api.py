"""The subscriptions HTTP JSON API, served by the notifier.

GET/POST /subscriptions; GET/PUT/PATCH/DELETE /subscriptions/{id};
POST /subscriptions/{id}/pause {"until": ISO time}; POST /subscriptions/{id}/resume;
POST /subscriptions/{id}/test: a test notification through its channels now, each channel's outcome in the answer.
GET /subscriptions/{id}/reminders?limit=N&cursor=C: the reminders planned for it and not fired yet, soonest first, a
page at a time (``cursor``: the ``next_cursor`` of the page before, as the ledger's lists page).
Bad input: 422 ``{"errors": [{"field": ..., "message": ...}]}``, a key given twice in one object too; a body
that is not JSON or is past the shared JSON bounds (:mod:`schemas.json_bounds`): 400. A new pause must not be in the past. Secrets are shown
as ``***`` and URLs redacted; a PATCH or PUT that sends them back as shown keeps the stored values.
"""

from __future__ import annotations

import json
from urllib.parse import quote
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timezone
from typing import Any, Literal

from fastapi import Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from typing_extensions import Annotated

from services.common.api import ApiError, Routes, answers, errors_response, field_error
from services.common.request_json import read_json_body
from services.ledger.core.queries import QueryError

from .bounds import pause_end, pause_problem
from .file_ids import absent_text
from .probe import ChannelOutcome
from .reminder_listing import DEFAULT_LIMIT, MAX_LIMIT
from .sent_back import SentBackError, kept_channels
from .store import SubscriptionStore, UnreadableSubscription
from .request_bodies import PauseRequest, SubscriptionChange
from .filter_schema import NOT_BLANK_PATTERN, document_filter
from .stored_problems import stored_problems
from .unreadable import readable
from .subscriptions import (SINGULAR, Filter, Subscription, SubscriptionError, parse_subscription,
                            refused_targets)

SubscriptionId = Annotated[str, Path(alias="id", description="The subscription's id.")]


class ShownFilter(Filter):
    """A filter as it is kept: as given, but for an actor or keyword of only dashes or accents, stored by an
    earlier version before such were refused, shown as stored (it selects nothing; ``problems`` names it)."""

    model_config = ConfigDict(json_schema_extra=lambda schema: document_filter(
        schema, singular=SINGULAR, entries={"sources": NOT_BLANK_PATTERN}))


class Problem(BaseModel):
    field: str = Field(description="The field, as an error of the API names it (filter.keywords, channels.0.url).")
    message: str = Field(description="What the API would say of it, given now.")


class _AsKept(Subscription):
    filter: ShownFilter = Field(default_factory=ShownFilter)
    problems: list[Problem] = Field(default_factory=list, description=(
        "Given only when there are some: each value the API would refuse were it given now, kept as an earlier "
        "version stored it before the check (a keyword of only dashes or accents selects nothing; a webhook URL "
        "no request can go to fails at each send, saying why). The subscription works as it did: change or "
        "leave out the value to clear it."))


class StoredSubscription(_AsKept):
    """A subscription as it is stored, shown as :class:`ShownSubscription` is."""


class ShownSubscription(_AsKept):
    """A subscription as the API shows it: secrets as ``***``, URLs redacted, and where it is defined."""

    origin: Literal["file", "api"]
    overrides: StoredSubscription | None = Field(
        default=None, description="On a subscription of the file: the stored one of the same id, which it overrides "
                                  "(that one receives nothing while the file defines the id).")


class UnreadableShown(BaseModel):
    id: str
    problems: list[Problem] = Field(description="Each value this version refuses, as the API's 422 names it.")


class SubscriptionList(BaseModel):
    subscriptions: list[ShownSubscription]
    unreadable: list[UnreadableShown] = Field(
        default_factory=list, description="Given only when there are some: the stored subscriptions this version "
                                          "cannot read, stored by an earlier one before a bound it now keeps (at "
                                          "most 20 reminders, say); they receive nothing, and are kept until "
                                          "replaced (PUT) or deleted.")
    not_loaded: list[str] = Field(
        default_factory=list, description="Given only when there are some: the ids read from a subscriptions file "
                                          "in an earlier run that this run, given no subscriptions file, does not "
                                          "have; they receive nothing until a run is given the file again.")


class ListedCommitment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    actor: str = Field(description="Who must act.")
    text: str = Field(description="The sentence or clause.")


class ListedRelease(BaseModel):
    model_config = ConfigDict(extra="forbid")

    release_id: str
    version: int = Field(description="The version of the release that planned the reminder.")
    title: str
    url: str


class ListedReminder(BaseModel):
    reminder_id: str
    fires_at: AwareDatetime = Field(description="When it goes out, UTC.")
    fires_at_local: AwareDatetime = Field(description="The same moment in the subscription's time zone.")
    offset: str = Field(description="How long before the due date (ISO 8601); P0D on the day.")
    deadline_index: int = Field(description="Which of the commitment's deadlines.")
    due: date | None = Field(description="The deadline's due date (null: its commitment cannot be read).")
    commitment: ListedCommitment | None = Field(description="The commitment reminded of (null: it cannot be read).")
    release: ListedRelease | None = Field(description="The release version that planned it (null: its commitment "
                                                      "cannot be read).")
    dropped: str | None = Field(description="Why it would be dropped rather than sent at its time, as the subscription "
                                            "stands now (paused then, its offset taken out, its filter no longer "
                                            "selecting the commitment); null: it is sent.")


class ReminderList(BaseModel):
    subscription: str
    timezone: str = Field(description="The subscription's time zone, in which fires_at_local is given.")
    planned: int = Field(description="How many reminders are planned for it, in all.")
    more: int = Field(description="How many of them are planned after those listed.")
    reminders: list[ListedReminder]
    next_cursor: str | None = Field(description="Ask again with cursor=this for the next page; null: no more.")


class TestOutcome(BaseModel):
    subscription: str
    delivered: bool  # through every channel
    channels: list[ChannelOutcome]


NO_OBJECT = {"field": "subscription", "message": "expected a JSON object"}


def _errors(status: int, errors: list[dict[str, str]]) -> JSONResponse:
    return errors_response(status, errors)


def _kept(sub: Subscription, url_refusal: Callable[[str], str | None]) -> dict[str, Any]:
    """``sub`` as shown, with the ``problems`` of a value stored before a check the API now makes."""
    problems = stored_problems(sub, url_refusal)
    return {**sub.model_dump(mode="json", exclude_none=True), **({"problems": problems} if problems else {})}


def _keep_secrets(new: dict[str, Any], old: Subscription | None) -> dict[str, Any]:
    """A channel sent back as shown (secret ``***``, URL redacted) keeps the stored secret and URL
    of the channel it stands for (:mod:`.sent_back`); a 422 when that cannot be told, or when a URL in a shown
    form stands for none (``old`` None: nothing is stored)."""
    if not isinstance(new.get("channels"), list):
        return new
    stored = json.loads(old.stored())["channels"] if old is not None else []
    try:
        return {**new, "channels": kept_channels(new["channels"], stored)}
    except SentBackError as exc:  # every one at once, as the dashboard tells them
        raise ApiError(422, exc.errors) from None


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def subscription_routes(get_store: Callable[[], SubscriptionStore],
                        clock: Callable[[], datetime] = _utc_now,
                        send_test: Callable[[Subscription], Awaitable[list[ChannelOutcome]]] | None = None,
                        url_refusal: Callable[[str], str | None] = lambda url: None,
                        reminders: Callable[[Subscription, int, str | None], Awaitable[dict[str, Any]]] | None = None,
                        ) -> Routes:
    """The routes; ``send_test`` sends a test notification through a subscription's channels (the
    notifier's own channels and settings), for ``POST /subscriptions/{id}/test``; ``url_refusal(url)`` says
    why a webhook's or a self-hosted Apprise service's URL would be refused at every send (an IP literal outside
    the outbound policy); ``reminders(sub, limit, cursor)`` lists a page of the reminders planned for a
    subscription (:mod:`.reminder_listing`), for ``GET /subscriptions/{id}/reminders``."""
    def _public(sub: Subscription, origin: str) -> dict[str, Any]:
        return {**_kept(sub, url_refusal), "origin": origin}

    async def find(sub_id: str) -> tuple[SubscriptionStore, str, Subscription]:
        store = get_store()
        sub = await readable(store.get, sub_id)
        if sub is None:
            raise field_error(404, "id", await absent_text(store, sub_id))
        return store, sub_id, sub

    def writable(store: SubscriptionStore, sub_id: str) -> None:
        if owned := store.file_owns(sub_id):
            raise field_error(409, "id", owned)

    async def save(store: SubscriptionStore, data: Any, *, new_pause: bool = True,
                   old: Subscription | None = None) -> JSONResponse:
        """Validate and store; ``new_pause``: the pause is new input, so it must not be in the past; ``old``:
        the stored version, whose channels (and actors and keywords) are not judged again as new input."""
        kept = old.channels if old is not None else []
        try:
            sub = parse_subscription(data, now=clock() if new_pause else None, kept=kept,
                                     kept_filter=old.filter if old is not None else None)
        except SubscriptionError as exc:
            return _errors(422, exc.errors)
        if refused := refused_targets(sub, url_refusal, kept):
            return _errors(422, refused)
        writable(store, sub.id)
        if await store.put(sub):
            return JSONResponse(_public(sub, "api"), status_code=201,
                                headers={"Location": f"/subscriptions/{quote(sub.id, safe='')}"})
        return JSONResponse(_public(sub, "api"))

    async def list_all() -> JSONResponse:
        store = get_store()
        file_subs = store.file.current()
        ids = {s.id for s in file_subs}
        readable, unreadable = await store.stored_and_unreadable()
        stored = {s.id: s for s in readable}
        api_subs = [s for s in stored.values() if s.id not in ids]
        out = [{**_public(s, "file"), **({"overrides": _kept(stored[s.id], url_refusal)}
                                        if s.id in stored else {})} for s in file_subs]
        out += [_public(s, "api") for s in api_subs]
        not_loaded = await store.not_loaded_from_file() if store.file.path is None else []
        unread = [{"id": exc.sub_id, "problems": exc.errors} for exc in unreadable]
        return JSONResponse({"subscriptions": out, **({"unreadable": unread} if unread else {}),
                             **({"not_loaded": not_loaded} if not_loaded else {})})

    async def create(request: Request) -> JSONResponse:
        store, data = get_store(), await read_json_body(request)
        if not isinstance(data, dict):
            return _errors(422, [NO_OBJECT])
        if isinstance(data.get("id"), str):
            writable(store, data["id"])  # the file's: no PUT replaces it either
            if await readable(store.get, data["id"]):
                return _errors(409, [{"field": "id", "message": f"{data['id']!r} already exists; use PUT to replace"}])
        return await save(store, _keep_secrets(data, None))

    async def show(sub_id: SubscriptionId) -> JSONResponse:
        store, sub_id, sub = await find(sub_id)
        return JSONResponse(_public(sub, "file" if store.in_file(sub_id) else "api"))

    async def replace(request: Request, sub_id: SubscriptionId) -> JSONResponse:
        store = get_store()
        data = await read_json_body(request)
        if not isinstance(data, dict):
            return _errors(422, [NO_OBJECT])
        if data.get("id", sub_id) != sub_id:
            return _errors(422, [{"field": "id", "message": f"does not match the URL ({sub_id!r})"}])
        try:
            old = await store.get(sub_id)
        except UnreadableSubscription:  # replaced whole by what is given: nothing of it is carried along
            old = None
        same_pause = old is not None and data.get("paused_until") == old.model_dump(mode="json").get("paused_until")
        return await save(store, _keep_secrets({**data, "id": sub_id}, old), new_pause=not same_pause,
                          old=old)

    async def patch(request: Request, sub_id: SubscriptionId) -> JSONResponse:
        store, sub_id, sub = await find(sub_id)
        data = await read_json_body(request)
        if not isinstance(data, dict):
            return _errors(422, [NO_OBJECT])
        if data.get("id", sub_id) != sub_id:
            return _errors(422, [{"field": "id", "message": "cannot be changed"}])
        merged = {**json.loads(sub.stored()), **_keep_secrets(data, sub)}
        return await save(store, merged, new_pause="paused_until" in data, old=sub)

    async def delete(sub_id: SubscriptionId) -> Response:
        store = get_store()
        writable(store, sub_id)
        if not await store.delete(sub_id):  # one this version cannot read is deleted too
            raise field_error(404, "id", await absent_text(store, sub_id))
        return Response(status_code=204)

    async def pause(request: Request, sub_id: SubscriptionId) -> JSONResponse:
        store, sub_id, sub = await find(sub_id)
        data = await read_json_body(request) if await request.body() else {}
        if not isinstance(data, dict):
            return _errors(422, [{"field": "body", "message": 'expected a JSON object, {"until": …}'}])
        problems = [{"field": name, "message": "unknown field"} for name in data if name != "until"]
        if not problems and "until" not in data:
            problems = [{"field": "until", "message": "Field required"}]
        if problems:
            return _errors(422, problems)
        try:
            when = pause_end(data["until"])
        except ValueError as exc:
            return _errors(422, [{"field": "until", "message": str(exc)}])
        problem = pause_problem(when, now=clock())
        if problem:
            return _errors(422, [{"field": "until", "message": problem}])
        return await save(store, {**json.loads(sub.stored()), "paused_until": when.isoformat()}, old=sub)

    async def resume(sub_id: SubscriptionId) -> JSONResponse:
        store, sub_id, sub = await find(sub_id)
        return await save(store, {**json.loads(sub.stored()), "paused_until": None}, new_pause=False, old=sub)

    async def test(sub_id: SubscriptionId) -> JSONResponse:
        _, sub_id, sub = await find(sub_id)
        if send_test is None:
            return _errors(501, [{"field": "id", "message": "this server cannot send test notifications"}])
        outcomes = await send_test(sub)
        return JSONResponse({"subscription": sub_id, "delivered": all(o.delivered for o in outcomes),
                             "channels": [o.public() for o in outcomes]})

    async def planned(sub_id: SubscriptionId, limit: Annotated[int, Query(
            ge=1, le=MAX_LIMIT, description=f"How many to list, soonest first (at most {MAX_LIMIT}).")] = DEFAULT_LIMIT,
                      cursor: Annotated[str | None, Query(max_length=500, description=(
                          "``next_cursor`` of the page before: those planned after its last, as planned now."))] = None
                      ) -> JSONResponse:
        _, sub_id, sub = await find(sub_id)
        if reminders is None:
            return _errors(501, [{"field": "id", "message": "this server cannot list planned reminders"}])
        try:
            return JSONResponse(await reminders(sub, limit, cursor))
        except QueryError as exc:  # a cursor this server did not give
            name, _, message = str(exc).partition(": ")
            return _errors(422, [{"field": name, "message": message}])

    routes = Routes(tags=["subscriptions"])
    one, shown = "/subscriptions/{id}", {"response_model": ShownSubscription}
    created = {"description": "Created", "headers": {"Location": {
        "description": "Its path: /subscriptions/{id}.", "schema": {"type": "string"}}}}
    routes.add_api_route("/subscriptions", list_all, methods=["GET"], response_model=SubscriptionList,
                         summary="Every subscription, the file's first")
    routes.add_api_route("/subscriptions", create, methods=["POST"], status_code=201, **shown,
                         responses={201: created, **answers(400, 409, 422)}, openapi_extra=routes.json_body(Subscription),
                         summary="Create a subscription")
    routes.add_api_route(one, show, methods=["GET"], **shown, responses=answers(404, 409), summary="One subscription")
    routes.add_api_route(one, replace, methods=["PUT"], **shown,
                         responses={201: {"model": ShownSubscription, **created}, **answers(400, 409, 422)},
                         openapi_extra=routes.json_body(Subscription), summary="Create or replace a subscription")
    routes.add_api_route(one, patch, methods=["PATCH"], **shown, responses=answers(400, 404, 409, 422),
                         openapi_extra=routes.json_body(SubscriptionChange),
                         summary="Change some fields of a subscription (those given replace the stored ones)")
    routes.add_api_route(one, delete, methods=["DELETE"], status_code=204, response_class=Response,
                         responses=answers(404, 409), summary="Delete a subscription")
    routes.add_api_route(one + "/pause", pause, methods=["POST"], **shown, responses=answers(400, 404, 409, 422),
                         openapi_extra=routes.json_body(PauseRequest), summary="Pause until a time")
    routes.add_api_route(one + "/resume", resume, methods=["POST"], **shown, responses=answers(404, 409),
                         summary="Resume")
    routes.add_api_route(one + "/test", test, methods=["POST"], response_model=TestOutcome,
                         responses=answers(404, 409, 501),
                         summary="Send a test notification through its channels now")
    routes.add_api_route(one + "/reminders", planned, methods=["GET"], response_model=ReminderList,
                         responses=answers(404, 409, 422, 501),
                         summary="The reminders planned for it and not fired yet, soonest first")
    return routes
