"""Bearer-token authentication: which requests need the token, and what a refusal says."""

import pytest

from services.common.auth import ApiAuth, bearer_token, needs_token, validate_token

TOKEN = "s3cret-token-0123456789"


@pytest.mark.parametrize(
    ("method", "path", "open_reads", "needed"),
    [
        pytest.param("POST", "/releases", True, True, id="post-release"),
        pytest.param("PUT", "/subscriptions/desk", True, True, id="put"),
        pytest.param("PATCH", "/subscriptions/desk", True, True, id="patch"),
        pytest.param("DELETE", "/subscriptions/desk", True, True, id="delete"),
        pytest.param("PROPFIND", "/subscriptions", True, True, id="unknown-method-is-a-write"),
        pytest.param("GET", "/subscriptions", True, False, id="read-open-by-default"),
        pytest.param("HEAD", "/subscriptions", True, False, id="head-is-a-read"),
        pytest.param("GET", "/subscriptions", False, True, id="reads-closed-by-setting"),
        pytest.param("GET", "/healthz", False, False, id="health-always-open"),
        pytest.param("POST", "/healthz", False, False, id="health-open-whatever-the-method"),
        pytest.param("POST", "/unsubscribe/tok.mac", False, False, id="unsubscribe-link-is-its-own-credential"),
        pytest.param("DELETE", "/subscriptions/desk/unsubscribed/a@example.org", True, True, id="undo-unsubscribe"),
        pytest.param("POST", "/unsubscribe", True, True, id="only-under-the-prefix"),
        pytest.param("GET", "/", False, False, id="dashboard-checks-its-own-session"),
        pytest.param("POST", "/dashboard/subscriptions", True, False, id="dashboard-forms-check-their-own-session"),
        # its own path is the dashboard's (a GET leads home, any other method its own 405 page), not the API's
        pytest.param("POST", "/dashboard", True, False, id="dashboard-own-path"),
        pytest.param("POST", "/dashboards", True, True, id="dashboard-only-under-its-prefix"),
    ],
)
def test_which_requests_need_the_token(method, path, open_reads, needed):
    assert needs_token(method, path, open_reads=open_reads) is needed


@pytest.mark.parametrize(
    ("header", "token"),
    [
        pytest.param(None, None, id="no-header"),
        pytest.param("", None, id="empty"),
        pytest.param(f"Bearer {TOKEN}", TOKEN, id="bearer"),
        pytest.param(f"bearer   {TOKEN} ", TOKEN, id="scheme-case-insensitive"),
        pytest.param(f"Basic {TOKEN}", None, id="other-scheme"),
        pytest.param("Bearer", None, id="scheme-only"),
    ],
)
def test_bearer_token_is_read_from_the_authorization_header(header, token):
    assert bearer_token(header) == token


def test_the_right_token_passes_and_reads_stay_open():
    auth = ApiAuth(TOKEN)
    assert auth.check("POST", "/releases", f"Bearer {TOKEN}") is None
    assert auth.check("GET", "/subscriptions", None) is None


@pytest.mark.parametrize(
    ("header", "error", "reason"),
    [
        pytest.param(None, None, "POST needs an API token: send Authorization: Bearer <token>", id="missing"),
        pytest.param("Basic dXNlcjpwYXNz", None, "POST needs an API token: send Authorization: Bearer <token>",
                     id="other-scheme"),
        pytest.param("Bearer wrong-token-0123456789", "invalid_token", "the API token is not valid", id="wrong"),
        pytest.param(f"Bearer {TOKEN}x", "invalid_token", "the API token is not valid", id="longer"),
        pytest.param("Bearer s3cret-tökén", "invalid_token", "the API token is not valid", id="non-ascii"),
    ],
)
def test_a_refusal_says_why_without_echoing_the_token(header, error, reason):
    refusal = ApiAuth(TOKEN).check("POST", "/releases", header)
    assert (refusal.error, refusal.reason) == (error, reason)
    assert "Bearer" in refusal.challenge
    assert (f'error="{error}"' in refusal.challenge) is (error is not None)
    assert "wrong-token" not in refusal.reason + refusal.challenge


def test_closed_reads_need_the_token():
    auth = ApiAuth(TOKEN, open_reads=False)
    assert auth.check("GET", "/subscriptions", None).reason.startswith("GET needs an API token")
    assert auth.check("GET", "/subscriptions", f"Bearer {TOKEN}") is None
    assert auth.check("GET", "/healthz", None) is None


def test_with_no_token_configured_every_write_is_refused():
    refusal = ApiAuth(None).check("POST", "/releases", "Bearer anything-at-all-0123")
    assert refusal.reason == "no API token is configured on this server: writes are refused"


def test_the_token_never_shows_in_repr():
    assert TOKEN not in repr(ApiAuth(TOKEN))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("short", "at least 16 characters", id="too-short"),
        pytest.param("has a space in it 0123", "only letters, digits and", id="space"),
        pytest.param("tökén-0123456789abc", "only letters, digits and", id="non-ascii"),
    ],
)
def test_a_bad_token_is_refused_with_the_reason(value, message):
    with pytest.raises(ValueError, match=message):
        validate_token(value)


def test_a_generated_style_token_is_valid():
    assert validate_token("Zm9vYmFy-_.~+/0123456789==") == "Zm9vYmFy-_.~+/0123456789=="
