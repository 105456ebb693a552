"""``faststream docs gen`` on each service alone gives its complete AsyncAPI document, with no Redis."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

pytestmark = pytest.mark.integration

ROOT = Path(__file__).parents[3]
OFFICIAL_SCHEMA = ROOT / "tests" / "fixtures" / "asyncapi" / "asyncapi-3.0.0.schema.json"
FASTSTREAM = Path(sys.executable).parent / "faststream"


@pytest.mark.parametrize(("service", "operations"), [
    ("ingest", {"ingest:releases", "ingest:dead-letters", "ingest:sources"}),
    ("classifier", {"classifier:release.published", "classifier:release.published/reclaim",
                    "classifier:classified", "classifier:dead-letters"}),
    ("notifier", {"notifier:release.classified", "notifier:release.classified/reclaim", "notifier:alerts",
                  "notifier:reminders", "notifier:deliveries", "notifier:dead-letters", "notifier:webhook"}),
    ("ledger", {"ledger:release.classified", "ledger:release.classified/reclaim", "ledger:dead-letters"}),
])
def test_each_service_documents_what_it_reads_and_writes(tmp_path, service, operations):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    env.update(REDIS_URL="redis://127.0.0.1:9/0",  # nothing listens there: no Redis is needed
               PLEDGEWATCH_API_TOKEN="test-api-token-0123456789abcdef")
    out = tmp_path / "asyncapi.json"
    result = subprocess.run([str(FASTSTREAM), "docs", "gen", f"services.{service}.app:app", "--out", str(out)],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    assert set(document["operations"]) == operations
    assert "EmptyPayload" not in out.read_text()
    assert list(Draft7Validator(json.loads(OFFICIAL_SCHEMA.read_text())).iter_errors(document)) == []
