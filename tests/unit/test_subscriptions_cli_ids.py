"""An id no subscription could have is a usage error before any request, a line break at its end too; `reminders
--all` follows each page's next_cursor."""

import json

import pytest

from pledgewatch.errors import USAGE, CommandError
from pledgewatch.subscriptions_cli import _one


@pytest.mark.parametrize("sub_id", ["no/such", "desk\n", "desk?limit=1", ""])
def test_an_id_no_subscription_could_have_is_refused_as_a_usage_error(sub_id):
    with pytest.raises(CommandError) as raised:
        _one(sub_id, "/reminders")
    assert raised.value.exit_code == USAGE


def test_an_id_a_subscription_can_have_names_its_path():
    assert _one("ct-desk.2", "/reminders") == "/subscriptions/ct-desk.2/reminders"


def _page(ids: list[str], cursor: str | None) -> dict:
    reminders = [{"reminder_id": rid, "fires_at": "2027-03-09T22:00:00+00:00", "offset": "P1D", "deadline_index": 0,
                  "due": "2027-03-10", "commitment": {"id": "c-1", "actor": "UK", "text": "The UK will act."},
                  "release": {"release_id": "r", "version": 1, "title": "T", "url": "https://x"}, "dropped": None}
                 for rid in ids]
    return {"subscription": "desk", "timezone": "UTC", "planned": 3, "more": 0 if cursor is None else 1,
            "reminders": reminders, "next_cursor": cursor}


def test_reminders_all_follows_next_cursor_to_the_last_page_a_thousand_at_a_time(monkeypatch, capsys):
    from pledgewatch import subscriptions_cli
    from pledgewatch.cli import main

    pages = {"": _page(["rem-1", "rem-2"], "Wy+/"), "&cursor=Wy%2B%2F": _page(["rem-3"], None)}
    asked = []

    def answer(args, method, path, body=None, **_):
        asked.append(path)
        return 200, pages[path.partition("?limit=1000")[2]]
    monkeypatch.setattr(subscriptions_cli, "_request", answer)
    assert main(["subscriptions", "reminders", "desk", "--all", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert [r["reminder_id"] for r in body["reminders"]] == ["rem-1", "rem-2", "rem-3"]
    assert (body["more"], body["next_cursor"]) == (0, None)
    assert asked == ["/subscriptions/desk/reminders?limit=1000",
                     "/subscriptions/desk/reminders?limit=1000&cursor=Wy%2B%2F"]  # the cursor quoted
    assert main(["subscriptions", "reminders", "desk", "--all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "desk: 3 reminders planned" and len(lines) == 4  # every one, none left to count


def test_reminders_takes_a_limit_or_all_not_both(capsys):
    from pledgewatch.cli import main

    assert main(["subscriptions", "reminders", "desk", "--all", "--limit", "5"]) == USAGE
    assert "argument --limit: not allowed with argument --all" in capsys.readouterr().err
