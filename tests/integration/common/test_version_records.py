"""Each service process records its release and key schema: a process of another key schema does not start beside
a live one, another release of the same schema starts with a warning (a rolling upgrade), and a record is taken out
when its process stops, or taken for gone once old (a process killed)."""

from __future__ import annotations

import json
import logging
import time

import pytest

from pledgewatch.build_info import this_build
from schemas.streams import KEY_SCHEMA
from services.common.runtime import Runtime
from services.common.service import build_app
from services.common.versions import KEY, AnotherKeySchema, VersionRecord

pytestmark = pytest.mark.integration


@pytest.fixture
async def other_version(settings):
    """``await other_version(release, schema)``: a live record of a process of that version; stopped afterwards."""
    started = []

    async def start(release: str, schema: int) -> VersionRecord:
        record = VersionRecord(Runtime(settings, source="/other"), "old-host-1", release=release, schema=schema)
        await record.start()
        started.append(record)
        return record

    yield start
    for record in started:
        await record.stop()


async def _recorded(settings) -> dict:
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    try:
        return {k.decode(): json.loads(v) for k, v in (await streams.client.hgetall(streams.key(KEY))).items()}
    finally:
        await runtime.close()


async def test_a_service_does_not_start_beside_a_live_process_of_another_key_schema(settings, other_version):
    """Before: it started, joined the same consumer groups and shared their work, with nothing said."""
    other = await other_version("0.0.9", KEY_SCHEMA + 1)
    with pytest.raises(AnotherKeySchema, match=rf"beside 0\.0\.9 \(key schema {KEY_SCHEMA + 1}\) as consumer "
                                               r"old-host-1.*Stop every process of the other version"):
        await build_app([], settings, title="test").start()
    assert set(await _recorded(settings)) == {"old-host-1"}

    await other.stop()  # stopped cleanly: its record goes, and the new version starts at once
    app = build_app([], settings, title="test")
    await app.start()
    try:
        assert (await _recorded(settings))[settings.consumer]["schema"] == KEY_SCHEMA
    finally:
        await app.stop()
    assert settings.consumer not in await _recorded(settings)


async def test_another_release_of_the_same_key_schema_starts_with_a_warning(settings, other_version, caplog):
    await other_version("0.0.9", KEY_SCHEMA)
    app = build_app([], settings, title="test")
    with caplog.at_level(logging.WARNING, logger="services.common.versions"):
        await app.start()
    try:
        assert f"runs beside 0.0.9 (key schema {KEY_SCHEMA}) as consumer old-host-1 (same key schema" in caplog.text
        assert set(await _recorded(settings)) == {"old-host-1", settings.consumer}
    finally:
        await app.stop()


async def test_the_record_of_a_process_killed_long_ago_does_not_stop_a_start(settings):
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    gone = {"release": "0.0.9", "schema": KEY_SCHEMA + 1, "pid": 1, "at": time.time() - 3600}
    await streams.client.hset(streams.key(KEY), "killed-host-1", json.dumps(gone))
    await runtime.close()
    app = build_app([], settings, title="test")
    await app.start()
    await app.stop()


async def test_a_process_of_another_key_schema_found_while_running_is_told_once(settings, caplog):
    """One started beside a running process without checking (an earlier version's, or in the same instant)."""
    import asyncio

    mine = VersionRecord(Runtime(settings, source="/test"), settings.consumer, every=0.05)
    await mine.start()
    try:
        with caplog.at_level(logging.ERROR, logger="services.common.versions"):
            later = {"release": "0.9.0", "schema": KEY_SCHEMA + 1, "pid": 1, "at": time.time()}
            await mine.runtime.streams.client.hset(mine.runtime.streams.key(KEY), "new-host-1", json.dumps(later))
            for _ in range(200):
                if "new-host-1" in caplog.text:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)  # a few more rounds: told once, not each round
        told = [r for r in caplog.records if "new-host-1" in r.getMessage()]
        assert len(told) == 1 and told[0].levelname == "ERROR", caplog.text
    finally:
        await mine.stop()


