"""The subscriptions API answers as ``/openapi.json`` says it does, so that a client generated from the document
reads every answer: channels as they are shown (``{"webhook": {…}}``, ``"console"``), times of day as ``HH:MM``,
and a body the document describes is one the server takes."""

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from notifier_harness import api_call

pytestmark = pytest.mark.integration

MADE = {"id": "bio", "mode": "digest", "digest_at": "07:30", "timezone": "Europe/London",
        "due_this_week": {"weekday": "friday", "at": "17:00"},
        "channels": [{"type": "console"},
                     {"type": "webhook", "url": "https://hooks.example.org/in?token=abc", "secret": "s3cret",
                      "content_mode": "binary"},
                     {"type": "email", "to": ["desk@example.org"]},
                     {"type": "apprise", "url": "json://hooks.example.org/chat"}]}


def _validator(document: dict, schema: dict) -> Draft202012Validator:
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    return Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _problems(document: dict, method: str, path: str, status: int, body: object) -> list[str]:
    answer = document["paths"][path][method]["responses"][str(status)]
    schema = answer["content"]["application/json"]["schema"]
    return [f"{method} {path} {status} {list(e.absolute_path)}: {e.message}"
            for e in _validator(document, schema).iter_errors(body)]


async def test_every_answer_about_a_subscription_is_valid_under_its_documented_schema(notifier, write_yaml):
    n = await notifier(http=True)
    status, document = await api_call(n, "GET", "/openapi.json")
    assert status == 200
    request = document["paths"]["/subscriptions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert [e.message for e in _validator(document, request).iter_errors(MADE)] == []

    answers = [("post", "/subscriptions", *await api_call(n, "POST", "/subscriptions", MADE))]
    assert answers[0][2] == 201, answers[0][3]
    answers.append(("get", "/subscriptions/{id}", *await api_call(n, "GET", "/subscriptions/bio")))
    answers.append(("patch", "/subscriptions/{id}", *await api_call(n, "PATCH", "/subscriptions/bio",
                                                                     {"digest_at": "06:05"})))
    answers.append(("post", "/subscriptions/{id}/pause", *await api_call(n, "POST", "/subscriptions/bio/pause",
                                                                         {"until": "2030-01-01"})))
    await n.stop()

    n = await notifier(http=True, subscriptions=write_yaml(
        "subscriptions: [{id: bio, channels: [console, {webhook: {url: 'https://hooks.example.org/x', "
        "secret: s}}], digest_at: '09:15', due_this_week: true}]"))
    answers.append(("get", "/subscriptions", *await api_call(n, "GET", "/subscriptions")))
    assert [s["overrides"]["digest_at"] for s in answers[-1][3]["subscriptions"] if "overrides" in s] == ["06:05"]
    problems = [p for method, path, status, body in answers for p in _problems(document, method, path, status, body)]
    assert problems == []


@pytest.mark.parametrize(("change", "status"), [
    pytest.param({"digest_at": "06:05"}, 200, id="one-field"),
    pytest.param({"filter": {"keyword": ["bomb"]}, "reminders": ["P7D"]}, 200, id="two-fields"),
    pytest.param({"id": "bio", "mode": "immediate"}, 200, id="its-own-id"),
    pytest.param({}, 200, id="nothing"),
    pytest.param({"colour": "red"}, 422, id="unknown-field"),
    pytest.param({"digest_at": "25:00"}, 422, id="bad-time"),
    pytest.param({"channels": []}, 422, id="no-channel"),
])
async def test_a_change_is_taken_exactly_when_its_documented_schema_admits_it(notifier, change, status):
    n = await notifier(http=True)
    _, document = await api_call(n, "GET", "/openapi.json")
    assert (await api_call(n, "POST", "/subscriptions", MADE))[0] == 201
    request = document["paths"]["/subscriptions/{id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    problems = [e.message for e in _validator(document, request).iter_errors(change)]
    got, answer = await api_call(n, "PATCH", "/subscriptions/bio", change)
    assert (got, problems == []) == (status, status == 200), (answer, problems)
