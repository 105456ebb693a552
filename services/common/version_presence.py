"""Which releases and key schemas of pledgewatch are live on one Redis and prefix, judged from the processes'
records (pure: the records and the time in, judgements out; the records' I/O is :mod:`.versions`).

A record is ``{release, commit, schema, pid, at}`` under the process's consumer name; ``commit`` is its build's
(:mod:`pledgewatch.build_info`; missing from an earlier version's record: unknown). ``at`` is the time of its last
write on Redis's clock (an earlier version's: its host's wall clock), and a record not written for ``live_seconds``
is a process gone (killed: one stopping cleanly takes its own out). A process running the classifier adds
``classifier``: ``{version, model, sha256}``, the model it decides with (``model``: its file, null for the shipped
one), so that replicas of one stream running different models show.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pledgewatch.build_info import UNKNOWN, build_named


@dataclass(frozen=True)
class Presence:
    consumer: str
    release: str
    schema: int
    pid: int
    at: float  # epoch seconds of its last record, on Redis's clock
    classifier: dict[str, Any] | None = None  # {version, model, sha256}: the model its classifier runs, if it runs one
    commit: str = UNKNOWN  # the git commit of its build (pledgewatch.build_info)

    def text(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items()
                           if k != "consumer" and not (k == "classifier" and v is None)})

    def build(self) -> str:
        """``0.2.0 (commit 3c4b5078c66b)``, or ``0.2.0`` when its commit is unknown."""
        return build_named(self.release, self.commit)

    def named(self) -> str:
        """``0.2.0 (commit 3c4b5078c66b) (key schema 2) as consumer host-41``."""
        return f"{self.build()} (key schema {self.schema}) as consumer {self.consumer}"


def parse_presences(fields: Mapping[str, str]) -> list[Presence]:
    """The records of a hash (consumer -> JSON), by consumer; one unreadable (written by a later layout of the
    record, or by hand) is left out rather than refused."""
    found = []
    for consumer, text in sorted(fields.items()):
        try:
            record = json.loads(text)
            classifier = record.get("classifier")
            found.append(Presence(consumer, str(record["release"]), int(record["schema"]), int(record["pid"]),
                                  float(record["at"]), _classifier(classifier) if classifier is not None else None,
                                  str(record.get("commit", UNKNOWN))))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def _classifier(record: object) -> dict[str, Any]:
    """A record's ``classifier``, its three fields as text (a ``TypeError`` when it is none)."""
    if not isinstance(record, dict):
        raise TypeError("classifier is not an object")
    return {"version": str(record["version"]), "model": None if record.get("model") is None else str(record["model"]),
            "sha256": str(record["sha256"])}


def classifier_named(classifier: dict[str, Any]) -> str:
    """``rules-0.14.4+model-sha256:1a2b3c4d5e6f (/srv/mine.json)``, or ``rules+model-0.14.4 (the shipped model)``."""
    return f"{classifier['version']} ({classifier['model'] or 'the shipped model'})"


def other_models(presences: Sequence[Presence], *, me: str, classifier: dict[str, Any]) -> list[Presence]:
    """The processes other than consumer ``me`` whose classifier runs another model than ``classifier``'s."""
    return [p for p in presences if p.consumer != me and p.classifier is not None
            and p.classifier["sha256"] != classifier["sha256"]]


def live(presences: Sequence[Presence], *, now: float, live_seconds: float) -> list[Presence]:
    """Those written within ``live_seconds`` of ``now`` (epoch seconds)."""
    return [p for p in presences if now - p.at <= live_seconds]


def other_schemas(presences: Sequence[Presence], *, me: str, schema: int) -> list[Presence]:
    """The processes other than consumer ``me`` of another key schema than ``schema``: none may run beside it."""
    return [p for p in presences if p.consumer != me and p.schema != schema]


def other_releases(presences: Sequence[Presence], *, me: str, release: str, schema: int,
                   commit: str = UNKNOWN) -> list[Presence]:
    """The processes other than consumer ``me`` of the same key schema and another build (release, or commit of
    the same release): a rolling upgrade."""
    return [p for p in presences
            if p.consumer != me and p.schema == schema and (p.release, p.commit) != (release, commit)]


def incompatible_text(others: Sequence[Presence], *, release: str, schema: int, live_seconds: float) -> str:
    """Why a process of ``release`` and key ``schema`` does not start beside ``others``, and what to do."""
    names = "; ".join(p.named() for p in others)
    return (f"pledgewatch {release} (key schema {schema}) cannot run beside {names}, live on the same Redis and "
            "PLEDGEWATCH_PREFIX: their keys and events differ. Stop every process of the other version first (a "
            f"process killed rather than stopped is taken for gone {live_seconds:g} s after its last record)")


def mixed_versions(presences: Sequence[Presence]) -> list[str]:
    """``status``'s warnings of the live ``presences``: more than one key schema (an error: the services refuse
    to start so, but an earlier version does not check), or more than one build of one schema (a rolling
    upgrade, to be finished): releases, or commits of one release."""
    by_schema: dict[int, dict[str, list[str]]] = {}
    for p in presences:
        by_schema.setdefault(p.schema, {}).setdefault(p.build(), []).append(p.consumer)
    releases_of = {schema: {p.release for p in presences if p.schema == schema} for schema in by_schema}

    def listed(releases: Mapping[str, list[str]]) -> str:
        return ", ".join(f"{release} ({', '.join(consumers)})" for release, consumers in sorted(releases.items()))

    if len(by_schema) > 1:
        return ["processes of different key schemas share this Redis and prefix: " + "; ".join(
            f"schema {schema}: {listed(releases)}" for schema, releases in sorted(by_schema.items()))
            + ": stop those of the other version"]
    return [f"several {'releases' if len(releases_of[schema]) > 1 else 'builds'} run (key schema {schema}): "
            f"{listed(builds)}: finish the upgrade, stop the old ones"
            for schema, builds in by_schema.items() if len(builds) > 1]


def mixed_models(presences: Sequence[Presence]) -> list[str]:
    """``status``'s warning when the live ``presences`` classify with more than one model (told apart by their
    files' SHA-256, wherever each file is): the events of one stream then come from different models, as
    replicas take its releases in turn."""
    by_model: dict[str, tuple[str, list[str]]] = {}
    for p in presences:
        if p.classifier is not None:
            by_model.setdefault(p.classifier["sha256"], (classifier_named(p.classifier), []))[1].append(p.consumer)
    if len(by_model) < 2:
        return []
    listed = "; ".join(f"{named}: {', '.join(consumers)}" for named, consumers in sorted(by_model.values()))
    return [f"classifiers run different models: {listed}: "
            f"{models_cure(p.classifier for p in presences if p.classifier is not None)}"]


def models_cure(classifiers: Iterable[dict[str, Any]]) -> str:
    """What to do about classifiers running different models: each a shipped one, they are of different releases
    (a rolling upgrade, to be finished); else give them one file."""
    if all(c["model"] is None for c in classifiers):
        return "each release ships its own: finish the upgrade, stop the old ones"
    return "give every classifier the same PLEDGEWATCH_CLASSIFIER_MODEL (the same file)"