async def test_of_two_processes_of_other_key_schemas_starting_at_once_one_is_refused(settings, monkeypatch):
    """The other records itself between this one's read of the records and its own record. Before: each read
    none of the other, and both ran."""
    mine = VersionRecord(Runtime(settings, source="/test"), settings.consumer)
    other = VersionRecord(Runtime(settings, source="/other"), "new-host-1", release="0.9.0", schema=KEY_SCHEMA + 1)
    read = mine.live_others

    async def then_the_other_starts(*args, **kwargs):
        found = await read(*args, **kwargs)
        monkeypatch.setattr(mine, "live_others", read)  # once
        await other.start()
        return found
    monkeypatch.setattr(mine, "live_others", then_the_other_starts)
    try:
        with pytest.raises(AnotherKeySchema, match="new-host-1"):
            await mine.start()
        assert set(await _recorded(settings)) == {"new-host-1"}
    finally:
        await mine.stop()
        await other.stop()


async def test_a_classifier_records_its_model_and_is_warned_of_another_running_another(settings, caplog):
    """Replicas of one stream running different models are told, not silent."""
    import hashlib
    from pathlib import Path

    from services.classifier.core import CLASSIFIER_VERSION
    from services.classifier.service import ClassifierService

    other = VersionRecord(Runtime(settings, source="/other"), "replica-2", classifier={
        "version": "rules-0.14.4+model-sha256:abababababab", "model": "/srv/mine.json", "sha256": "ab" * 32})
    await other.start()
    app = build_app([ClassifierService(settings)], settings, title="test")
    try:
        with caplog.at_level(logging.WARNING, logger="services.common.versions"):
            await app.start()
        mine = (await _recorded(settings))[settings.consumer]["classifier"]
        shipped = Path(__file__).resolve().parents[3] / "services" / "classifier" / "core" / "model" / "decision.json"
        assert mine == {"version": CLASSIFIER_VERSION, "model": None,
                        "sha256": hashlib.sha256(shipped.read_bytes()).hexdigest()}
        assert ("runs rules+model-" in caplog.text and "beside one running rules-0.14.4+model-sha256:abababababab "
                "(/srv/mine.json) as consumer replica-2" in caplog.text), caplog.text
    finally:
        await app.stop()
        await other.stop()


async def test_a_classifier_beside_another_release_shipping_another_model_is_told_to_finish_the_upgrade(
        settings, caplog):
    """Neither runs a model file of its own: setting PLEDGEWATCH_CLASSIFIER_MODEL, as it was told, is not the cure."""
    from services.classifier.service import ClassifierService

    other = VersionRecord(Runtime(settings, source="/other"), "replica-2", release="0.0.9", classifier={
        "version": "rules+model-0.12.3", "model": None, "sha256": "ab" * 32})
    await other.start()
    app = build_app([ClassifierService(settings)], settings, title="test")
    try:
        with caplog.at_level(logging.WARNING, logger="services.common.versions"):
            await app.start()
        [told] = [r.getMessage() for r in caplog.records if "beside one running rules+model-0.12.3" in r.getMessage()]
        assert "PLEDGEWATCH_CLASSIFIER_MODEL" not in told and "each release ships its own" in told, told
    finally:
        await app.stop()
        await other.stop()


async def test_a_process_records_and_logs_its_build_at_start(settings, caplog):
    app = build_app([], settings, title="test")
    with caplog.at_level(logging.INFO, logger="services.common.versions"):
        await app.start()
    try:
        record = (await _recorded(settings))[settings.consumer]
        assert (record["release"], record["commit"]) == (this_build().release, this_build().commit)
        assert f"pledgewatch {this_build().named()} starting as consumer {settings.consumer}" in caplog.text
        # before: which Redis and keys were not said, and a container's log could not tell them
        assert f"consumer {settings.consumer} on {settings.redis_url}, keys {settings.prefix}*" in caplog.text
    finally:
        await app.stop()
