"""The subscriptions HTTP API against a real Redis: create, list, update, pause, delete, errors."""

from datetime import datetime, timezone

import pytest

from notifier_harness import api_call

pytestmark = pytest.mark.integration

HOOK = {"id": "ct-desk", "filter": {"counter_terrorism": True, "categories": ["funding"]},
        "channels": [{"webhook": {"url": "https://hooks.example.org/in", "secret": "s3cret"}}]}


async def test_subscription_lifecycle_survives_a_restart(notifier):
    n = await notifier(http=True)
    status, body = await api_call(n, "GET", "/subscriptions")
    assert (status, [s["origin"] for s in body["subscriptions"]]) == (200, ["api"])  # the console subscription a new system starts with

    status, body = await api_call(n, "POST", "/subscriptions", HOOK)
    assert status == 201
    assert body["channels"] == [{"webhook": {"url": "https://hooks.example.org/***", "secret": "***"}}]
    assert body["reminders"] == ["P30D", "P7D", "P1D", "P0D"] and body["mode"] == "immediate"
    assert (await api_call(n, "POST", "/subscriptions", HOOK))[0] == 409

    status, body = await api_call(n, "PATCH", "/subscriptions/ct-desk", {"mode": "digest", "digest_at": "07:30"})
    assert (status, body["mode"], body["digest_at"]) == (200, "digest", "07:30")
    status, body = await api_call(n, "POST", "/subscriptions/ct-desk/pause", {"until": "2030-01-01T00:00:00Z"})
    assert (status, body["paused_until"]) == (200, "2030-01-01T00:00:00Z")
    stored = await n.service.store.get("ct-desk")
    assert stored.channels[0].secret == "s3cret"  # *** sent back kept the secret

    await n.stop()
    n2 = await notifier(http=True)
    status, body = await api_call(n2, "GET", "/subscriptions/ct-desk")
    assert (status, body["mode"], body["origin"]) == (200, "digest", "api")
    status, body = await api_call(n2, "POST", "/subscriptions/ct-desk/resume")
    assert body.get("paused_until") is None
    put = {**HOOK, "channels": ["console"]}
    assert (await api_call(n2, "PUT", "/subscriptions/ct-desk", put))[0] == 200
    assert (await api_call(n2, "DELETE", "/subscriptions/ct-desk"))[0] == 204
    assert (await api_call(n2, "GET", "/subscriptions/ct-desk"))[0] == 404


async def test_every_bad_field_is_rejected_with_its_message(notifier):
    n = await notifier(http=True)
    bad = {"id": "bad id!", "filter": {"categories": ["funding", "astrology"], "min_confidence": 2, "colour": "red"},
           "channels": [{"webhook": {"url": "ftp://example.org/x"}}, {"email": {"to": ["not-an-address"]}},
                        {"pigeon": {}}],
           "mode": "weekly", "digest_at": "25:99", "reminders": ["P30D", "30 days"], "paused_until": "tomorrow",
           "extra": 1}
    status, body = await api_call(n, "POST", "/subscriptions", bad)
    assert status == 422
    errors = {e["field"]: e["message"] for e in body["errors"]}
    assert set(errors) == {"id", "filter.categories.1", "filter.min_confidence", "filter.colour", "channels.0.url",
                           "channels.1.to.0", "channels.2", "mode", "digest_at", "reminders", "paused_until", "extra"}
    assert errors["filter.colour"] == errors["extra"] == "unknown field"
    assert errors["channels.0.url"] == "only http and https URLs are allowed, not ftp://"
    assert errors["channels.1.to.0"] == "not an email address: 'not-an-address' (addr-spec local part with no domain)"
    assert "unknown channel type" in errors["channels.2"]
    assert errors["reminders"] == "'30 days' is not an ISO 8601 duration (e.g. P30D, P1W, PT2H)"

    status, body = await api_call(n, "POST", "/subscriptions", {"id": "x", "channels": []})
    assert body["errors"] == [{"field": "channels", "message": "List should have at least 1 item after validation, not 0"}]


async def test_file_subscriptions_are_listed_and_read_only(notifier, write_yaml):
    path = write_yaml("subscriptions: [{id: from-file, channels: [console]}]")
    n = await notifier(http=True, subscriptions=path)
    status, body = await api_call(n, "GET", "/subscriptions")
    assert [(s["id"], s["origin"]) for s in body["subscriptions"]] == [("from-file", "file")]
    status, body = await api_call(n, "DELETE", "/subscriptions/from-file")
    assert status == 409 and "subscriptions file" in body["errors"][0]["message"]


async def test_posting_an_id_the_file_defines_says_to_edit_the_file_not_to_put(notifier, write_yaml):
    """Before: 409 "already exists; use PUT to replace", and a PUT then answered 409 too."""
    file = write_yaml("subscriptions: [{id: from-file, channels: [console]}]")
    n = await notifier(http=True, subscriptions=file)
    status, body = await api_call(n, "POST", "/subscriptions", {"id": "from-file", "channels": ["console"]})
    assert (status, body["errors"]) == (409, [{"field": "id", "message": (
        f"'from-file' is defined in the subscriptions file {file.absolute()}: change or remove it there (a running "
        "pledgewatch reads the file again once it is saved, no restart)")}])


