"""An Apprise URL whose service is a server of one's own (json, ntfy, gotify, matrix, mailto, …) is shown with
its host, so that one can check which receiver a channel points at; its credentials, path and query, where
tokens sit, are hidden. A service whose URL holds nothing but tokens (slack, discord, pushover, ntfy's own
cloud) shows its scheme only: its "host" is a secret."""

import json

import pytest

from services.notifier.redaction import destination, redact_url
from services.notifier.subscriptions import Subscription

SECRETS = ("s3cr3tpass", "t0kenSecret", "Qtopicsecret7", "AppT0kenABC", "h00kTokenXYZ", "r00mname")

SERVERS = [
    pytest.param("json://user:s3cr3tpass@hooks.example.org:8080/in/t0kenSecret?key=t0kenSecret",
                 "json://***@hooks.example.org:8080/***", id="json"),
    pytest.param("jsons://hooks.example.org", "jsons://hooks.example.org", id="jsons-bare"),
    pytest.param("xml://hooks.example.org/t0kenSecret", "xml://hooks.example.org/***", id="xml"),
    pytest.param("form://user:s3cr3tpass@Hooks.Example.org/in", "form://***@hooks.example.org/***", id="form"),
    pytest.param("json://[::1]:8080/t0kenSecret", "json://[::1]:8080/***", id="ipv6"),
    pytest.param("ntfys://user:s3cr3tpass@ntfy.example.org/Qtopicsecret7", "ntfys://***@ntfy.example.org/***",
                 id="ntfy-own-server"),
    pytest.param("gotify://gotify.example.org/AppT0kenABC", "gotify://gotify.example.org/***", id="gotify"),
    pytest.param("matrix://user:s3cr3tpass@matrix.example.org/#r00mname", "matrix://***@matrix.example.org/***",
                 id="matrix"),
    pytest.param("mmost://mm.example.org:8065/h00kTokenXYZ", "mmost://mm.example.org:8065/***", id="mattermost"),
    pytest.param("rocket://user:s3cr3tpass@rocket.example.org/#r00mname", "rocket://***@rocket.example.org/***",
                 id="rocket"),
    pytest.param("mailto://user:s3cr3tpass@mail.example.org?to=alerts@example.org",
                 "mailto://***@mail.example.org/***", id="mailto"),
    pytest.param("apprise://apprise.example.org/AppT0kenABC", "apprise://apprise.example.org/***", id="apprise-api"),
]

TOKENS_ONLY = [
    pytest.param("slack://T0kenSecretA/B0kenSecretB/C0kenSecretC/#r00mname", "slack://***", id="slack"),
    pytest.param("discord://112233445566778899/h00kTokenXYZ", "discord://***", id="discord"),
    pytest.param("tgram://123456789:t0kenSecretabcdefghijklmnopqrstuvw/12345", "tgram://***", id="telegram"),
    pytest.param("pover://userk3ySecret@AppT0kenABC", "pover://***", id="pushover"),
    pytest.param("ntfy://Qtopicsecret7", "ntfy://***", id="ntfy-cloud-topic"),
    pytest.param("gchat://w0rkspace/t0kenSecret/h00kTokenXYZ", "gchat://***", id="google-chat"),
    pytest.param("nosuch://hooks.example.org/t0kenSecret", "nosuch://***", id="not-apprise"),
]


@pytest.mark.parametrize("url, shown", SERVERS + TOKENS_ONLY)
def test_an_apprise_url_shows_the_host_of_a_server_and_no_token(url, shown):
    assert redact_url("apprise", url) == shown
    assert not any(secret in shown for secret in SECRETS)


@pytest.mark.parametrize("url, shown", SERVERS + TOKENS_ONLY[:-1])
def test_no_public_form_of_an_apprise_channel_holds_a_token(url, shown):
    sub = Subscription(id="desk", channels=[{"apprise": url}])
    public = json.dumps([sub.model_dump(mode="json"), [destination(c.model_dump()) for c in sub.channels]])
    for secret in ("T0kenSecretA", "112233445566778899", "userk3ySecret", "w0rkspace", *SECRETS):
        assert secret not in public
    assert shown in public
    assert destination(sub.channels[0].model_dump()) == f"apprise:{shown}"
