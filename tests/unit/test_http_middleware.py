"""The path a log line shows: a credential in it (a signed unsubscribe link's token) left out."""

import pytest

from services.common.http_middleware import logged_path


@pytest.mark.parametrize(("path", "shown"), [
    ("/unsubscribe/eyJzIjoibWFpbCJ9.c2lnbmVk", "/unsubscribe/…"),
    ("/unsubscribe/", "/unsubscribe/…"),
    ("//unsubscribe/eyJzIjoibWFpbCJ9.c2lnbmVk", "/unsubscribe/…"),
    ("/subscriptions/desk", "/subscriptions/desk"),
    ("/unsubscribed", "/unsubscribed"),
    ("/", "/"),
])
def test_a_logged_path_leaves_a_links_token_out(path, shown):
    assert logged_path(path) == shown
