"""Going through every chosen dead letter a page at a time (``dead_letter_sweep``, ``dlq_all``), on letters held
in memory: each letter once, a limit, a stop between pages or within one, and what a long run says."""

import argparse
import asyncio
import os
import signal

import pytest

from pledgewatch import dlq_all
from pledgewatch.dead_letter_queue import Page
from pledgewatch.dead_letter_sweep import PROGRESS_SECONDS, Progress, Sweep, sweep, sweep_text
from pledgewatch.dead_letters import Unreadable

IDS = [f"{n}-0" for n in range(10, 0, -1)]  # newest first


class Letters:
    """The dead-letter stream's paging over ``ids`` (newest first), the ones read in each page kept."""

    def __init__(self, ids):
        self.ids, self.pages = ids, []

    async def page(self, *, origins, after, limit, newest=None):
        older = self.ids[self.ids.index(after) + 1:] if after else self.ids[self.ids.index(newest):]
        taken = [Unreadable(i, "test") for i in older[:limit]]
        self.pages.append([item.id for item in taken])
        return Page(taken, taken[-1].id if len(older) > limit else None, len(taken), True)


async def go(letters, *, limit=None, stop_after=None, after=None, newest=IDS[0]):
    acted = []

    async def act(page):
        acted.extend(item.id for item in page)
        return len(page), 0

    state = await sweep(letters, act, Sweep(len(IDS), through=after), origins=None, newest=newest, limit=limit,
                        page_size=3, stop_requested=lambda: len(letters.pages) == stop_after,
                        on_page=lambda _: None)
    return state, acted


def test_every_letter_is_acted_on_once_a_page_at_a_time():
    letters = Letters(IDS)
    state, acted = asyncio.run(go(letters))
    assert acted == IDS
    assert [len(page) for page in letters.pages] == [3, 3, 3, 1]
    assert (state.read, state.done, state.more, state.through, state.stopped) == (10, 10, False, "1-0", False)


def test_letters_newer_than_the_newest_when_it_began_are_left():
    state, acted = asyncio.run(go(Letters(["12-0", "11-0", *IDS])))
    assert acted == IDS


def test_a_stop_is_taken_after_a_page_is_read_and_before_it_is_acted_on():
    state, acted = asyncio.run(go(Letters(IDS), stop_after=3))
    assert acted == IDS[:6]
    assert (state.read, state.through, state.stopped, state.more) == (6, IDS[5], True, True)
    rest, acted = asyncio.run(go(Letters(IDS), after=state.through))
    assert acted == IDS[6:] and rest.more is False


def test_a_limit_acts_on_that_many_and_says_where_the_rest_begins():
    letters = Letters(IDS)
    state, acted = asyncio.run(go(letters, limit=5))
    assert acted == IDS[:5] and [len(page) for page in letters.pages] == [3, 2]
    assert (state.through, state.more) == (IDS[4], True)


@pytest.mark.parametrize("state, text", [
    (Sweep(20, through="7-0", read=6, done=5, not_done=1), "6 of 20 dead letters read (5 replayed, 1 kept), back to 7-0"),
    (Sweep(None, through="7-0", read=1, done=1), "1 dead letter read (1 replayed, 0 kept), back to 7-0"),
    (Sweep(1), "0 of 1 dead letter read (0 replayed, 0 kept)"),
], ids=["counted", "not-counted", "nothing-read"])
def test_how_far_a_run_got_reads(state, text):
    assert sweep_text(state, "replayed", "kept") == text


def test_a_long_run_says_how_far_it_got_every_few_seconds_and_a_short_one_not_at_all():
    progress = Progress(started=100.0)
    said = [now for now in (101.0, 104.9, 105.0, 106.0, 109.9, 110.0, 117.0) if progress.due(now)]
    assert PROGRESS_SECONDS == 5.0 and said == [105.0, 110.0, 117.0]


def test_a_second_signal_cuts_the_page_in_hand_short_and_says_so(monkeypatch, capsys):
    """The first SIGINT asks for a stop between pages; one more while a page is acted on stops at once."""
    args = argparse.Namespace(stream=["feed"], yes=True, limit=None, after=None)
    monkeypatch.setattr(dlq_all, "SWEEP_PAGE", 3)
    handler = signal.getsignal(signal.SIGINT)

    async def act(page):
        if page[0].id == IDS[3]:
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
            await asyncio.sleep(60)  # a pipeline of scripts under way
        return len(page), 0

    state = asyncio.run(dlq_all.run_sweep(Letters(IDS), act, Sweep(10), args, names={"feed"}, newest=IDS[0],
                                          words=("dropping", "dropped", "gone already")))
    assert (state.read, state.through, state.stopped, state.cut_short) == (3, IDS[2], True, True)
    assert dlq_all.ending(state, args, "drop", ("dropped", "gone already")) == 130
    assert capsys.readouterr().err == (
        f"stopped: 3 of 10 dead letters read (3 dropped, 0 gone already), back to {IDS[2]} (the page after it cut "
        f"short: each of its letters done or left whole); the rest: pledgewatch dlq drop --all --stream feed --yes "
        f"--after {IDS[2]}\n")
    assert signal.getsignal(signal.SIGINT) is handler  # put back


@pytest.mark.parametrize("total, stream, limit, after, question", [
    (200000, None, None, None, "Drop 200000 dead letters for good?"),
    (1, ["http"], None, None, "Drop 1 dead letter from http for good?"),
    (None, ["feed:mod"], None, None, "Drop every dead letter from feed:mod for good?"),
    (None, None, None, "7-0", "Drop every dead letter older than 7-0 for good?"),
    (None, ["feed:mod"], 100, "7-0", "Drop at most 100 dead letters from feed:mod older than 7-0 for good?"),
], ids=["counted", "one-origin", "one-source", "after", "limit"])
def test_drop_all_asks_about_what_it_will_drop(total, stream, limit, after, question):
    args = argparse.Namespace(stream=stream, limit=limit, after=after)
    assert dlq_all.drop_question(total, args) == question
