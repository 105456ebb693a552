"""Email addresses with display names: accepted where people write them, refused with the reason when
malformed, and never a way to add a header."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from services.notifier.addresses import parse_address
from services.notifier.config import NotifierConfig
from services.notifier.subscriptions import SubscriptionError, parse_subscription


@pytest.mark.parametrize("text, display_name, addr_spec", [
    ("jane@example.org", "", "jane@example.org"),
    ('"Jane Doe" <jane@example.org>', "Jane Doe", "jane@example.org"),
    ("Jane Doe <jane@example.org>", "Jane Doe", "jane@example.org"),
    ('"Doe, Jane" <jane@example.org>', "Doe, Jane", "jane@example.org"),
    ("Ren\u00e9e M\u00fcller <renee@example.org>", "Ren\u00e9e M\u00fcller", "renee@example.org"),
], ids=["bare", "quoted-name", "unquoted-name", "comma-in-quoted-name", "non-ascii-name"])
def test_address_with_or_without_a_display_name_is_accepted(text, display_name, addr_spec):
    address = parse_address(text)
    assert (address.display_name, address.addr_spec) == (display_name, addr_spec)


@pytest.mark.parametrize("text, reason", [
    ("not-an-address", "addr-spec local part with no domain"),
    ("Jane <jane@example.org", "missing trailing '>'"),
    ("Doe, Jane <jane@example.org>", "local part with no domain"),
    ("jane@example.org, joe@example.org", "expected one address"),
    ("team: jane@example.org;", "expected one address"),
    ("jane@localhost", "not a mail domain"),
    ("jane@[127.0.0.1]", "not a mail domain"),
    ("Jane <jane@example.org>\r\nBcc: everyone@example.org", "line break"),
    ("jane@example.org\nBcc: everyone@example.org", "line break"),
    ("x" * 65 + "@example.org", "longer than"),
    ("a@", "expected name@domain"),
    ("\u202eJane Doe <jane@example.org>", "bidi embedding, override or isolate"),
    ("=?utf-8?b?4oCu?= Jane <jane@example.org>", "bidi embedding, override or isolate"),
    ("=?utf-8?q?Jane=C2=85?= <jane@example.org>", "control character"),  # NEL, a C1 control
], ids=["no-domain", "unclosed-angle", "unquoted-comma", "two-addresses", "group", "single-label-domain",
        "ip-literal", "crlf-injection", "lf-injection", "long-local-part", "empty-domain",
        "bidi-override-in-name", "bidi-override-in-an-encoded-word", "control-in-an-encoded-word"])
def test_malformed_address_is_refused_with_the_reason(text, reason):
    with pytest.raises(ValueError, match=reason.replace("[", r"\[")):
        parse_address(text)


@given(st.text(max_size=120))
def test_parsing_any_text_raises_nothing_but_value_error(text):
    try:
        address = parse_address(text)
    except ValueError:
        return
    assert "\r" not in str(address) and "\n" not in str(address)


def test_subscription_takes_a_display_name_address_and_names_a_bad_one():
    sub = parse_subscription({"id": "s", "channels": [{"email": {"to": ['"Jane Doe" <jane@example.org>']}}]})
    assert sub.channels[0].to == ['"Jane Doe" <jane@example.org>']
    with pytest.raises(SubscriptionError) as info:
        parse_subscription({"id": "s", "channels": [{"email": {"to": ["ok@example.org", "Jane\r\nBcc: x@y.org"]}}]})
    assert info.value.errors == [{"field": "channels.0.to.1", "message": "not an email address: "
                                  "'Jane\\r\\nBcc: x@y.org' (contains a line break or another control character)"}]


def test_from_setting_takes_a_display_name_and_refuses_a_malformed_one():
    assert NotifierConfig(smtp_from='"pledgewatch alerts" <alerts@example.org>').smtp_from == \
        '"pledgewatch alerts" <alerts@example.org>'
    assert NotifierConfig(smtp_from="pledgewatch@localhost").smtp_from == "pledgewatch@localhost"  # the default
    with pytest.raises(ValidationError, match="line break"):
        NotifierConfig(smtp_from="alerts@example.org\r\nBcc: x@example.org")


@pytest.mark.parametrize("text, addr_spec", [
    ("jos\u00e9@example.org", "jos\u00e9@example.org"),  # RFC 6531: mailed with SMTPUTF8
    ("jose\u0301@example.org", "jos\u00e9@example.org"),  # composed (NFC), as RFC 6532 asks
    ("jane@b\u00fccher.example", "jane@xn--bcher-kva.example"),  # an IDNA A-label: mailed as any address
    ('"Jos\u00e9" <jos\u00e9@B\u00dcCHER.example>', "jos\u00e9@xn--bcher-kva.example"),
    ("\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a", "\u7528\u6237@xn--fsqu00a.xn--4rr70v"),
], ids=["non-ascii-local-part", "decomposed-local-part", "non-ascii-domain", "both-with-a-name", "chinese"])
def test_an_internationalised_address_is_accepted_its_domain_as_an_a_label(text, addr_spec):
    assert parse_address(text).addr_spec == addr_spec


@pytest.mark.parametrize("text, reason", [
    ("jane@\u2603.example", "not a mail domain"),  # a snowman: no IDNA 2008 label
    ("jane@-b\u00fccher.example", "not a mail domain"),
    ("\u00e9" * 33 + "@example.org", "over 64 bytes before the @"),  # 66 bytes in UTF-8
    ("jo\u202ese@example.org", "bidi embedding, override or isolate"),
    ("jo\u0085se@example.org", "control character"),  # NEL, a C1 control
], ids=["snowman-domain", "hyphen-first-label", "long-local-part-in-bytes", "bidi-in-local-part", "c1-in-local-part"])
def test_a_malformed_internationalised_address_is_refused_with_the_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_address(text)


def test_one_mailbox_whichever_form_its_domain_is_written_in():
    from services.notifier.addresses import mailbox

    assert mailbox("jane@b\u00fccher.example") == mailbox("JANE@xn--bcher-kva.example")


def test_the_from_setting_must_be_ascii_before_the_at():
    """Every message would need SMTPUTF8, and a server without it could take none."""
    with pytest.raises(ValidationError, match="ASCII before the @"):
        NotifierConfig(smtp_from="jos\u00e9@example.org")
    assert NotifierConfig(smtp_from="alerts@b\u00fccher.example").smtp_from == "alerts@b\u00fccher.example"


@pytest.mark.parametrize("text, named", [
    ("jo\u200bse@example.org", "U+200B ZERO WIDTH SPACE"),
    ("jo\u00a0se@example.org", "U+00A0 NO-BREAK SPACE"),
    ('"jo\u00a0se"@example.org', "U+00A0 NO-BREAK SPACE"),  # quoted: still not an ASCII space
    ("jo\u2028se@example.org", "U+2028 LINE SEPARATOR"),
    ("jo\u2029se@example.org", "U+2029 PARAGRAPH SEPARATOR"),
    ("jo\u3000se@example.org", "U+3000 IDEOGRAPHIC SPACE"),
    ("jo\u00adse@example.org", "U+00AD SOFT HYPHEN"),
    ("jo\u2060se@example.org", "U+2060 WORD JOINER"),
    ("jo\ufeffse@example.org", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("jo\u200ese@example.org", "U+200E LEFT-TO-RIGHT MARK"),
    ("jo\u202ese@example.org", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("jo\u0085se@example.org", "U+0085"),  # a C1 control: no name
    ("jo\ue000se@example.org", "U+E000"),  # private use
    ("jo\u0378se@example.org", "U+0378"),  # unassigned
    ("\u0301jose@example.org", "U+0301 COMBINING ACUTE ACCENT"),  # would combine with what comes before
    ("jane@b\u00fc\u200bcher.example", "U+200B ZERO WIDTH SPACE"),  # IDNA's mapping would drop it unseen
    ("jane@b\u00fc\u00adcher.example", "U+00AD SOFT HYPHEN"),
], ids=["zero-width-space", "no-break-space", "no-break-space-quoted", "line-separator", "paragraph-separator",
        "ideographic-space", "soft-hyphen", "word-joiner", "bom", "lrm", "rlo", "c1-control", "private-use",
        "unassigned", "leading-combining-mark", "zero-width-space-in-domain", "soft-hyphen-in-domain"])
def test_an_address_holding_an_invisible_character_or_a_separator_is_refused_naming_it(text, named):
    """Such an address looks like another one, or breaks the line it is shown on (RFC 6532 section 3.1 takes
    any UTF-8; these are the characters the email-validator package refuses too)."""
    with pytest.raises(ValueError, match=named.replace("+", r"\+")):
        parse_address(text)


@pytest.mark.parametrize("text", ["jos\u00e9@example.org", "jo\u0301se@example.org", '"jo se"@example.org',
                                  "\u0627\u0644\u0628\u0631\u064a\u062f@example.org", "\u0939\u093f\u0928@example.org"],
                         ids=["accented", "combining-after-a-letter", "quoted-ascii-space", "arabic", "devanagari"])
def test_letters_marks_and_a_quoted_ascii_space_are_still_taken(text):
    parse_address(text)


def test_the_from_setting_refuses_an_invisible_character_naming_it():
    with pytest.raises(ValidationError, match=r"U\+200B ZERO WIDTH SPACE"):
        NotifierConfig(smtp_from="alerts@b\u00fc\u200bcher.example")


def test_a_subscription_refuses_an_invisible_character_naming_it():
    with pytest.raises(SubscriptionError) as info:
        parse_subscription({"id": "s", "channels": [{"email": {"to": ["jo\u200bse@example.org"]}}]})
    assert info.value.errors[0]["field"] == "channels.0.to.0"
    assert "U+200B ZERO WIDTH SPACE" in info.value.errors[0]["message"]
