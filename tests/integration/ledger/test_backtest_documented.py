"""POST /ledger/backtest takes exactly the bodies its documented request schema (``/openapi.json``) describes: a
body the schema admits is answered (200), one it refuses is refused (422), field by field (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings


from tests.documented_bodies import ABSENT, assert_taken_as_documented, changed_bodies

pytestmark = pytest.mark.integration

# Each field's values: good ones, and each way the API refuses one; ABSENT leaves the field out.
FIELDS = {
    "since": [ABSENT, "2017-01-01T00:00:00Z", "2017-01-01T00:00:00+01:00", "2017-01-01", "2017-01-01T00:00:00",
              1483228800, "1483228800", "soon", None],
    "filter": [ABSENT, {}, {"counter_terrorism": True}, {"counter_terrorism": "yes"}, {"counter_terrorism": 1},
               {"min_confidence": 0.5}, {"min_confidence": 1}, {"min_confidence": "0.5"}, {"min_confidence": 2},
               {"categories": ["funding"]}, {"category": ["funding"]}, {"kind": ["pledge"]},
               {"categories": ["funding"], "category": ["training"]}, {"categories": ["weather"]},
               {"keywords": ["bomb"]}, {"keyword": ["bomb"]}, {"keyword": "bomb"}, {"actors": ["UK"]},
               {"actor": ["  "]}, {"sources": ["gov.uk*"]}, {"source": ["gov.uk"]}, {"sources": None},
               {"colour": "red"}, "all"],
    "colour": [ABSENT, "red"],
}
BACKTEST = {"since": "2017-01-01T00:00:00Z"}


_BODIES = changed_bodies(BACKTEST, FIELDS, most=2)


@pytest.fixture
async def documented(ledger_served, documented_body):
    async with ledger_served() as (_, server):
        yield server + "/ledger/backtest", await documented_body(server, "post", "/ledger/backtest")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=_BODIES)
async def test_a_body_is_taken_exactly_when_its_documented_schema_admits_it(documented, api_headers, body):
    await assert_taken_as_documented(*documented, api_headers, body, taken=(200,))
