"""``classify``: a published release in, its commitments and counter-terrorism reading out."""

from __future__ import annotations

from schemas import ReleaseClassified, ReleasePublished

from .aliases import acronyms
from .clauses import commitments_in
from .cues import candidate_sentences, read_body
from .money import dollar_of
from .context import borrow_deadlines
from .sentences import split_sentences
from .publishers import publisher
from .records import build_commitment
from .terrorism import THRESHOLD, mentions_terrorism, score_release

CLASSIFIER_VERSION = "rules-0.2.1"
_SUPPORTED = ("en",)


def classify(release: ReleasePublished) -> ReleaseClassified:
    """Read one release version. Pure: deadlines resolve against ``release.published_at``
    (its calendar date in the release's own time zone), never against the clock."""
    copied = {"release_id": release.release_id, "version": release.version, "url": release.url,
              "title": release.title, "published_at": release.published_at, "source": release.source,
              "locale": release.locale, "withdrawn": release.withdrawn}
    language = release.locale.split("-")[0].lower()
    if language not in _SUPPORTED:
        return ReleaseClassified(**copied, classifier_version=CLASSIFIER_VERSION, is_counter_terrorism=False,
                                 counter_terrorism_score=0.0,
                                 unsupported_reason=f"language {release.locale!r} is not supported")
    body, published = release.body, release.published_at.date()
    words = read_body(body)  # one pass: where cues, terrorism terms and trigger words are
    score, evidence = score_release(release.title, body, body_term_starts=words.term_starts)
    who = publisher(release)
    names = acronyms(body, who)
    commitments = []
    sentences = split_sentences(body)
    previous = None
    paragraph_ct: dict[str, bool] = {}
    dollar = dollar_of(release.title + "\n" + body) if "$" in body else "USD"
    for whole in candidate_sentences(body, sentences, cues=words.cues):
        for sentence, found in commitments_in(body, whole, who, previous, words.triggers):
            if found.actor.name in names:
                found = found._replace(actor=found.actor._replace(name=names[found.actor.name]))
            previous = found.actor
            context = _paragraph(body, sentence.start, sentence.end)
            if score < THRESHOLD and context not in paragraph_ct:  # one reading per paragraph
                paragraph_ct[context] = mentions_terrorism(context)
            commitments.append(build_commitment(release.release_id, body, sentence, found, published, context,
                                                release_ct=score >= THRESHOLD, dollar=dollar,
                                                context_ct=paragraph_ct.get(context)))
    commitments = borrow_deadlines(commitments, sentences, body, published)
    return ReleaseClassified(
        **copied, classifier_version=CLASSIFIER_VERSION, is_counter_terrorism=score >= THRESHOLD,
        counter_terrorism_score=score, evidence=evidence, commitments=commitments,
    )


def _paragraph(body: str, start: int, end: int) -> str:
    first = body.rfind("\n", 0, start) + 1
    last = body.find("\n", end)
    return body[first: last if last != -1 else len(body)]
