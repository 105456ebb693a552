"""Outbound requests go only to public addresses unless the operator allows a target."""

import pytest

from services.common.outbound import TargetPolicy, ip_literal, non_public_kind

DEFAULT = TargetPolicy()


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("169.254.169.254", "link-local"), ("10.1.2.3", "private"),
    ("192.168.0.10", "private"), ("172.16.5.4", "private"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("224.0.0.1", "multicast"), ("::ffff:127.0.0.1", "loopback"), ("fe80::1", "link-local"), ("fd00::1", "private"),
    # RFC 6598's shared address space: carrier-grade NAT, overlay networks, and a cloud's metadata service
    # (100.100.100.200), which ipaddress calls neither private nor global
    ("100.100.100.200", "shared"), ("100.64.0.1", "shared"), ("::ffff:100.127.255.254", "shared"),
    # IPv6 site-local (fec0::/10): deprecated (RFC 3879), still a network's own where it is used, and neither
    # private nor reserved to ipaddress
    ("fec0::1", "site-local"), ("feff:ffff::1", "site-local"),
])
def test_non_public_addresses_are_named(address, kind):
    assert non_public_kind(address) == kind
    assert DEFAULT.refusal("hooks.example.org", address) is not None


# IPv6 addresses that carry an IPv4 one, each written here with the IPv4 it carries: judged by it, whatever
# ipaddress makes of the IPv6 address in this Python version (3.11.7 calls 2002:7f00:1:: global)
@pytest.mark.parametrize(("address", "kind"), [
    pytest.param("2002:7f00:1::", "loopback", id="6to4-127.0.0.1"),
    pytest.param("2002:a00:1:1::5", "private", id="6to4-10.0.0.1"),
    pytest.param("2002:6464:64c8::", "shared", id="6to4-100.100.100.200"),
    pytest.param("2002:a9fe:a9fe::", "link-local", id="6to4-169.254.169.254"),
    pytest.param("2002:808:808::", "6to4", id="6to4-8.8.8.8"),  # relayed, deprecated (RFC 7526): refused all
    pytest.param("64:ff9b::7f00:1", "loopback", id="nat64-127.0.0.1"),
    pytest.param("64:ff9b::a9fe:a9fe", "link-local", id="nat64-169.254.169.254"),
    pytest.param("64:ff9b::6440:1", "shared", id="nat64-100.64.0.1"),
    pytest.param("64:ff9b::c0a8:1", "private", id="nat64-192.168.0.1"),
    pytest.param("64:ff9b:1::7f00:1", "private", id="nat64-local-use"),  # where its IPv4 sits is the network's choice
    pytest.param("64:ff9b:1:ffff:ff00:808:808:0", "private", id="nat64-local-use-8.8.8.8"),
    pytest.param("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback", id="teredo-client-127.0.0.1"),
    pytest.param("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private", id="teredo-client-10.0.0.1"),
    pytest.param("2001:0:4136:e378:8000:63bf:9b9b:9b37", "shared", id="teredo-client-100.100.100.200"),
    pytest.param("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "private", id="teredo-client-8.8.8.8"),
    pytest.param("::ffff:169.254.169.254", "link-local", id="mapped-169.254.169.254"),
    pytest.param("::ffff:10.0.0.1", "private", id="mapped-10.0.0.1"),
    pytest.param("::127.0.0.1", "loopback", id="compatible-127.0.0.1"),
    pytest.param("::a00:1", "private", id="compatible-10.0.0.1"),
    pytest.param("::6464:64c8", "shared", id="compatible-100.100.100.200"),
    pytest.param("::8.8.8.8", "reserved", id="compatible-8.8.8.8"),  # deprecated (RFC 4291): refused all
    pytest.param("::1", "loopback", id="loopback-not-compatible-0.0.0.1"),
    pytest.param("::", "unspecified", id="unspecified-not-compatible-0.0.0.0"),
])
def test_an_ipv6_address_carrying_an_ipv4_one_is_judged_by_it(address, kind):
    """Before: 2002:7f00:1:: (6to4 of 127.0.0.1) passed, and 64:ff9b::7f00:1 was refused as reserved only."""
    assert non_public_kind(address) == kind
    article = "an" if kind[0] in "aeiou" else "a"
    assert DEFAULT.refusal("hooks.example.org", address).startswith(
        f"refused: hooks.example.org ({address}) is {article} {kind} address")
    assert DEFAULT.url_refusal(f"http://[{address}]:9000/hook") is not None


def test_an_allowed_ipv4_network_does_not_allow_an_ipv6_address_carrying_one_of_its_addresses():
    assert TargetPolicy.parse(["127.0.0.0/8"]).refusal("hooks.example.org", "64:ff9b::7f00:1") is not None


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "64:ff9b::5db8:d822", "::ffff:8.8.8.8"])
def test_an_ipv6_address_that_stands_for_a_public_ipv4_one_passes(address):
    """NAT64's well-known prefix (RFC 6052: never for an IPv4 address that is not global), as an IPv6-only
    network's DNS64 answers for a host with IPv4 only, and an IPv4-mapped address: each goes to its IPv4 one."""
    assert DEFAULT.refusal("hooks.example.org", address) is None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert DEFAULT.refusal("hooks.example.org", address) is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hook", "http://[::1]/x", "http://169.254.169.254/latest",
                                 "https://10.0.0.8/hook", "http://0.0.0.0:80/"])
