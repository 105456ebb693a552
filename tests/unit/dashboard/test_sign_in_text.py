"""The sign-in form says where the API token is, true whether the server was given one or made its own."""

from __future__ import annotations

import re

from services.dashboard.pages import render


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_sign_in_form_names_both_places_the_token_comes_from():
    text = _text(render("sign_in_page.html.j2", signed_in=False, csrf="tok", can_sign_in=True, sign_in_error=None,
                        json_reads=True))
    assert "PLEDGEWATCH_API_TOKEN (or the file PLEDGEWATCH_API_TOKEN_FILE names)" in text
    assert "when neither is set, pledgewatch run made one and keeps it in the file api-token of its data folder" in text
    assert "prints where it keeps it" not in text  # said only when the token is generated
