"""``classify`` end to end on small releases: copied fields, ids, languages, purity."""

from __future__ import annotations

import ast
from pathlib import Path

from services.classifier.core import CLASSIFIER_VERSION, classify

CORE = Path(__file__).resolve().parents[3] / "services" / "classifier" / "core"
BODY = ("The Home Secretary has announced new measures against terrorism.\n\n"
        "The Home Office will publish revised Prevent guidance by March 2018.")


def test_release_fields_are_copied_through(make_release):
    release = make_release(BODY, release_id="rel-abc")
    result = classify(release)
    assert (result.release_id, result.version, result.url, result.title, result.published_at, result.source,
            result.locale, result.withdrawn) == (release.release_id, 1, release.url, release.title,
                                                  release.published_at, "test", "en", False)
    assert result.classifier_version == CLASSIFIER_VERSION


def test_a_withdrawal_and_its_notice_are_carried_through_for_the_notifier_to_tell(make_release):
    notice = "This fund has been replaced by the Ports Security Programme."
    release = make_release(BODY).model_copy(update={"withdrawn": True, "withdrawn_notice": notice})
    result = classify(release)
    assert (result.withdrawn, result.withdrawn_notice) == (True, notice)
    assert classify(make_release(BODY)).withdrawn_notice is None


def test_commitment_id_is_stable_across_versions_and_changes_with_the_text(make_release):
    first = classify(make_release(BODY)).commitments[0]
    again = classify(make_release(BODY + "\n\nMore detail follows.")).commitments[0]
    changed = classify(make_release(BODY.replace("March 2018", "April 2018"))).commitments[0]
    assert first.id == again.id != changed.id
    assert first.id.startswith("c-")


def test_spans_point_into_the_body(make_release):
    release = make_release(BODY)
    [commitment] = classify(release).commitments
    assert release.body[slice(*commitment.span)] == commitment.text
    assert release.body[slice(*commitment.deadlines[0].span)] == "by March 2018"


def test_a_release_in_another_language_is_not_classified(make_release):
    result = classify(make_release("سوف تستثمر المملكة المتحدة", locale="ar"))
    assert result.unsupported_reason == "language 'ar' is not supported"
    assert result.commitments == [] and not result.is_counter_terrorism


def test_one_passing_mention_of_terrorism_does_not_make_a_release_counter_terrorism(make_release):
    body = ("The Department for Education will provide £2 billion for schools this year.\n\n"
            "Schools also run drills for emergencies, including the rare threat of terrorism.")
    assert not classify(make_release(body, title="School funding boost")).is_counter_terrorism


def test_the_core_imports_no_broker_scheduler_or_network_library():
    forbidden = {"faststream", "redis", "apscheduler", "aiohttp", "requests", "httpx", "socket"}
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
        names |= {node.module.split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
        assert not names & forbidden, path.name
        assert "datetime.now" not in path.read_text(encoding="utf-8") and "date.today" not in path.read_text(
            encoding="utf-8"), path.name


def test_a_financial_year_is_the_publishers_own(make_release):
    body = "The Government will provide $12 million in 2019-20 to expand the border force."
    release = make_release(body).model_copy(update={"source": "minister.example.gov.au",
                                                    "url": "https://minister.example.gov.au/media/x"})
    [commitment] = classify(release).commitments
    [deadline] = commitment.deadlines
    assert (deadline.start.isoformat(), deadline.end.isoformat()) == ("2019-07-01", "2020-06-30")


def test_a_bare_dollar_is_the_publishing_sites_own(make_release):
    body = "The state government will invest $40 million in new police stations."
    for site, currency in (("premier.example.gov.au", "AUD"), ("news.example.on.ca", "CAD"),
                           ("beehive.govt.nz", "NZD"), ("www.example.gov", "USD")):
        release = make_release(body).model_copy(update={"source": site, "url": f"https://{site}/media/x"})
        [commitment] = classify(release).commitments
        assert (commitment.money.amount, commitment.money.currency) == (40_000_000, currency), site


def test_a_commitments_money_is_its_own_not_a_total_or_an_earlier_sum(make_release):
    for body, amount in (
            ("Of the £40m package, £5m will go to rural police forces.", 5_000_000),
            ("Out of this £900 million, the department will give £120 million to hospices.", 120_000_000),
            ("In addition to the £70 million already announced, the Home Office will provide £9 million for "
             "training.", 9_000_000),
            ("The Government will raise spending on flood defences from £2 billion to £2.6 billion.", 2_600_000_000),
            ("The UK will spend £1.2 billion over five years, including £200 million this year, on flood defences.",
             1_200_000_000),
            ("The council will invest a total of £12m, with £3m for cycle lanes.", 12_000_000)):
        [commitment] = classify(make_release(body)).commitments
        assert commitment.money.amount == amount, body
    [commitment] = classify(make_release("In addition to the £70 million already announced, the Home Office will "
                                         "train 300 more firearms officers.")).commitments
    assert commitment.money is None


def test_an_actor_is_never_a_bare_pronoun(make_release):
    for body in ("They will provide £2m to local schools next year.",
                 'She said: "We will deliver 200 new homes by 2021."',
                 "‘We will open three new depots by 2020,’ the minister said.",
                 "Ministers met the mayors. Later, he will set out £6m for new buses."):
        actors = [commitment.actor for commitment in classify(make_release(body)).commitments]
        assert actors, body
        assert not any(actor.strip("\"'‘’“” ").lower() in ("we", "they", "he", "she", "it", "you", "i")
                       for actor in actors), (body, actors)


def test_a_commitment_keeps_each_deadline_its_sentence_writes(make_release):
    body = ("The Government will extend its trading plan for a further two years, with the aim of completing the "
            "sale by 2025-26.")
    [commitment] = classify(make_release(body)).commitments
    assert [deadline.text for deadline in commitment.deadlines] == ["for a further two years", "by 2025-26"]
    body = ("TikTok must provide the requested information to the Commission by 25 October 2023 for questions on "
            "the crisis response, and by 8 November 2023 for the other questions.")
    [commitment] = classify(make_release(body)).commitments
    assert [deadline.text for deadline in commitment.deadlines] == ["by 25 October 2023", "by 8 November 2023"]


def test_a_commitment_keeps_a_deadline_written_twice_once(make_release):
    body = "The Home Office will train 300 more firearms officers by March 2018, that is by 31 March 2018."
    [commitment] = classify(make_release(body)).commitments
    assert [deadline.text for deadline in commitment.deadlines] == ["by March 2018"]


def test_a_span_counts_code_points_as_its_schema_says(make_release):
    # Before: the schema said "character offsets", which a consumer in JavaScript or Java reads as UTF-16 units:
    # past a character outside the BMP (an emoji, a flag) its slice of the body missed the words.
    from schemas.classified import Commitment

    body = "\U0001F1EC\U0001F1E7 The UK will invest £24m by 31 March 2027 to counter terrorist travel through ports."
    [commitment] = classify(make_release(body)).commitments
    start, end = commitment.money.span
    assert body[start:end] == "£24m"  # Python's str indices: code points
    utf16 = body.encode("utf-16-le")
    assert utf16[2 * start:2 * end].decode("utf-16-le") != "£24m"
    span = Commitment.model_json_schema()["properties"]["span"]
    assert "code points" in span["description"] and "UTF-16" in span["description"]
