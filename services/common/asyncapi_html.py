"""The AsyncAPI document as one static HTML page: no script, nothing fetched when it is read. Pure.

Streams first (who writes and who reads each, with which event), then every schema as a table of its
properties, each type linking to its own schema.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
code { background: #f3f3f3; padding: 0 .2em; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f7f7f7; }
section { border-top: 1px solid #ccc; margin-top: 1.5rem; }
.muted { color: #666; }
"""


def _inline(text: str) -> str:
    """Escaped text with the document's Markdown: `code` and **strong**."""
    html = escape(text)
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_inline(' '.join(p.split()))}</p>" for p in text.split("\n\n"))


def _schema_link(ref: str) -> str:
    name = ref.rsplit("/", 1)[1]
    return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'


def type_of(schema: dict[str, Any]) -> str:
    """A short HTML description of a schema's type, schemas it names linked."""
    if "$ref" in schema:
        return _schema_link(schema["$ref"])
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return " | ".join(type_of(arm) for arm in schema[combinator])
    if "const" in schema:
        return f"<code>{escape(json.dumps(schema['const']))}</code>"
    if "enum" in schema:
        return "one of " + ", ".join(f"<code>{escape(json.dumps(v))}</code>" for v in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        if isinstance(schema.get("items"), list):  # a tuple, in draft 07's words
            return "[" + ", ".join(type_of(item) for item in schema["items"]) + "]"
        return "list of " + type_of(schema.get("items", {}))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return "map of string to " + type_of(schema["additionalProperties"])
    if isinstance(kind, list):
        return " | ".join(escape(k) for k in kind)
    return escape(kind) + (f" ({escape(schema['format'])})" if "format" in schema else "")


_CONSTRAINTS = {"pattern": "pattern", "minimum": "≥", "maximum": "≤", "minLength": "length ≥",
                "maxLength": "length ≤", "default": "default"}


def _notes(schema: dict[str, Any]) -> str:
    parts = [_inline(schema["description"])] if "description" in schema else []
    parts += [f"{label} <code>{escape(json.dumps(schema[key], ensure_ascii=False))}</code>"
              for key, label in _CONSTRAINTS.items() if key in schema]
    if schema.get("deprecated"):
        parts.append("<strong>deprecated</strong>")
    if "examples" in schema:
        parts.append("e.g. " + ", ".join(f"<code>{escape(json.dumps(e, ensure_ascii=False))}</code>"
                                         for e in schema["examples"]))
    return "<br>".join(parts)


def _schema_section(name: str, schema: dict[str, Any]) -> str:
    head = f'<section id="schema-{escape(name)}"><h3>{escape(name)}</h3>'
    if "description" in schema:
        head += _paragraphs(schema["description"])
    properties = schema.get("properties")
    if not properties:
        return head + f"<p>{type_of(schema)}</p></section>"
    required = set(schema.get("required", ()))
    rows = "".join(f"<tr><td><code>{escape(prop)}</code></td><td>{type_of(sub)}</td>"
                   f"<td>{'yes' if prop in required else ''}</td><td>{_notes(sub)}</td></tr>"
                   for prop, sub in properties.items())
    extra = schema.get("additionalProperties")
    if extra is False:
        rows += '<tr><td colspan="4" class="muted">no other properties</td></tr>'
    elif isinstance(extra, dict):
        rows += (f'<tr><td class="muted">any other</td><td>{type_of(extra)}</td><td></td>'
                 f"<td>{_notes(extra)}</td></tr>")
    return (head + "<table><tr><th>property</th><th>type</th><th>required</th><th>notes</th></tr>"
            + rows + "</table></section>")


def _payload(doc: dict[str, Any], message_ref: str) -> str:
    message = doc["components"]["messages"][message_ref.rsplit("/", 1)[1]]
    return type_of(message["payload"])


def _streams(doc: dict[str, Any]) -> str:
    by_address: dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]] = {}
    for name, operation in doc["operations"].items():
        channel = doc["channels"][operation["channel"]["$ref"].rsplit("/", 1)[1]]
        if channel["address"] is not None:  # a stream; the webhooks' addresses are the subscribers' URLs
            by_address.setdefault(channel["address"], []).append((name, operation, channel))
    out = []
    for address, rows in sorted(by_address.items()):
        cells = []
        for name, operation, channel in rows:
            binding = channel.get("bindings", {}).get("redis", {})
            who = binding.get("groupName", name.split(":", 1)[0])
            action = "writes" if operation["action"] == "send" else "reads"
            payload = " | ".join(_payload(doc, ref["$ref"]) for ref in channel["messages"].values())
            cells.append(f"<tr><td><code>{escape(name)}</code></td><td>{escape(who)} {action}</td>"
                         f"<td>{payload}</td><td>{_inline(channel.get('description', ''))}</td></tr>")
        out.append(f'<section id="stream-{escape(address)}"><h3><code>{escape(address)}</code></h3><table>'
                   "<tr><th>operation</th><th>who</th><th>event</th><th>description</th></tr>"
                   + "".join(cells) + "</table></section>")
    return "".join(out)


def _webhooks(doc: dict[str, Any]) -> str:
    out = []
    for name, operation in doc["operations"].items():
        channel = doc["channels"][operation["channel"]["$ref"].rsplit("/", 1)[1]]
        if channel["address"] is not None:
            continue
        method = operation.get("bindings", {}).get("http", {}).get("method", "")
        rows = []
        for ref in channel["messages"].values():
            message = doc["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]
            headers = "".join(f"<code>{escape(h)}</code>: {_notes(sub)}<br>"
                              for h, sub in message.get("headers", {}).get("properties", {}).items())
            rows.append(f"<tr><td>{escape(message.get('title', ''))}</td><td>{type_of(message['payload'])}</td>"
                        f"<td>{headers}</td></tr>")
        out.append(f"<section><h3>{escape(method)} <code>{escape(name)}</code></h3>"
                   f"{_paragraphs(channel.get('description', ''))}{_paragraphs(operation.get('description', ''))}"
                   "<table><tr><th>message</th><th>event</th><th>headers</th></tr>" + "".join(rows)
                   + "</table></section>")
    return "".join(out)


def render_html(doc: dict[str, Any]) -> str:
    """The whole page for AsyncAPI document ``doc`` (as :func:`services.common.asyncapi.build_document` makes
    it)."""
    info = doc["info"]
    servers = "".join(f"<tr><td>{escape(name)}</td><td>{escape(s['protocol'])}://{escape(s['host'])}</td>"
                      f"<td>{_inline(s.get('description', ''))}</td></tr>" for name, s in doc["servers"].items())
    schemas = "".join(_schema_section(name, schema) for name, schema in doc["components"]["schemas"].items())
    title = f"{info['title']} {info['version']}: AsyncAPI {doc['asyncapi']}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{_STYLE}</style></head>
<body><h1>{escape(title)}</h1>{_paragraphs(info.get('description', ''))}
<p class="muted">Content type of every message: <code>{escape(doc['defaultContentType'])}</code>.
Generated from the models by <code>make asyncapi</code>; the document itself: <a href="asyncapi.yaml">asyncapi.yaml</a>,
<a href="asyncapi.json">asyncapi.json</a>.</p>
<h2>Servers</h2><table><tr><th>name</th><th>where</th><th>description</th></tr>{servers}</table>
<h2>Streams</h2>{_streams(doc)}
<h2>Webhooks</h2>{_webhooks(doc)}
<h2>Schemas</h2>{schemas}
</body></html>
"""
