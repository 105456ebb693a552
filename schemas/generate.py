"""Write the JSON Schemas (draft 2020-12) of every event type to ``schemas/json/``.

Per type and version: ``<type>.v<N>.json``, the whole CloudEvent (envelope and data), and
``data/<type>.v<N>.json``, the schema of ``data`` alone, the one its ``dataschema`` names.
Run ``python -m schemas.generate`` (``make schemas``) after changing a model; a test fails when
the committed files drift from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .envelope import JSON_SCHEMA_DIALECT, CloudEvent, event_schema_uri, event_types

JSON_DIR = Path(__file__).parent / "json"


def event_schema(cls: type[CloudEvent[Any]]) -> dict[str, Any]:
    """The JSON Schema of a whole event of ``cls``, as it is written (serialization mode)."""
    schema = cls.model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": event_schema_uri(cls.TYPE, cls.SCHEMA_VERSION),
            **schema, "title": f"{cls.TYPE} v{cls.SCHEMA_VERSION}"}


def data_schema(cls: type[CloudEvent[Any]]) -> dict[str, Any]:
    """The JSON Schema of ``data`` of ``cls``: the document its ``dataschema`` URI identifies."""
    data_type = cls.model_fields["data"].annotation
    schema = data_type.model_json_schema(mode="serialization")  # type: ignore[union-attr]
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": cls.data_schema(), **schema,
            "title": f"{cls.TYPE} v{cls.SCHEMA_VERSION} data"}


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def render_all() -> dict[str, str]:
    """Return ``{path under schemas/json: JSON Schema text}`` for every registered event type."""
    files = {}
    for type_name, cls in sorted(event_types().items()):
        name = f"{type_name.removeprefix('pledgewatch.')}.v{cls.SCHEMA_VERSION}.json"
        files[name] = _text(event_schema(cls))
        files[f"data/{name}"] = _text(data_schema(cls))
    return files


def committed() -> dict[str, str]:
    """The files now under ``schemas/json``, as :func:`render_all` names them."""
    return {p.relative_to(JSON_DIR).as_posix(): p.read_text() for p in JSON_DIR.rglob("*.json")}


def main() -> int:
    wanted = render_all()
    for stale in set(committed()) - set(wanted):
        (JSON_DIR / stale).unlink()
    for name, text in wanted.items():
        (JSON_DIR / name).parent.mkdir(parents=True, exist_ok=True)
        (JSON_DIR / name).write_text(text)
    print(f"wrote {len(wanted)} schemas to {JSON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
