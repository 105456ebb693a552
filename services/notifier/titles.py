"""A release's title as the messages show it. Pure."""

from services.common.bidi import without_scoped_controls


def title_line(title: str) -> str:
    """``title`` on one line, whitespace runs as single spaces: ingest keeps a title's line breaks (a POST, a
    file), which would split a text's heading from its underline, or a summary's entry in two. Without bidi
    embeddings, overrides and isolates (:mod:`services.common.bidi`): the underline is as long as what shows."""
    return " ".join(without_scoped_controls(title).split())
