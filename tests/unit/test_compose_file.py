"""docker-compose.yml: Redis persists, every service is healthchecked and scalable."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_redis_keeps_its_data_in_an_append_only_file_on_a_volume(compose):
    redis = compose["services"]["redis"]
    assert "--appendonly" in redis["command"] and "yes" in redis["command"]
    assert any(v.endswith(":/data") for v in redis["volumes"])
    assert "healthcheck" in redis


@pytest.mark.parametrize("name", ["ingest", "classifier", "notifier"])
def test_each_service_is_its_own_healthchecked_faststream_app(compose, name):
    service = compose["services"][name]
    assert service["command"] == ["faststream", "run", f"services.{name}.app:app"]
    assert "healthcheck" in service
    assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert "container_name" not in service  # a fixed name would forbid --scale


def test_classifier_publishes_no_host_port_so_it_scales(compose):
    assert "ports" not in compose["services"]["classifier"]


def test_notifier_publishes_a_range_of_host_ports_so_it_scales(compose):
    (port,) = compose["services"]["notifier"]["ports"]
    host = port.split(":")[1]
    first, _, last = host.partition("-")
    assert last and int(last) > int(first), port  # --scale notifier=2 needs a host port each


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
def test_compose_file_validates_offline():
    env = {**os.environ, "PLEDGEWATCH_API_TOKEN": "compose-token-0123456789"}
    result = subprocess.run(["docker-compose", "-f", str(COMPOSE), "config", "-q"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_every_published_port_is_bound_to_loopback(compose):
    published = [port for service in compose["services"].values() for port in service.get("ports", [])]
    assert published
    assert all(str(port).startswith("127.0.0.1:") for port in published), published


@pytest.mark.parametrize("name", ["ingest", "notifier"])
def test_services_with_a_write_api_get_the_token_from_the_environment(compose, name):
    value = compose["services"][name]["environment"]["PLEDGEWATCH_API_TOKEN"]
    assert value.startswith("${PLEDGEWATCH_API_TOKEN:?")


def test_the_classifier_gets_no_token_it_does_not_need(compose):
    assert "PLEDGEWATCH_API_TOKEN" not in compose["services"]["classifier"]["environment"]
