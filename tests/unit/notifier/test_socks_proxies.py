"""What a send through a SOCKS proxy asks the proxy for, and what it says when PySocks is missing."""

import socket

import pytest

from services.common.outbound import TargetPolicy, TargetRefused
from services.notifier.channels import socks_proxies
from services.notifier.channels.socks_proxies import (SOCKS5, missing_pysocks, proxy_label, resolved_here,
                                                     socks_proxy_problem)

SOCKS4 = 1
PUBLIC = "93.184.215.14"


def _judge(address: str) -> str | None:
    return TargetPolicy().socket_refusal((address, None))


def _proxy(kind: int, rdns: bool) -> tuple:
    return (kind, "127.0.0.1", 1080, rdns, None, None)


@pytest.fixture
def rebinding(monkeypatch):
    """chat.example.org answers 127.0.0.1: as a name judged public before the request may, the next time."""
    resolve = socket.getaddrinfo

    def answer(host, port, *args, **kwargs):
        if host != "chat.example.org":
            return resolve(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", answer)


@pytest.mark.parametrize(("proxy", "destination", "asked"), [
    pytest.param(_proxy(SOCKS5, False), (PUBLIC, 443), (PUBLIC, 443), id="socks5-address"),
    pytest.param(_proxy(SOCKS5, True), (PUBLIC, 443), (PUBLIC, 443), id="socks5h-address"),
    pytest.param(_proxy(SOCKS5, True), ("chat.example.org", 443), ("chat.example.org", 443), id="socks5h-name"),
    pytest.param((None, None, None, False, None, None), ("chat.example.org", 443), ("chat.example.org", 443),
                 id="no-proxy"),
])
def test_what_the_proxy_is_asked_for(rebinding, proxy, destination, asked):
    assert resolved_here(proxy, destination, _judge) == asked


@pytest.mark.parametrize("proxy", [_proxy(SOCKS5, False), _proxy(SOCKS4, False)], ids=["socks5", "socks4"])
def test_a_name_resolved_here_is_judged_at_the_address_the_proxy_would_be_asked_for(rebinding, proxy):
    with pytest.raises(TargetRefused, match="127.0.0.1 is a loopback address"):
        resolved_here(proxy, ("chat.example.org", 443), _judge)


@pytest.mark.parametrize("rdns", [False, True], ids=["socks5", "socks5h"])
def test_an_address_is_judged_whoever_resolves_names(rdns):
    with pytest.raises(TargetRefused, match="10.0.0.1 is a private address"):
        resolved_here(_proxy(SOCKS5, rdns), ("10.0.0.1", 80), _judge)


@pytest.mark.parametrize(("proxy", "label"), [
    ("socks5://user:secretpw@proxy.corp.example:1080", "socks5://proxy.corp.example:1080"),
    ("socks5h://[::1]:9050", "socks5h://[::1]:9050"),
    ("proxy.corp.example:3128", "http://proxy.corp.example:3128"),
])
def test_a_proxy_is_named_without_its_credentials(proxy, label):
    assert proxy_label(proxy) == label


def test_a_socks_proxy_with_no_pysocks_is_said_to_need_it(monkeypatch):
    monkeypatch.setattr(socks_proxies, "socks", None)
    reason = missing_pysocks("SOCKS5://u:secretpw@127.0.0.1:1080")
    assert reason is not None and "PySocks" in reason and "secretpw" not in reason
    assert missing_pysocks("http://127.0.0.1:3128") is None


@pytest.mark.parametrize(("environ", "named"), [
    ({"ALL_PROXY": "socks5h://u:secretpw@127.0.0.1:9050"}, "ALL_PROXY names socks5h://127.0.0.1:9050"),
    ({"https_proxy": "socks5://proxy.corp.example:1080", "HTTP_PROXY": "http://proxy:3128"},
     "https_proxy names socks5://proxy.corp.example:1080"),
])
def test_a_socks_proxy_in_the_environment_with_no_pysocks_is_told_of(monkeypatch, environ, named):
    monkeypatch.setattr(socks_proxies, "socks", None)
    problem = socks_proxy_problem(environ)
    assert problem is not None and problem.startswith(named) and "PySocks" in problem and "secretpw" not in problem


@pytest.mark.parametrize("environ", [{}, {"HTTPS_PROXY": "http://proxy:3128"}, {"PATH": "socks5://x"}])
def test_no_socks_proxy_in_the_environment_is_no_problem(monkeypatch, environ):
    monkeypatch.setattr(socks_proxies, "socks", None)
    assert socks_proxy_problem(environ) is None
