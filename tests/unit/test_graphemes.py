"""Text cut between grapheme clusters, and inside the one cluster at its start when that alone is too long."""

from services.common.graphemes import longest_start

# a letter under 300 combining marks (as a spammer's "zalgo" text has): one grapheme cluster of 301 code points
OVERGROWN = "Z" + "\u0336\u0301" * 150


def test_a_start_is_whole_clusters_that_fit():
    assert longest_start("ab\U0001f1ec\U0001f1e7c", lambda cut: len(cut) <= 3) == "ab"


def test_a_first_cluster_longer_than_the_room_is_cut_between_its_code_points_rather_than_to_nothing():
    """Before: "", so a title, a summary or a line of it was left empty or an ellipsis alone."""
    assert longest_start(OVERGROWN + " rest", lambda cut: len(cut) <= 10) == OVERGROWN[:10]


def test_nothing_when_not_even_one_code_point_fits():
    assert longest_start(OVERGROWN, lambda cut: len(cut) <= 0) == ""
    assert longest_start("", lambda cut: True) == ""


def test_a_text_is_shortened_to_whole_clusters_and_an_ellipsis():
    from services.common.graphemes import shortened
    assert shortened("abc", 3) == "abc"
    assert shortened("a\U0001f1ec\U0001f1e7b", 3) == "a\u2026"
    assert shortened(OVERGROWN, 5) == OVERGROWN[:4] + "\u2026"
