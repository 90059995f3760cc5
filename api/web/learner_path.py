"""What the learner page shows of a recommendation: plain facts per offering, in the page's language.

Pure functions over the recommendation as the learner sees it (:func:`api.people.learner_view`), the catalogue
(for costs) and the feedback the learner gave; the routes only render what they return.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from api.people import OfferingLookup, RecommendationView
from schemas.framework import competence_names
from schemas.recommendation import FundingHint, Gap, Item, RecommendationGenerated, SupportItem

# Short words that tell the language of a title (case-folded); only the offering's own languages compete.
_MARKERS: dict[str, frozenset[str]] = {
    "en": frozenset("the and for with your to of in on how from into an".split()),
    "fr": frozenset("le la les des et pour du de en au aux un une avec vos votre sur l d".split()),
    "de": frozenset("der die das und für mit zu im den dem ein eine ihre von zum zur".split()),
    "lb": frozenset("an a fir mat vun d den dat eng ee fir op iwwer".split()),
}


@dataclass
class Offer:
    """One offering of the learner's page (a step of the path or another suggestion)."""

    offering_id: str
    title: str
    title_lang: str | None  # the language the title is written in (its ``lang`` attribute), when known
    provider: str
    url: str | None
    hours: float | None
    free: bool | None
    amount_eur: float | None
    funding: list[FundingHint]
    reason: str | None  # one plain sentence, in the page's language
    why: str  # the recommender's explanation (English)
    rank: int | None  # 1 = the best match of this recommendation
    feedback: str | None  # the learner's latest word on this offering
    order: int | None = None  # its place in the path


@dataclass
class LearnerPath:
    """Everything the page shows, ready to render."""

    rec: RecommendationGenerated
    status: str
    gaps: list[Gap]
    steps: list[Offer]
    others: list[Offer]
    note: str | None  # the counsellor's latest note
    support: list[SupportItem] = field(default_factory=list)


def title_language(title: str, languages: list[str]) -> str | None:
    """The language a title is written in, among the offering's teaching languages (the first one when in doubt)."""
    if not languages:
        return None
    words = re.findall(r"[^\W\d_]+", title.casefold())
    hits = {lang: sum(w in _MARKERS.get(lang, frozenset()) for w in words) for lang in languages}
    best = max(languages, key=lambda lang: (hits[lang], -languages.index(lang)))
    return best if hits[best] else languages[0]


def localised_gaps(gaps: list[Gap], lang: str) -> list[Gap]:
    """The gaps with their competence names in ``lang``."""
    names = competence_names(lang)
    return [g.model_copy(update={"name": names.get(g.competence, g.name)}) for g in gaps]


def _reason(addresses: list[str], gaps: dict[str, Gap], t: Callable[..., str]) -> str | None:
    skills = [t("skill_levels", name=gaps[c].name, current=gaps[c].current, target=gaps[c].target)
              for c in addresses if c in gaps]
    return t("reason_sentence", skills="; ".join(skills)) if skills else None


def _offer(
    oid: str, item: Item | None, lookup: OfferingLookup, gaps: dict[str, Gap], t: Callable[..., str],
    fallback_title: str = "", addresses: list[str] | None = None,
) -> Offer:
    offering = lookup(oid)
    languages = (item.languages if item else []) or (offering.languages if offering else [])
    title = (item.title if item else "") or fallback_title or (offering.title if offering else oid)
    return Offer(
        offering_id=oid, title=title, title_lang=title_language(title, languages),
        provider=(item.provider if item else "") or (offering.provider_name if offering else ""),
        url=(item.url if item else None) or (offering.url if offering else None),
        hours=(item.duration_hours if item else None) or (offering.duration_hours if offering else None),
        free=item.free if item and item.free is not None else (offering.cost.free if offering else None),
        amount_eur=offering.cost.amount_eur if offering else None,
        funding=list(item.funding) if item else [],
        reason=_reason(addresses if addresses is not None else (item.addresses if item else []), gaps, t),
        why=item.why if item else "", rank=None, feedback=None,
    )


def learner_path(
    view: RecommendationView, lang: str, t: Callable[..., str], lookup: OfferingLookup, feedback: dict[str, str]
) -> LearnerPath:
    """The page's content for one recommendation.

    Args:
        view: the recommendation as the learner sees it (reviewed, when a counsellor acted).
        lang: the page's language (competence names).
        t: the page's translator.
        lookup: catalogue offerings by id (cost, and steps a counsellor added from the catalogue).
        feedback: the learner's latest word per offering id.
    """
    rec = view.recommendation
    gaps = localised_gaps(rec.gaps, lang)
    by_code = {g.competence: g for g in gaps}
    items = {i.offering_id: i for i in rec.items}
    ranks = {i.offering_id: n for n, i in enumerate(rec.items, start=1)}
    steps = []
    for step in sorted(rec.path.steps, key=lambda s: s.order):
        offer = _offer(step.offering_id, items.get(step.offering_id), lookup, by_code, t, step.title, step.addresses)
        offer.order, offer.hours = step.order, step.duration_hours if step.duration_hours is not None else offer.hours
        steps.append(offer)
    in_path = {s.offering_id for s in steps}
    others = [_offer(i.offering_id, i, lookup, by_code, t) for i in rec.items if i.offering_id not in in_path]
    for offer in (*steps, *others):
        offer.rank, offer.feedback = ranks.get(offer.offering_id), feedback.get(offer.offering_id)
    notes = [a.note for a in view.audit if a.note]
    return LearnerPath(rec=rec, status=view.status, gaps=gaps, steps=steps, others=others,
                       note=notes[-1] if notes else None, support=list(rec.support))
