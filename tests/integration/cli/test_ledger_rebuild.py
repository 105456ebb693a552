"""`pledgewatch ledger rebuild` as a user runs it: a real process, a real Redis."""

import json
import os
import subprocess
import sys

import pytest
import redis

from schemas.streams import CLASSIFIED, EVENT_FIELD

pytestmark = pytest.mark.integration


def _pledgewatch(*args, env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    full_env.update(env)
    return subprocess.run([sys.executable, "-m", "pledgewatch.cli", *map(str, args)], capture_output=True,
                          text=True, env=full_env, timeout=60)


def test_rebuild_reads_the_classified_stream_again_and_drops_what_the_ledger_held(seed_file, tmp_path, redis_url,
                                                                                   key_prefix):
    edited = tmp_path / seed_file.name
    edited.write_text(seed_file.read_text().replace("£10m", "£8m"))
    events = [json.loads(_pledgewatch("classify", path, env={}).stdout) for path in (seed_file, edited)]
    events[1]["data"].update(version=2, release_id=events[0]["data"]["release_id"], url=events[0]["data"]["url"])
    client = redis.Redis.from_url(redis_url)
    try:
        client.set(f"{key_prefix}ledger:entry:left-over", "{}")
        for event in events:
            client.xadd(f"{key_prefix}{CLASSIFIED}", {EVENT_FIELD: json.dumps(event)})
        client.xadd(f"{key_prefix}{CLASSIFIED}", {"not": "an event"})

        result = _pledgewatch("ledger", "rebuild", env={"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix})

        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == ("ledger rebuilt: 2 release version(s) from 3 stream entries, "
                                         "1 not a release.classified event")
        assert not client.exists(f"{key_prefix}ledger:entry:left-over")
        [release_id] = [r.decode() for r in client.zrange(f"{key_prefix}ledger:releases", 0, -1)]
        keys = json.loads(client.hget(f"{key_prefix}ledger:release:{release_id}", "keys"))
        entries = [json.loads(client.get(f"{key_prefix}ledger:entry:{k}")) for k in keys]
        [changed] = [e for e in entries if e["state"] == "changed"]
        assert changed["history"][-1]["changes"][0]["after"] == "£8m"
    finally:
        client.close()


def test_rebuild_without_a_redis_says_so_in_one_line():
    result = _pledgewatch("ledger", "rebuild", env={"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
