"""A Redis that refuses the credentials in REDIS_URL is reported at once, in one line naming REDIS_URL, never
waited for as if it were down, and the password is never repeated."""

import os
import subprocess
import sys
import time

import pytest
import redis

from services.common.embedded_redis import free_port, redis_server_binary
from services.common.runtime import Runtime

pytestmark = pytest.mark.integration

PASSWORD = "s3cret-pw"


@pytest.fixture
def guarded_redis(tmp_path):
    """A private redis-server that asks for :data:`PASSWORD`; its port."""
    port = free_port()
    server = subprocess.Popen([redis_server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path), "--requirepass", PASSWORD],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, password=PASSWORD)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield port
    finally:
        client.close()
        server.terminate()
        server.wait()


@pytest.mark.parametrize("credentials", [":wrong-pw@", "", "someone:wrong-pw@"],
                         ids=["wrong password", "no password", "wrong user"])
async def test_refused_credentials_fail_at_once_in_one_line_naming_redis_url(settings, guarded_redis, credentials):
    url = f"redis://{credentials}127.0.0.1:{guarded_redis}/0"
    runtime = Runtime(settings.model_copy(update={"redis_url": url, "redis_wait_seconds": 30.0}), source="/test")
    started = time.monotonic()
    with pytest.raises(RuntimeError) as caught:
        await runtime.open()
    waited = time.monotonic() - started
    message = str(caught.value)
    assert "REDIS_URL" in message and "credentials" in message and f"127.0.0.1:{guarded_redis}" in message
    assert "wrong-pw" not in message and "\n" not in message
    assert waited < 15, "waited for a Redis that answered, as if it were down"


async def test_the_right_password_connects(settings, guarded_redis):
    url = f"redis://:{PASSWORD}@127.0.0.1:{guarded_redis}/0"
    runtime = Runtime(settings.model_copy(update={"redis_url": url}), source="/test")
    streams = await runtime.open()
    try:
        assert await streams.client.ping()
    finally:
        await runtime.close()


@pytest.mark.parametrize("credentials", [":wrong-pw@", ""], ids=["wrong password", "no password"])
def test_status_says_redis_refused_the_credentials_not_that_it_does_not_answer(settings, guarded_redis,
                                                                               credentials, tmp_path):
    """Before: `error: Redis at redis://:***@… does not answer (invalid username-password pair …): is pledgewatch
    still running?`, though Redis answered, and what to fix is the password in REDIS_URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update(REDIS_URL=f"redis://{credentials}127.0.0.1:{guarded_redis}/0", PLEDGEWATCH_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "pledgewatch.cli", "status"], capture_output=True, text=True,
                          env=env, timeout=60)
    [line] = done.stderr.splitlines()
    assert done.returncode == 1
    assert line.startswith("error: pledgewatch status: Redis at redis://"), line
    assert "(REDIS_URL) refused the credentials" in line and "does not answer" not in line, line
    assert line.endswith("put its user and password in REDIS_URL (redis://USER:PASSWORD@HOST:PORT/DB)"), line
    assert "still running" not in line and "wrong-pw" not in line