async def test_patch_refuses_fields_it_does_not_know_naming_each(notifier):
    """A PATCH with a misspelled field is a 422 naming it, as POST and PUT answer it; nothing is changed."""
    n = await notifier(http=True)
    assert (await api_call(n, "POST", "/subscriptions", HOOK))[0] == 201
    status, body = await api_call(n, "PATCH", "/subscriptions/ct-desk",
                                  {"mode": "digest", "chanels": ["console"], "remiders": ["P1D"]})
    assert status == 422, body
    assert body == {"errors": [{"field": "chanels", "message": "unknown field"},
                               {"field": "remiders", "message": "unknown field"}]}
    status, body = await api_call(n, "GET", "/subscriptions/ct-desk")
    assert body["mode"] == "immediate" and "webhook" in body["channels"][0]


@pytest.mark.parametrize("until, paused_until", [("2030-01-01", "2030-01-01T00:00:00Z"),
                                                 ("2030-01-01T09:00:00+01:00", "2030-01-01T09:00:00+01:00")],
                         ids=["date-alone", "time-with-zone"])
async def test_a_pause_takes_a_date_alone_as_the_start_of_that_day_utc(notifier, until, paused_until):
    """Before: a date alone was refused ("Input should have timezone info") though the CLI's --until and the
    dashboard read one pause end alike."""
    n = await notifier(http=True)
    assert (await api_call(n, "POST", "/subscriptions", HOOK))[0] == 201
    status, body = await api_call(n, "POST", "/subscriptions/ct-desk/pause", {"until": until})
    assert (status, body.get("paused_until")) == (200, paused_until), body
    status, body = await api_call(n, "POST", "/subscriptions/ct-desk/pause", {"until": "2030-01-01T09:00"})
    assert (status, body["errors"][0]["field"]) == (422, "until")
    assert body["errors"][0]["message"].startswith("not a date or a time with a zone"), body


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
async def test_a_put_or_patch_takes_a_paused_until_as_a_pause_does(notifier, method):
    """Before: a date alone in ``paused_until`` was refused ("Input should have timezone info") though the pause
    route took it; now both read it alike, and a time without its zone gets the same message."""
    n = await notifier(http=True)
    assert (await api_call(n, "POST", "/subscriptions", HOOK))[0] == 201
    body = {**HOOK, "paused_until": "2030-01-01"} if method == "PUT" else {"paused_until": "2030-01-01"}
    status, shown = await api_call(n, method, "/subscriptions/ct-desk", body)
    assert (status, shown.get("paused_until")) == (200, "2030-01-01T00:00:00Z"), shown
    status, shown = await api_call(n, method, "/subscriptions/ct-desk", {**body, "paused_until": "2030-01-01T09:00"})
    assert (status, shown["errors"][0]["field"]) == (422, "paused_until"), shown
    assert shown["errors"][0]["message"].startswith("not a date or a time with a zone"), shown
    assert (await n.service.store.get("ct-desk")).paused_until == datetime(2030, 1, 1, tzinfo=timezone.utc)


async def test_a_pause_names_what_is_wrong_with_its_body(notifier):
    """Before: a pause with no body, ``{}`` or a list was told "until: not a date or a time with a zone", and a
    misspelled field beside ``until`` was ignored, where every other body names an unknown field."""
    n = await notifier(http=True)
    assert (await api_call(n, "POST", "/subscriptions", HOOK))[0] == 201
    pause = "/subscriptions/ct-desk/pause"
    for body, errors in ((None, [{"field": "until", "message": "Field required"}]),
                         ({}, [{"field": "until", "message": "Field required"}]),
                         ([1], [{"field": "body", "message": 'expected a JSON object, {"until": …}'}]),
                         ({"until": "2030-01-01", "untill": "2031-01-01"}, [{"field": "untill",
                                                                             "message": "unknown field"}])):
        assert await api_call(n, "POST", pause, body) == (422, {"errors": errors}), body
    assert (await n.service.store.get("ct-desk")).paused_until is None


async def test_a_body_that_is_no_object_is_told_alike_by_post_put_and_patch(notifier):
    """Before: ``POST /subscriptions`` answered a list with "expected a mapping" (the subscriptions file's word),
    ``PUT`` and ``PATCH`` with "expected a JSON object"."""
    n = await notifier(http=True)
    assert (await api_call(n, "POST", "/subscriptions", HOOK))[0] == 201
    no_object = (422, {"errors": [{"field": "subscription", "message": "expected a JSON object"}]})
    for method, path in (("POST", "/subscriptions"), ("PUT", "/subscriptions/ct-desk"),
                         ("PATCH", "/subscriptions/ct-desk")):
        assert await api_call(n, method, path, [HOOK]) == no_object, method


async def test_every_url_and_secret_sent_as_shown_for_nothing_stored_is_refused_at_once(notifier):
    """Before: the first of them alone, the next told only once it was mended (the dashboard told them all)."""
    n = await notifier(http=True)
    sent = {"id": "shown", "channels": [{"webhook": {"url": "https://hooks.example.org/***"}},
                                        {"webhook": {"url": "https://other.example.org/in", "secret": "***"}}]}
    status, body = await api_call(n, "POST", "/subscriptions", sent)
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["channels.0.url", "channels.1.secret"]
    assert all(set(e) == {"field", "message"} for e in body["errors"])
