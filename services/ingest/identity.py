"""Release identity: stable ids and content hashes (pure)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def release_id_for(canonical: str) -> str:
    """Stable release id from a canonical URL, GOV.UK content_id or source path."""
    return "rel-" + hashlib.sha256(canonical.strip().encode()).hexdigest()[:16]


def normalise_text(text: str) -> str:
    """NFC, whitespace runs collapsed: what counts as 'the same text'."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def content_hash(title: str, body: str) -> str:
    """``sha256:<hex>`` over the normalised title and body; whitespace edits do not change it."""
    digest = hashlib.sha256()
    digest.update(normalise_text(title).encode())
    digest.update(b"\n")
    digest.update(normalise_text(body).encode())
    return "sha256:" + digest.hexdigest()


def revision_hash(content_hash: str, *, withdrawn: bool = False, withdrawn_notice: str | None = None) -> str:
    """What must differ for a new version: the text, plus the withdrawal and its notice.

    Equal to ``content_hash`` for a release that is not withdrawn.
    """
    if not withdrawn:
        return content_hash
    digest = hashlib.sha256(f"{content_hash}\nwithdrawn\n{normalise_text(withdrawn_notice or '')}".encode())
    return "sha256:" + digest.hexdigest()
