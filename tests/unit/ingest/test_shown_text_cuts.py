"""What ingest cuts short before a person reads it (a source's last error in ``status`` and the dashboard, a
refused url or release id in a log or dead letter) is cut between characters as a reader sees them."""

import pytest

from services.ingest.links import release_id_problem, url_problem
from services.ingest.source_failures import ERROR_CHARS, brief_error

FLAG = "\U0001f1ec\U0001f1e7"  # one character as a reader sees it, of two code points


def whole_flags(shown: str, before: str) -> bool:
    flags = shown.removeprefix(before)
    return bool(flags) and len(flags) % 2 == 0 and flags == FLAG * (len(flags) // 2)


@pytest.mark.parametrize("before", ["", "x"])
def test_a_sources_last_error_is_cut_between_flags(before):
    """Before: cut at a code point, the error could end in a lone letter symbol before the ellipsis."""
    shown = brief_error(before + FLAG * ERROR_CHARS)
    assert len(shown) <= ERROR_CHARS and shown.endswith("\u2026")
    assert whole_flags(shown.removesuffix("\u2026"), before)


@pytest.mark.parametrize("before", ["", "x"])
def test_a_refused_release_id_is_shown_cut_between_flags(before):
    problem = release_id_problem(before + FLAG * 100)
    shown = problem.split("'")[1]
    assert shown.endswith("\u2026") and whole_flags(shown.removesuffix("\u2026"), before)


@pytest.mark.parametrize("before", ["", "x"])
def test_a_url_with_no_scheme_is_shown_cut_between_flags(before):
    problem = url_problem(before + FLAG * 200)
    shown = problem.split("'")[1]
    assert shown.endswith("\u2026") and whole_flags(shown.removesuffix("\u2026"), before)