def test_an_ip_literal_url_to_the_inside_is_refused(url):
    reason = DEFAULT.url_refusal(url)
    assert reason is not None and "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS" in reason


@pytest.mark.parametrize(("url", "shown"), [
    pytest.param("signal://2130706433:8080/+12025550101/+12025550102", "2130706433 (127.0.0.1)", id="decimal"),
    pytest.param("hassio://0x7f000001:8123/token", "0x7f000001 (127.0.0.1)", id="hex"),
    pytest.param("kodi://017700000001:8080", "017700000001 (127.0.0.1)", id="octal"),
    pytest.param("json://127.1/x", "127.1 (127.0.0.1)", id="short"),
    pytest.param("json://0xa9.254.169.254/latest", "0xa9.254.169.254 (169.254.169.254)", id="hex-part"),
])
def test_an_ip_literal_in_a_form_other_than_a_b_c_d_is_read_as_the_address_it_is(url, shown):
    """Before: only ipaddress's own forms were IP literals, so 2130706433 or 0x7f000001 passed as names, and
    the resolver (requests') then read them as 127.0.0.1."""
    reason = DEFAULT.url_refusal(url)
    assert reason is not None and reason.startswith(f"refused: {shown} is a ")


@pytest.mark.parametrize("host", ["hooks.example.org", "redis", "face", "0xcafe.example.org", "1e100"])
def test_a_name_is_no_ip_literal(host):
    assert ip_literal(host) is None


@pytest.mark.parametrize(("address", "reason"), [
    pytest.param(("127.0.0.1", 80), "refused: 127.0.0.1 is a loopback address", id="loopback"),
    pytest.param(("::1", 80, 0, 0), "refused: ::1 is a loopback address", id="ipv6"),
    pytest.param(("2130706433", 514), "refused: 127.0.0.1 is a loopback address", id="number"),
    pytest.param(("localhost", 514), "refused: ", id="name"),
    pytest.param(("", 80), "refused: 0.0.0.0 is an unspecified address;", id="any"),
    # before: "is a unspecified address", "is a link_local address"
    pytest.param(("169.254.169.254", 80), "refused: 169.254.169.254 is a link-local address;", id="link-local"),
    pytest.param(("93.184.216.34", 443), None, id="public"),
    pytest.param("/run/some.sock", None, id="unix-path"),
    # a socket takes its host as bytes too, and connects to it as it would to the text
    pytest.param((b"127.0.0.1", 80), "refused: 127.0.0.1 is a loopback address", id="bytes-address"),
    pytest.param((bytearray(b"localhost"), 514), "refused: a host name given", id="bytes-name"),
    pytest.param((b"\xff", 514), "refused: ", id="bytes-not-ascii"),
])
def test_a_socket_address_is_judged_by_the_address_it_is(address, reason):
    found = DEFAULT.socket_refusal(address)
    assert found == reason if reason is None else found.startswith(reason)


def test_a_host_name_given_to_a_socket_is_refused_even_when_it_resolves_to_an_allowed_address():
    """Before: the name was resolved to judge it, and the socket resolved it again (in C, unseen): a name
    answering a public address the first time and a private one the second (DNS rebinding) passed."""
    reason = TargetPolicy.parse(["127.0.0.0/8"]).socket_refusal(("localhost", 514))
    assert reason is not None and reason.startswith("refused: a host name given to the socket")
    assert "localhost" not in reason


def test_a_host_name_given_to_a_socket_passes_when_it_is_the_allowed_name_of_the_request():
    policy = TargetPolicy.parse(["localhost", "syslog.corp.example"])
    assert policy.socket_refusal(("LocalHost", 514), policy.name_permits("localhost")) is None
    assert policy.socket_refusal(("syslog.corp.example", 514), policy.name_permits("localhost")) is not None


def test_an_allowed_host_name_permits_only_the_addresses_it_resolves_to():
    """Before: a send whose URL named an allowed host could connect anywhere (mailto://…@allowed?smtp=127.0.0.1)."""
    policy = TargetPolicy.parse(["mail.corp.example"])
    permitted = frozenset({"mail.corp.example", "10.0.0.5"})
    assert policy.socket_refusal(("10.0.0.5", 25), permitted) is None
    assert policy.socket_refusal(("mail.corp.example", 25), permitted) is None
    assert policy.socket_refusal(("127.0.0.1", 2526), permitted).startswith("refused: 127.0.0.1 is a loopback")
    assert policy.socket_refusal(("127.0.0.1", 2526)).startswith("refused: 127.0.0.1 is a loopback")


def test_a_permitted_endpoint_is_that_address_and_port_only():
    permitted = frozenset({("127.0.0.1", 3128)})
    assert DEFAULT.socket_refusal(("127.0.0.1", 3128), permitted) is None
    assert DEFAULT.socket_refusal(("127.0.0.1", 3129), permitted) is not None


def test_an_allowed_host_name_permits_its_addresses_as_resolved_now():
    assert TargetPolicy.parse(["localhost"]).name_permits("LocalHost.") >= {"localhost", "127.0.0.1"}
    assert TargetPolicy.parse(["localhost"]).name_permits("redis") == frozenset()
    assert TargetPolicy.parse(["no-such-host.invalid"]).name_permits("no-such-host.invalid") == \
        frozenset({"no-such-host.invalid"})


def test_a_cidr_entry_still_lets_a_socket_address_through():
    assert TargetPolicy.parse(["10.0.0.0/8"]).socket_refusal(("10.0.0.5", 6379)) is None


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
