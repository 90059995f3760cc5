"""``make test`` names what it lacks before running anything."""

from __future__ import annotations

from tests import prerequisites


def test_a_missing_chromium_and_postgresql_are_each_named_with_the_way_to_get_them(monkeypatch, tmp_path):
    monkeypatch.setattr(prerequisites, "CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setattr(prerequisites, "PG_URL", "postgresql+psycopg://postgres@127.0.0.1:1/test")
    chromium, postgres = prerequisites.missing()
    assert "apt-get install chromium" in chromium
    assert postgres.startswith("PostgreSQL does not answer at 127.0.0.1:1/test") and "database 'test'" in postgres
