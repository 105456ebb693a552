"""Microsoft Teams, reached through a Power Automate workflow (``workflows://``) since Microsoft retired the
Office 365 connectors Apprise's ``msteams://`` posted to. Teams shows the text as an Adaptive Card's TextBlock,
read as Markdown: one line break is no break there, only a blank line is (Microsoft's "Format cards in Teams")."""

from test_chat_length import _posted

from services.notifier.channels.chat import apprise_url_problem

TEAMS = "workflows://prod-41.westus.logic.azure.com:443/abcdef0123456789abcdef0123456789/sig0123456789abcdef"
ALERT_TEXT = ("New commitments — Port fund\nhttps://www.gov.uk/news/port-fund\n"
              "published 5 December 2026 (version 1)\n\n- Pledge by UK: The UK will invest £10m in ports.\n"
              "    money: GBP 10,000,000 (“£10m”)\n"
              "    deadline: due by 31 March 2027 (“by 31 March 2027”)\n\nSent by pledgewatch for the subscription desk.")


def _card_text(payload: dict) -> str:
    [body] = [block for block in payload["attachments"][0]["content"]["body"] if block.get("id") == "body"]
    return body["text"]


def test_each_line_of_a_teams_message_is_shown_on_a_line_of_its_own():
    """Before: the lines were joined by single line breaks, which Teams reads as spaces: the release's address, its
    date and each commitment's money and deadline ran on as one paragraph."""
    text = _card_text(_posted(TEAMS, text=ALERT_TEXT)[0])
    paragraphs = text.split("\n\n")
    assert all("\n" not in paragraph for paragraph in paragraphs)
    assert len(paragraphs) == len([line for line in ALERT_TEXT.splitlines() if line])
    # an indented line keeps its indent, not read as preformatted text (which a card does not show)
    assert "\u00a0\u00a0\u00a0\u00a0money: GBP 10,000,000" in text


def test_a_long_teams_message_fits_the_card_with_its_lines_apart():
    text = _card_text(_posted(TEAMS)[0])
    assert len(text) + text.count("\n") <= 1000  # Apprise's bound for a workflow's text, line breaks as CRLF
    assert "cut short" in text.rsplit("\n\n", 1)[1]


def test_an_msteams_url_is_refused_saying_how_to_reach_teams_now():
    """Before: "Apprise does not understand this URL (scheme 'msteams')", though the docs offered msteams://."""
    problem = apprise_url_problem("msteams://abcdefg@hijklmnop/qrstuvwxyz/012345678/")
    assert "Office 365 connectors" in problem and "workflows://" in problem


def _card_title(payload: dict) -> str:
    [title] = [block for block in payload["attachments"][0]["content"]["body"] if block.get("id") == "title"]
    return title["text"]


def test_a_release_title_adds_no_link_or_markup_to_a_teams_card():
    """Before: Apprise escaped the text but put the title into the card's heading as it was, read as Markdown: a
    release titled "[Claim your grant](https://evil.example)" showed a link in Teams."""
    title = _card_title(_posted(TEAMS, title="New commitments: [Claim your grant](https://evil.example) **now**")[0])
    assert title.startswith("New commitments: \\[Claim your grant\\]\\(") and title.endswith(" \\*\\*now\\*\\*")
    assert "[Claim your grant](" not in title  # an address is at most a link showing itself


def test_the_web_addresses_of_a_teams_message_are_links():
    """Before: a card shows a bare address as words, not as a link, and Apprise's escaping wrote it
    ``https://www\\.gov\\.uk/…``: the release's own address and its page on the dashboard could not be opened."""
    text = _card_text(_posted(TEAMS, text=ALERT_TEXT + "\nEvery version: https://dash.example.org/releases/r(1)_a")[0])
    assert "[https://www\\.gov\\.uk/news/port\\-fund](https://www.gov.uk/news/port-fund)" in text
    assert "(https://dash.example.org/releases/r%281%29_a)" in text  # a bracket would end the link
    assert "\\(“£10m”\\)" in text  # the words still escaped


def test_a_release_mentions_nobody_in_teams():
    [payload] = _posted(TEAMS, title="New commitments: <at>General</at>", text="- Pledge by <at>General</at>: act.")
    assert "entities" not in payload["attachments"][0]["content"]["msteams"]
