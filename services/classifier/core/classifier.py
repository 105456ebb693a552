"""``classify``: a published release in, its commitments and counter-terrorism reading out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

from schemas import Commitment, ReleaseClassified, ReleasePublished

from .actor_model import publisher_readings, reactored
from .actors import clause_subject, lone_name, without_bare_pronoun
from .aliases import acronyms
from .commitments import Found
from .context import borrow_deadlines
from .cues import read_body
from .category_model import recategorised
from .decision import DecisionModel, shipped_digest, shipped_model
from .financial_context import in_financial_years
from .folding import LoweredBody, starts_within
from .money import dollar_of
from .penalties import threatens_penalty
from .proposals import Proposal, propose
from .publishers import UNLISTED, UNNAMED, financial_year_start, publisher, publisher_and_shown, site_dollar
from .records import build_commitment
from .sentences import Sentence, split_sentences
from .signals import MONEY, TIME_WORDS, Signals
from .terrorism import THRESHOLD, mentions_terrorism, score_release
from .triggers import Trigger
from .unruled import read_unruled

CLASSIFIER_VERSION: Final = "rules+model-0.14.4"
RULES_VERSION: Final = CLASSIFIER_VERSION.rpartition("-")[2]  # the rules' own number, told apart from a model's
MAX_COMMITMENTS: Final = 500  # a release holding more is not a press release; past it, reading stops
# A commitment's deadlines each plan a reminder per offset for every subscriber: a sentence naming hundreds of
# days is no schedule a press release sets (the labelled releases name 4 at most), and past this they are dropped
MAX_DEADLINES: Final = 10
_SUPPORTED: Final = ("en",)


def classify(release: ReleasePublished, *, model: DecisionModel | None = None, rules_only: bool = False,
             budget_seconds: float | None = None, clock: Callable[[], float] = time.monotonic) -> ReleaseClassified:
    """Read one release version. Pure: deadlines resolve against ``release.published_at``
    (its calendar date in the release's own time zone), never against the clock.

    Rules propose clauses (:mod:`.proposals`), ``model`` (the shipped one by default) decides which are
    commitments and of which kind; ``rules_only`` keeps exactly what the rules read, for comparison.

    Bounded: at most ``MAX_COMMITMENTS`` are read, and with ``budget_seconds`` reading stops once that much
    ``clock`` time has passed; either way the commitments found so far are kept and ``unsupported_reason``
    says where and why reading stopped."""
    deadline = None if budget_seconds is None else clock() + budget_seconds  # reading the whole body counts too
    model = None if rules_only else model or shipped_model()
    version = classifier_version(model)
    copied: dict[str, Any] = {"release_id": release.release_id, "version": release.version, "url": release.url,
                              "title": release.title, "published_at": release.published_at, "source": release.source,
                              "locale": release.locale, "withdrawn": release.withdrawn,
                              "withdrawn_notice": release.withdrawn_notice}
    language = release.locale.split("-")[0].lower()
    if language not in _SUPPORTED:
        return ReleaseClassified(**copied, classifier_version=version, is_counter_terrorism=False,
                                 counter_terrorism_score=0.0,
                                 unsupported_reason=f"language {release.locale!r} is not supported")
    body, published = release.body, release.published_at.date()
    low = body.lower()
    lowered = LoweredBody(body, low)  # each sentence's lowering, a slice of the body's
    words = read_body(body, low=low)  # one pass: where cues, terrorism terms and trigger words are
    score, evidence = score_release(release.title, body, body_term_starts=words.term_starts)
    who, shown = publisher_and_shown(release)
    # The rules read a default "UK government" as they always did (the model's signals stay the same) under a
    # stand-in name, written out as the name shown for it
    if shown is not None:
        who = UNLISTED
    year_starts = financial_year_start(release)
    names: dict[str, str] | None = None  # the release's acronyms, read at its first commitment
    commitments: list[Commitment] = []
    # every category the rules read in each commitment, by position (the passes after reading keep each in its place)
    hits: list[list[str]] = []
    sentences = split_sentences(body)
    paragraph_ct: dict[str, bool] = {}
    dollar = "USD"  # what a bare "$" means: read with the acronyms
    stopped = None
    near_terrorism = False  # a proposal the model weighs at or above its terrorism cut names terrorism
    may_hold: dict[Sentence, bool] = {}  # by span: whether a proposal may hold a deadline (its signals say)

    def names_terrorism(first: int, last: int) -> bool:
        """Whether the paragraph ``body[first:last]`` names terrorism (one reading per paragraph)."""
        context = body[first:last]
        if context not in paragraph_ct:
            paragraph_ct[context] = mentions_terrorism(context, starts=_starts_within(words.term_starts, first, last))
        return paragraph_ct[context]

    for sentence, found, read in propose(body, sentences, words, who, lowered, year=published.year):
        if len(commitments) >= MAX_COMMITMENTS or deadline is not None and clock() > deadline:
            why = f"{MAX_COMMITMENTS} commitments" if len(commitments) >= MAX_COMMITMENTS else \
                f"the time budget of {budget_seconds:g} s"
            stopped = f"read up to character {sentence.start} of {len(body)}: stopped at {why}"
            break
        may_hold[sentence] = TIME_WORDS in read.general
        probability = None
        if model is not None:
            probability = model.commitment_probability(read.general, found is not None, read.tokens)
            if score < THRESHOLD and not near_terrorism and model.terrorism_cut is not None \
                    and probability >= model.terrorism_cut:
                near_terrorism = names_terrorism(*_paragraph(body, sentence.start, sentence.end))
        found = _decided(found, read, model, probability, body, sentence, who, lowered)
        if found is None:
            continue
        if names is None:
            names = acronyms(body, who)
            if "$" in body:
                dollar = site_dollar(release) or dollar_of(release.title + "\n" + body)
        name = without_bare_pronoun(names.get(found.actor.name, found.actor.name), who)
        if name == UNLISTED and shown is not None:
            # a release no site or name says the publisher of: the body the subject names, else the name shown
            text = body[sentence.start:sentence.end]
            subject = clause_subject(text, found.trigger.start) if shown == UNNAMED else ""
            name = lone_name(subject, release.title + "\n" + body) or shown
        if name != found.actor.name:
            found = found._replace(actor=found.actor._replace(name=name))
        first, last = _paragraph(body, sentence.start, sentence.end)
        commitment, read_hits = build_commitment(
            release.release_id, body, sentence, found, published, body[first:last], release_ct=score >= THRESHOLD,
            dollar=dollar, context_ct=names_terrorism(first, last) if score < THRESHOLD else None, lowered=lowered,
            year_starts=year_starts, has_money=MONEY in read.general, may_hold_deadline=may_hold[sentence])
        commitments.append(commitment)
        hits.append(read_hits)
    commitments = borrow_deadlines(commitments, sentences, body, published, year_starts, lowered=lowered,
                                   may_hold=may_hold, calendar=words.calendar)
    commitments = in_financial_years(commitments, body, published, year_starts, lowered=lowered)
    # A release that makes a commitment about terrorism is about terrorism, whatever its overall score; so is
    # one with a clause the model weighs as nearly one (``DecisionModel.terrorism_cut``).
    if score < THRESHOLD and (near_terrorism or any(c.counter_terrorism for c in commitments)):
        score = THRESHOLD
    if model is not None and model.category is not None:
        commitments = recategorised(commitments, hits, model.category, title=release.title,
                                    release_counter_terrorism=score >= THRESHOLD)
    if model is not None and model.actor is not None and commitments:
        named, government = publisher_readings(who, shown)
        commitments = reactored(commitments, model.actor, release_id=release.release_id, title=release.title,
                                body=body, publisher_name=named, government=government, names=names or {})
    commitments, cut = _with_deadlines_capped(commitments)
    if cut is not None:
        stopped = cut if stopped is None else f"{stopped}; {cut}"
    # ``ReleaseClassified(**fields)`` without its ``__init__``, a Python frame that only calls the validator
    return _new_classified({
        **copied, "classifier_version": version, "is_counter_terrorism": score >= THRESHOLD,
        "counter_terrorism_score": score, "evidence": evidence,  # dicts, validated as Evidence
        "commitments": commitments, "unsupported_reason": stopped,
    })


_VALIDATE_CLASSIFIED: Final = ReleaseClassified.__pydantic_validator__.validate_python


def _new_classified(fields: dict[str, Any]) -> ReleaseClassified:
    """``ReleaseClassified(**fields)``, validated as it validates them (see ``records.new_commitment``)."""
    classified: ReleaseClassified = _VALIDATE_CLASSIFIED(fields)
    return classified


def classifier_version(model: DecisionModel | None) -> str:
    """The classifier version of what ``model`` decides: ``CLASSIFIER_VERSION`` with the shipped model (a file
    the same to the byte is the same model) or none (the rules alone), else the rules' version and the start of
    the model file's SHA-256, ``rules-0.14.4+model-sha256:1a2b3c4d5e6f``: another model never passes for the
    shipped one (docs/decisions/0050)."""
    if model is None or model.digest is not None and model.digest == shipped_digest():
        return CLASSIFIER_VERSION
    named = f"sha256:{model.digest[:12]}" if model.digest is not None else "unsaved"
    return f"rules-{RULES_VERSION}+model-{named}"


def proposals_of(release: ReleasePublished) -> list[Proposal]:
    """What the rules propose in ``release`` (what training learns from)."""
    body = release.body
    return list(propose(body, split_sentences(body), read_body(body), publisher(release),
                        year=release.published_at.date().year))


def _decided(found: Found | None, read: Signals, model: DecisionModel | None, probability: float | None, body: str,
             sentence: Sentence, who: str, lowered: LoweredBody) -> Found | None:
    """The commitment the proposal ``sentence`` of ``body`` makes once the model has weighed it (the rules'
    reading without one); ``probability``: the model's P(commitment) for it; ``lowered``: the body lowercased."""
    if model is None:
        return found
    decision = model.decide(read.general, found is not None, read.tokens, probability=probability)
    if decision is None:
        return None
    probability, kind = decision
    if found is None or kind != found.trigger.kind:  # no rules' reading, or one whose actor suits the other kind
        text, folded = body[sentence.start:sentence.end], lowered.folded(sentence.start, sentence.end)
        if found is None and threatens_penalty(text, folded):
            return None  # "firms that fail to comply will face fines": a conditional, whatever the model weighs
        return read_unruled(text, who, kind, probability, folded=folded)
    kind, start, actor, verb, _ = found.trigger
    # the same as Found(found.trigger._replace(confidence=probability), found.actor), built by tuple.__new__: a
    # NamedTuple's __new__ and _replace are Python frames (see ``triggers._new_cues``)
    return tuple.__new__(Found, (tuple.__new__(Trigger, (kind, start, actor, verb, probability)), found.actor))


def _with_deadlines_capped(commitments: list[Commitment]) -> tuple[list[Commitment], str | None]:
    """``commitments``, each with its first ``MAX_DEADLINES`` deadlines (as it lists them) at most, and
    what was cut, in words (None: nothing)."""
    over = [c for c in commitments if len(c.deadlines) > MAX_DEADLINES]
    if not over:
        return commitments, None
    first = over[0]
    cut = f"a commitment at character {first.span[0]} names {len(first.deadlines)} deadlines: " \
          f"the first {MAX_DEADLINES} are kept"
    if len(over) > 1:
        cut += f" (and so for {len(over) - 1} more commitment(s))"
    capped = [c.model_copy(update={"deadlines": c.deadlines[:MAX_DEADLINES]}) if len(c.deadlines) > MAX_DEADLINES
              else c for c in commitments]
    return capped, cut


def _paragraph(body: str, start: int, end: int) -> tuple[int, int]:
    """Where the paragraph (the line) holding ``body[start:end]`` begins and ends."""
    last = body.find("\n", end)
    return body.rfind("\n", 0, start) + 1, last if last != -1 else len(body)


def _starts_within(starts: list[int] | None, first: int, last: int) -> list[int] | None:
    """The offsets of sorted ``starts`` (into the body) in ``[first, last)``, relative to ``first``. No term
    word holds a line break, so those of a paragraph are the term starts of the paragraph alone."""
    return None if starts is None else starts_within(starts, first, last)
