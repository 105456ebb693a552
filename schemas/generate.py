"""Write the JSON Schema of every event type to ``schemas/json/``.

Run ``python -m schemas.generate`` after changing a model; a test fails when
the committed files drift from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .envelope import event_types

JSON_DIR = Path(__file__).parent / "json"


def render_all() -> dict[str, str]:
    """Return ``{file name: JSON Schema text}`` for every registered event type."""
    files = {}
    for type_name, cls in sorted(event_types().items()):
        schema = cls.model_json_schema(mode="serialization")
        schema["$id"] = f"https://pledgewatch.org/schemas/{type_name}/v{cls.SCHEMA_VERSION}.json"
        schema["title"] = f"{type_name} v{cls.SCHEMA_VERSION}"
        name = f"{type_name.removeprefix('pledgewatch.')}.v{cls.SCHEMA_VERSION}.json"
        files[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return files


def main() -> int:
    JSON_DIR.mkdir(exist_ok=True)
    wanted = render_all()
    for stale in set(p.name for p in JSON_DIR.glob("*.json")) - set(wanted):
        (JSON_DIR / stale).unlink()
    for name, text in wanted.items():
        (JSON_DIR / name).write_text(text)
    print(f"wrote {len(wanted)} schemas to {JSON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
