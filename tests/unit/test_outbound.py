"""Outbound requests go only to public addresses unless the operator allows a target."""

import pytest

from services.common.outbound import TargetPolicy, non_public_kind

DEFAULT = TargetPolicy()


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("169.254.169.254", "link-local"), ("10.1.2.3", "private"),
    ("192.168.0.10", "private"), ("172.16.5.4", "private"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("224.0.0.1", "multicast"), ("::ffff:127.0.0.1", "loopback"), ("fe80::1", "link-local"), ("fd00::1", "private"),
])
def test_non_public_addresses_are_named(address, kind):
    assert non_public_kind(address) == kind
    assert DEFAULT.refusal("hooks.example.org", address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert DEFAULT.refusal("hooks.example.org", address) is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hook", "http://[::1]/x", "http://169.254.169.254/latest",
                                 "https://10.0.0.8/hook", "http://0.0.0.0:80/"])
def test_an_ip_literal_url_to_the_inside_is_refused(url):
    reason = DEFAULT.url_refusal(url)
    assert reason is not None and "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS" in reason


def test_a_host_name_url_is_left_to_resolution():
    assert DEFAULT.url_refusal("https://hooks.example.org/x") is None


def test_the_allow_list_takes_cidrs_addresses_and_host_names():
    policy = TargetPolicy.parse(["127.0.0.0/8", " ::1 ", "hooks.internal", ""])
    assert policy.refusal("127.0.0.1", "127.0.0.1") is None
    assert policy.refusal("::1", "::1") is None
    assert policy.refusal("hooks.internal", "10.9.9.9") is None
    assert policy.refusal("other.internal", "10.9.9.9") is not None


@pytest.mark.parametrize("entry", ["10.0.0.0/99", "not a host!", "1.2.3.4/8/2"])
def test_a_malformed_allow_list_entry_is_an_error(entry):
    with pytest.raises(ValueError, match="PLEDGEWATCH_ALLOW_PRIVATE_TARGETS"):
        TargetPolicy.parse([entry])


async def test_a_name_that_resolves_to_loopback_is_refused_on_resolution():
    from services.common.outbound import GuardedResolver, TargetRefused

    resolver = GuardedResolver(DEFAULT)
    try:
        with pytest.raises(TargetRefused, match="loopback"):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()
