"""Email over STARTTLS with a login, to a real SMTP server (aiosmtpd) on 127.0.0.1 that offers AUTH only once the
connection is encrypted, as submission servers do: the message arrives, sent by the user logged in."""

import ssl
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from samples import BORDERS, release
from schemas.streams import EVENT_FIELD

from notifier_harness import Inbox, smtp_server, start_mailing, wait_for

pytestmark = pytest.mark.integration

TLS = Path(__file__).parents[2] / "fixtures" / "tls"


class _LoggedIn(Inbox):
    """An :class:`Inbox` that keeps, with each message, who logged in and whether the connection was encrypted."""

    def __init__(self):
        super().__init__()
        self.sessions: list[tuple[str | None, bool]] = []

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.decode() if session.authenticated else None
        self.sessions.append((login, server.transport.get_extra_info("sslcontext") is not None))
        return await super().handle_DATA(server, session, envelope)


def _authenticate(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=(auth_data.login, auth_data.password) == (b"alerts", b"s3cret"), auth_data=auth_data.login)


@pytest.fixture
def submission(monkeypatch):
    """A server requiring STARTTLS before AUTH and MAIL; its certificate trusted through SSL_CERT_FILE, as a private
    CA's would be."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "loopback-san.pem", TLS / "loopback-san.key")
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "loopback-san.pem"))
    inbox = _LoggedIn()
    with smtp_server(inbox, tls_context=context, require_starttls=True, auth_require_tls=True,
                     authenticator=_authenticate) as controller:
        yield controller, inbox


async def test_starttls_then_login_then_the_message(notifier, write_yaml, publish_classified, submission):
    controller, inbox = submission
    n = await start_mailing(notifier, write_yaml, controller.port, ["desk@example.org"], smtp_starttls=True,
                            smtp_username="alerts", smtp_password="s3cret")
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: inbox.received, what="the email")
    assert inbox.sessions == [("alerts", True)]


async def test_a_login_without_starttls_to_a_server_wanting_it_is_a_failed_attempt_saying_so(
        notifier, write_yaml, publish_classified, submission):
    """The password is not sent over the connection in clear: the server offers no AUTH before STARTTLS."""
    controller, inbox = submission
    n = await start_mailing(notifier, write_yaml, controller.port, ["desk@example.org"], delivery_attempts=1,
                            smtp_username="alerts", smtp_password="s3cret")
    await publish_classified(n.service, release(BORDERS))
    streams = n.service.runtime.streams
    await wait_for(lambda: streams.client.xlen(streams.key("dead-letters")), what="a dead letter")
    (_, fields), = await streams.client.xrange(streams.key("dead-letters"))
    assert b"STARTTLS" in fields[EVENT_FIELD.encode()] and not inbox.received
