"""A release's title as the messages show it. Pure."""


def title_line(title: str) -> str:
    """``title`` on one line, whitespace runs as single spaces: ingest keeps a title's line breaks (a POST, a
    file), which would split a text's heading from its underline, or a summary's entry in two."""
    return " ".join(title.split())
