"""The catalogue shares what offerings repeat (memory), without changing any offering's value."""

from __future__ import annotations

import json

import numpy as np

from recommender.catalog import Catalog, Sharing
from schemas.offering import Offering
from tests.conftest import ROOT

SEED = ROOT / "catalog_ingest" / "data" / "offerings.jsonl"


def _seed() -> list[Offering]:
    return [Offering.model_validate_json(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line]


def test_the_shipped_offerings_keep_every_value_once_in_the_catalogue():
    before = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line]
    offerings = _seed()
    catalog = Catalog(4)
    catalog.upsert(offerings, np.eye(len(offerings), 4, dtype=np.float32))
    after = {oid: json.loads(off.model_dump_json(exclude_unset=True)) for oid, off in catalog.offerings.items()}
    assert after == {o["id"]: o for o in before}


def test_equal_lists_are_one_object_and_the_tables_stay_within_their_limit():
    offerings = _seed()
    english = [o for o in offerings if o.languages == ["en"]]
    assert len(english) >= 3
    sharing = Sharing(limit=10_000)
    for off in english:
        sharing.compact(off)
    assert len({id(o.languages) for o in english}) == 1
    assert len({id(o.requirements) for o in english if not o.requirements}) <= 1

    small = Sharing(limit=1)
    a, b, c = (o.model_copy(deep=True) for o in english[:3])
    small.compact(a)  # fills the only slot of each table
    b.languages, c.languages = ["fr", "de"], ["fr", "de"]
    small.compact(b)  # the table starts again at each new list
    small.compact(c)
    assert b.languages == c.languages == ["fr", "de"] and a.languages == ["en"]
    assert len(small._lists) <= 1 and len(small._costs) <= 1
