"""Every field a webhook receives is said in words in its JSON Schema: a receiver's author reads what
``confidence``, ``money.amount`` or a response time's ``anchor`` is there, not by guessing from a sample."""

import json

import pytest

from schemas.generate import render_all

WEBHOOK_DATA = ["data/alert.v6.json", "data/digest.v6.json", "data/due_this_week.v1.json", "data/test.v1.json"]


def _unsaid(schema: dict) -> list[str]:
    """Each property of ``schema`` (and of its definitions) with no description, its own or its definition's."""
    definitions = schema.get("$defs", {})

    def said(prop: dict) -> bool:
        target = prop.get("$ref") or next((option.get("$ref") for option in prop.get("anyOf", ()) if "$ref" in option),
                                          None)
        return "description" in prop or bool(target and "description" in definitions[target.rsplit("/", 1)[1]])

    return [f"{name}.{field}" for name, model in [("data", schema), *definitions.items()]
            for field, prop in model.get("properties", {}).items() if not said(prop)]


@pytest.mark.parametrize("name", WEBHOOK_DATA)
def test_every_field_a_webhook_receives_is_described(name):
    assert _unsaid(json.loads(render_all()[name])) == []
