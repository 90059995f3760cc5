"""Feeds without DigComp codes get codes inferred from their text, marked as inferred."""

from __future__ import annotations

import pytest

from catalog_ingest.infer import INFERRED_MARK, CompetenceInferrer
from catalog_ingest.seed import load_offerings
from schemas.offering import Offering


def _offering(oid: str, title: str, description: str, **extra) -> Offering:
    return Offering(id=oid, provider="acme", provider_name="ACME", title=title, description=description, **extra)


PASSWORDS = _offering("acme-pw", "Strong passwords and phishing",
                      "Recognise phishing e-mails, use a password manager and two-factor authentication.")
PYTHON = _offering("acme-py", "Python programming for beginners",
                   "Write your first programs: variables, loops, functions and debugging.")


@pytest.mark.parametrize("with_examples", [False, True])
def test_codes_are_inferred_from_text_and_marked(embedder, with_examples):
    inferrer = CompetenceInferrer(embedder, examples=load_offerings() if with_examples else ())
    passwords, python = inferrer.apply([PASSWORDS, PYTHON])

    assert {"4.1", "4.2"} & set(passwords.competences)
    assert python.competences[0] == "3.4"  # programming
    assert 1 <= len(python.competences) <= inferrer.top_k
    assert passwords.inferred_fields == [INFERRED_MARK] == python.inferred_fields


def test_curated_codes_are_kept_and_nothing_below_the_threshold_is_invented(embedder):
    curated = PYTHON.model_copy(update={"competences": ["1.1"]})
    vague = _offering("acme-x", "Zzz", "Qqq")
    kept, nothing = CompetenceInferrer(embedder, threshold=0.99).apply([curated, vague])
    assert kept == curated
    assert nothing.competences == [] and nothing.inferred_fields == []
