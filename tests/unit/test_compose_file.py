"""docker-compose.yml: Redis persists, every service is healthchecked and scalable, one image serves them all,
and every setting reaches them from one env file."""

import os
import re
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


SERVICES = ["ingest", "classifier", "ledger", "notifier", "delivery"]


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_is_its_own_healthchecked_faststream_app(compose, name):
    service = compose["services"][name]
    assert service["command"] == ["faststream", "run", f"services.{name}.app:app"]
    assert "healthcheck" in service
    assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert "container_name" not in service  # a fixed name would forbid --scale


def test_the_delivery_process_starts_only_with_its_profile_and_publishes_no_port(compose):
    """It sends only for notifiers given PLEDGEWATCH_DELIVERY_PROCESS (in .env, read by both): not by default."""
    delivery = compose["services"]["delivery"]
    assert delivery["profiles"] == ["delivery-process"]
    assert "ports" not in delivery


def test_classifier_publishes_no_host_port_so_it_scales(compose):
    assert "ports" not in compose["services"]["classifier"]


def test_notifier_publishes_a_range_of_host_ports_so_it_scales(compose):
    (port,) = compose["services"]["notifier"]["ports"]
    host = port.split(":")[1]
    first, _, last = host.partition("-")
    assert last and int(last) > int(first), port  # --scale notifier=2 needs a host port each


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
def test_compose_file_validates_offline_with_nothing_set():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    result = subprocess.run(["docker-compose", "-f", str(COMPOSE), "config", "-q"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _pledgewatch_services(compose) -> dict:
    return {name: service for name, service in compose["services"].items() if name != "redis"}


def test_one_image_is_built_once_and_shared_by_every_service(compose):
    services = _pledgewatch_services(compose)
    builders = [name for name, service in services.items() if "build" in service]
    assert builders == ["api-token"]
    assert {service["image"] for service in services.values()} == {"pledgewatch:local"}
    assert all(service["pull_policy"] == "never" for name, service in services.items() if name not in builders)


def test_every_service_reads_the_env_file_of_settings(compose):
    for name, service in _pledgewatch_services(compose).items():
        assert {"path": ".env", "required": False} in service["env_file"], name


@pytest.mark.parametrize("name", SERVICES)
def test_container_values_win_over_the_env_file(compose, name):
    environment = compose["services"][name]["environment"]
    assert environment["PLEDGEWATCH_HTTP_HOST"] == "0.0.0.0"
    assert environment["PLEDGEWATCH_HOME"] == "/var/lib/pledgewatch"


def test_every_published_port_is_bound_to_loopback(compose):
    published = [port for service in compose["services"].values() for port in service.get("ports", [])]
    assert published
    assert all(str(port).startswith("127.0.0.1:") for port in published), published


@pytest.mark.parametrize("name", ["ingest", "notifier"])
def test_services_with_a_write_api_read_the_token_the_api_token_service_wrote(compose, name):
    service = compose["services"][name]
    token_file = service["environment"]["PLEDGEWATCH_API_TOKEN_FILE"]
    assert service["environment"]["PLEDGEWATCH_API_TOKEN"] == ""  # blank is unset: the env file's token is not read twice
    assert service["depends_on"]["api-token"]["condition"] == "service_completed_successfully"
    assert f"api-token:{Path(token_file).parent}:ro" in service["volumes"]


def test_the_api_token_service_writes_the_chosen_token_or_makes_one(compose, tmp_path, monkeypatch):
    script = compose["services"]["api-token"]["command"][2].replace("/var/lib/pledgewatch", str(tmp_path))
    token = tmp_path / "api-token"
    monkeypatch.delenv("PLEDGEWATCH_API_TOKEN", raising=False)
    exec(script, {})
    made = token.read_text()
    assert len(made.strip()) >= 40 and token.stat().st_mode & 0o777 == 0o600
    exec(script, {})
    assert token.read_text() == made  # kept across restarts
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", "chosen-token-0123456789")
    exec(script, {})
    assert token.read_text() == "chosen-token-0123456789\n"


def test_the_classifier_gets_no_token_it_does_not_need(compose):
    assert "PLEDGEWATCH_API_TOKEN_FILE" not in compose["services"]["classifier"]["environment"]


def test_the_notifier_links_its_feeds_to_the_dashboard_on_the_ledgers_port(compose):
    """The alerts feeds (the notifier's) link each release to its dashboard page, which the ledger's container
    serves: on the notifier's own port those links were 404s. A value in .env still wins."""
    (ledger_port,) = compose["services"]["ledger"]["ports"]
    host, port, _ = ledger_port.split("#")[0].strip().split(":")
    setting = compose["services"]["notifier"]["environment"]["PLEDGEWATCH_DASHBOARD_URL"]
    assert setting == f"${{PLEDGEWATCH_DASHBOARD_URL:-http://{host}:{port}}}"


def test_the_notifiers_unsubscribe_links_point_at_its_published_port_unless_env_says_otherwise(compose):
    """Unset, the links are made under the API's own address, http://0.0.0.0:8080 in a container: no address
    a recipient's browser can open, not even on the host. A value in .env still wins."""
    (notifier_ports,) = compose["services"]["notifier"]["ports"]
    host, ports, _ = notifier_ports.split("#")[0].strip().split(":")
    setting = compose["services"]["notifier"]["environment"]["PLEDGEWATCH_PUBLIC_URL"]
    assert setting == f"${{PLEDGEWATCH_PUBLIC_URL:-http://{host}:{ports.partition('-')[0]}}}"


SPOOL_VARIABLE = "PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR"
# the notifier keeps unsubscribes Redis cannot take (its emails, sent by a delivery process, read them); the
# dashboard replays them
KEEPERS = ["notifier", "ledger", "delivery"]


def _mount_of(service: dict, folder: str) -> tuple[str, bool]:
    """The source of the mount ``folder`` lies in (the deepest one) and whether it is read-only."""
    mounts = []
    for volume in service.get("volumes", []):
        source, target, *mode = volume.split(":")
        if folder == target or folder.startswith(target.rstrip("/") + "/"):
            mounts.append((len(target), source, "ro" in mode))
    assert mounts, f"{folder} is on no volume: the container's own layer, lost with the container"
    _, source, read_only = max(mounts)
    return source, read_only


@pytest.mark.parametrize("name", KEEPERS)
def test_the_notifier_and_the_ledger_keep_unsubscribes_on_one_writable_named_volume(compose, name):
    """Before: the folder unsubscribes are kept in while Redis is down was the data folder, the api-token volume
    mounted read-only in the notifier (every such unsubscribe answered 503 and was lost) and a volume of its own
    in the ledger (the dashboard never saw them)."""
    folders = {keeper: compose["services"][keeper]["environment"][SPOOL_VARIABLE] for keeper in KEEPERS}
    assert len(set(folders.values())) == 1, folders  # one path: the dashboard replays what the notifier kept
    source, read_only = _mount_of(compose["services"][name], folders[name])
    assert not read_only
    assert source in compose["volumes"]  # named, so every replica (--scale notifier=2) and the ledger share it
    assert source != "api-token"
    assert {_mount_of(compose["services"][keeper], folders[keeper])[0] for keeper in KEEPERS} == {source}


def test_the_image_makes_the_spool_folder_its_users_own_so_the_new_volume_is(compose):
    """An empty named volume takes the owner and mode of the image's folder it is mounted on: made by the image
    for its user, owner-only, it is writable by the services (which run as that user) and by nobody else."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    final_stage = dockerfile.split("\nFROM ")[-1]
    (user,) = re.findall(r"^USER (\S+)$", final_stage, flags=re.M)
    folder = compose["services"]["notifier"]["environment"][SPOOL_VARIABLE]
    made = re.findall(r"install -d -o (\S+) -g (\S+) -m (\S+) (\S+)", final_stage)
    assert (user, user, "0700", folder) in made, made
    assert re.search(rf"^RUN useradd [^\n]* {user}( \\)?$", final_stage, flags=re.M)  # the user made there


def test_the_image_is_built_with_the_commit_the_environment_gives_or_unknown(compose):
    """The image has no .git: the commit it is built from reaches it as a build argument (the Makefile's `image`
    passes this checkout's), and a build given none says `unknown`, as before."""
    (builder,) = [service for service in _pledgewatch_services(compose).values() if "build" in service]
    assert builder["build"]["context"] == "."
    assert builder["build"]["args"] == {"PLEDGEWATCH_COMMIT": "${PLEDGEWATCH_COMMIT:-unknown}"}
