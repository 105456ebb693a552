"""An embedded Redis given a password refuses a client without it, and the password is on no command line:
``ps`` shows every user the arguments a process was started with. (redis-server overwrites its own process
title once started, so /proc/<pid>/cmdline after the start would not tell; the arguments it is given do.)"""

import secrets
import socket
import subprocess

import redis

from services.common import embedded_redis
from services.common.embedded_redis import EmbeddedRedis


def test_a_password_is_asked_for_and_given_in_an_owner_only_file_not_the_arguments(tmp_path, monkeypatch):
    password = secrets.token_urlsafe(32)
    launched = []
    popen = subprocess.Popen

    def recorded(args, **kwargs):
        launched.append(list(args))
        return popen(args, **kwargs)

    monkeypatch.setattr(embedded_redis.subprocess, "Popen", recorded)
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False, password=password)
    with server as url:
        assert url == f"redis://:{password}@127.0.0.1:{server.port}/0"
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as stranger:
            stranger.sendall(b"PING\r\n")
            assert stranger.recv(200).startswith(b"-NOAUTH")
        client = redis.Redis.from_url(url)
        assert client.ping()
        client.close()
    assert len(launched) == 1
    assert not [arg for arg in launched[0] if password in arg]
    assert (tmp_path / "redis" / "redis.conf").stat().st_mode & 0o777 == 0o600
