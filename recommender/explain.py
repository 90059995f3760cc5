"""Plain-language reasons, in the style of a counsellor's note.

Each item says which gaps it works on and between which levels, how it is taken, and why it was ranked above
the closest alternative (the next item working on the same gaps), from the largest weighted difference of
their score parts.
"""

from __future__ import annotations

from collections.abc import Callable

from recommender.catalog import Catalog
from recommender.ranking import PARTS, Candidate
from recommender.weights import PARTS_W
from schemas.offering import Offering
from schemas.recommendation import Gap

_FORMAT = {"online": "online", "in_person": "in person", "blended": "blended (online and in person)"}
_REASON = {
    "coverage": "covers more of the learner's priority gaps",
    "level_fit": "sits closer to the learner's next level",
    "similarity": "matches the gaps' content more closely",
    "focus": "is more focused on these gaps",
    "audience": "is made for learners in the same situation",
    "subject": "is mainly about a more pressing gap",
    "nearby": "takes place nearer to the learner's home",
    "made_for": "is a service made for someone in the learner's situation",
    "certainty": "is more certain to suit the learner (fewer unknown facts and conditions of admission, or no fee)",
}
_AT = {k: PARTS.index(k) for k in _REASON}  # each reason's column in a candidate's parts
_MADE_FOR_THEM = 1.0  # the audience part of an offering made for one of the learner's groups (signals.py)


def practical(off: Offering) -> str:
    """Format, languages, hours and cost, as far as the catalogue knows them."""
    bits = []
    if off.format:
        bits.append(_FORMAT.get(off.format, off.format))
    if off.languages:
        bits.append("in " + "/".join(off.languages))
    if off.duration_hours:
        bits.append(f"{off.duration_hours:g} h")
    if off.cost.free is True:
        bits.append("free")
    elif off.cost.free is False:
        bits.append("paid" + (f" (EUR {off.cost.amount_eur:g})" if off.cost.amount_eur else ""))
    return ", ".join(bits)


def _levels(off: Offering) -> str:
    if off.level_min is None or off.level_max is None:
        return "its level is not stated by the provider"
    if off.level_min == off.level_max:
        return f"it works at level {off.level_min}"
    return f"it works from level {off.level_min} to {off.level_max}"


def about(off: Offering) -> str:
    """The sentence on an offering's levels and how it is taken (the same in every recommendation)."""
    how = practical(off)
    return _levels(off).capitalize() + (f"; {how}." if how else ".")


def gap_text(g: Gap) -> str:
    """A gap as a reason names it: competence, code and levels."""
    return f"{g.name or g.competence} ({g.competence}, level {g.current} → {g.target})"


def _versus(cand: Candidate, rival: Candidate | None, catalog: Catalog, asked_place: str = "") -> str:
    if rival is None:
        return ""
    mine, theirs = cand.parts, rival.parts
    part, best = "", 0.0
    for k, at in _AT.items():  # the largest weighted difference in its favour (the first one on ties)
        diff = PARTS_W.get(k, 1.0) * (mine[at] - theirs[at])
        if diff > best and _true_of(k, mine[at]):
            part, best = k, diff
    if not part:
        return ""
    title = catalog.offerings[rival.offering_id].title
    reason = _REASON[part]
    if part == "nearby" and asked_place:
        reason = f"takes place nearer to {asked_place}, where the learner asked to attend"
    return f" Ranked above “{title}” because it {reason}."


def _true_of(part: str, value: float) -> bool:
    """Whether the reason for ``part`` says something true of the item itself, not only that its rival does
    worse: "made for learners in the same situation" only of an offering made for one of the learner's groups,
    "nearer to the learner's home" only of one with sessions near it, "made for the learner's situation" only of such a
    service."""
    if part == "audience":
        return value >= _MADE_FOR_THEM
    if part in ("nearby", "made_for"):
        return value >= 1.0
    return True


def routes(chosen: list[Candidate], opens: Callable[[str, str], bool], catalog: Catalog) -> list[str]:
    """For each item, the sentence that places it next to its way in or to what it opens ("" for most):
    ``opens(a, b)`` says whether offering ``a`` is the way in to ``b`` (ranking keeps the two side by side)."""
    out = [""] * len(chosen)
    for k in range(len(chosen) - 1):
        a, b = chosen[k].offering_id, chosen[k + 1].offering_id
        if opens(a, b):
            out[k] = f" The way in to “{catalog.offerings[b].title}”, which follows it."
            out[k + 1] = f" Follows “{catalog.offerings[a].title}”, its way in."
    return out


def rivals(chosen: list[Candidate]) -> list[Candidate | None]:
    """For each item, the closest alternative it was ranked above: the next item working on a same gap."""
    codes = [frozenset(c.gaps) for c in chosen]
    out: list[Candidate | None] = []
    for i, mine in enumerate(codes):
        out.append(next((chosen[j] for j in range(i + 1, len(chosen)) if mine & codes[j]), None))
    return out


def why(cand: Candidate, about_it: str, rival: Candidate | None, texts: list[str], catalog: Catalog,
        recommended_first: bool = False, route: str = "", asked_place: str = "") -> str:
    """Two or three sentences: what it closes, at which levels, how it is taken, and why it won.

    Args:
        about_it: :func:`about` of the offering.
        texts: :func:`gap_text` of each of the request's gaps, the most pressing first (``cand.gaps`` are
            positions in them).
        recommended_first: the rival's requirements recommend taking this offering first (that is why it is above).
        route: the sentence that places it with its way in or with what it opens, next to it (that is why it is
            where it is; :func:`routes`).
        asked_place: where the learner asked to attend in-person sessions (``preferences.location``), "" if they
            did not say: nearness is to that place, not to their home.
    """
    text = "Works on " + "; ".join([texts[j] for j in cand.gaps]) + ". " + about_it
    if cand.gaps and cand.gaps[0] == 0:
        text += " This is the learner's most pressing gap."
    if route:
        text += route
    elif rival is not None and recommended_first:
        text += f" Comes before “{catalog.offerings[rival.offering_id].title}”, which recommends taking it first."
    else:
        text += _versus(cand, rival, catalog, asked_place)
    if cand.semantic_only:
        text += " Matched on its description (the provider did not tag this competence)."
    return text
