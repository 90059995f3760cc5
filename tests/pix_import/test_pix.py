"""The Pix Orga importer on the shared example and on the variants real exports come in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pix_import import (
    ImportOptions,
    NotAPixExportError,
    decode_export,
    import_pix_profiles,
    resolve_key,
)
from pix_import.pix_cells import RowError, parse_shared_at
from schemas.assessment import AssessmentCompleted
from schemas.framework import load_framework
from tests.support.pix_exports import KEY, drop_column, edit, example_text, insert_column
from upskill.demo import shipped_example

NEW_DATE_TITLE = "Date et heure de l'envoi (Europe/Paris)"
ANNE = {  # line 2 of the example: (level, pix) per Pix competence
    "1.1": (3, 24), "1.2": (2, 17), "1.3": (2, 18), "2.1": (3, 27), "2.2": (2, 20), "2.3": (2, 16),
    "2.4": (1, 9), "3.1": (2, 18), "3.2": (1, 11), "3.3": (1, 12), "3.4": (0, 0), "4.1": (1, 9),
    "4.2": (1, 10), "4.3": (2, 19), "5.1": (2, 20), "5.2": (1, 8),
}  # fmt: skip


def run(text: str, key: bytes = KEY, **options: object):
    return import_pix_profiles(text, key, ImportOptions(**options))  # type: ignore[arg-type]


def results_of(event: AssessmentCompleted) -> dict[str, tuple[int, float | None]]:
    return {r.competence: (r.level, r.pix) for r in event.results}


def test_shared_example_gives_one_event_per_shared_row():
    result = run(example_text())
    s = result.summary
    assert (s.rows, s.events, s.not_shared, s.rejected) == (4, 3, 1, [])
    assert s.campaigns == ["ADEMDIGI25"] and s.unknown_columns == [] and s.missing_competences == []
    first = result.events[0]
    assert results_of(first) == ANNE  # all 16, level 0 / 0 pix included (assessed, not acquired)
    assert first.source == "pix" and first.assessment.framework == "pix-16"
    assert first.assessment.campaign == "ADEMDIGI25"
    assert first.assessment.id.startswith("pix-cp-") and first.learner.id.startswith("lrn-")
    # 21/11/2026 09:42 in Paris is 08:42 UTC (winter time)
    assert first.occurred_at == datetime(2026, 11, 21, 8, 42, tzinfo=UTC)
    assert len({e.learner.id for e in result.events}) == 3
    assert len({e.event_id for e in result.events}) == 3


def test_options_are_put_on_every_event():
    result = run(
        example_text(), role="bank-client-advisor", languages=("fr", "en"), status="jobseeker",
        counsellor_id="cns-12", counsellor_consent=True, organisation_id="org-adem",
    )  # fmt: skip
    for e in result.events:
        assert e.target is not None and e.target.role == "bank-client-advisor"
        assert (e.learner.languages, e.learner.status) == (["fr", "en"], "jobseeker")
        assert (e.learner.counsellor_id, e.learner.organisation_id) == ("cns-12", "org-adem")
        assert e.learner.consent.share_with_counsellor is True


def test_unknown_role_is_refused_before_any_row():
    with pytest.raises(ValueError, match="unknown role"):
        ImportOptions(role="astronaut").check()


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t.replace(NEW_DATE_TITLE, "Date de l'envoi"), id="old-date"),
        pytest.param(lambda t: t.lstrip("\ufeff"), id="no-bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: _header(t, lambda h: h.replace("'", "’")), id="typographic-apostrophes"),
        pytest.param(lambda t: _header(t, lambda h: h.upper().replace(" ", "  ")), id="case-and-spaces"),
        pytest.param(lambda t: decode_export(t.lstrip("\ufeff").encode("cp1252")), id="windows-1252"),
    ],
)
def test_variants_of_real_exports_give_the_same_events(variant):
    expected = run(example_text())
    result = run(variant(example_text()))
    assert result.summary == expected.summary
    assert [e.model_dump() for e in result.events] == [e.model_dump() for e in expected.events]


def _header(text: str, change) -> str:
    header, rest = text.split("\n", 1)
    return change(header) + "\n" + rest


def test_extra_identity_columns_do_not_change_who_is_who():
    def add(rows):
        insert_column(rows, "Identifiant ADEM", "Classe", ["3A", "3A", "3B", "3B"])
        insert_column(rows, "Identifiant ADEM", "Numéro Étudiant", ["S1", "S2", "S3", "S4"])

    expected, result = run(example_text()), run(edit(add))
    assert result.summary.unknown_columns == []
    assert [e.learner.id for e in result.events] == [e.learner.id for e in expected.events]


def test_without_external_id_names_identify_the_learner():
    text = edit(lambda rows: drop_column(rows, "Identifiant ADEM"))
    a, b = run(text), run(text)
    assert a.summary.events == 3
    assert [e.learner.id for e in a.events] == [e.learner.id for e in b.events]
    assert {e.learner.id for e in a.events}.isdisjoint(e.learner.id for e in run(example_text()).events)


def test_missing_competence_column_is_reported_and_the_rest_imported():
    def drop(rows):
        drop_column(rows, "Niveau pour la compétence Programmer")
        drop_column(rows, "Nombre de pix pour la compétence Programmer")

    result = run(edit(drop))
    assert result.summary.missing_competences == ["3.4"]
    assert result.summary.events == 3 and not result.summary.rejected
    assert all("3.4" not in results_of(e) and len(e.results) == 15 for e in result.events)


def test_text_where_a_level_should_be_rejects_that_line_only():
    def spoil(rows):
        rows[2][rows[0].index("Niveau pour la compétence Interagir")] = "trois"

    result = run(edit(spoil))
    assert result.summary.events == 2
    assert [(r.line, r.reason) for r in result.summary.rejected] == [
        (3, "'Niveau pour la compétence Interagir' is not a number")
    ]


def test_unknown_result_column_is_reported_not_guessed():
    title = "Niveau pour la compétence Utiliser une IA générative"
    result = run(edit(lambda rows: insert_column(rows, rows[0][-1], title, ["4", "5", "NA", "2"])))
    assert result.summary.unknown_columns == [title]
    assert result.summary.events == 3
    assert all(len(e.results) == 16 for e in result.events)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("9", "not a level 0-8"),
        ("2.5", "not a level 0-8"),
        ("NA", "NA although the profile was shared"),
    ],
)
def test_impossible_levels_are_rejected(cell, reason):
    def spoil(rows):
        rows[1][rows[0].index("Niveau pour la compétence Collaborer")] = cell

    result = run(edit(spoil))
    assert [r.line for r in result.summary.rejected] == [2]
    assert reason in result.summary.rejected[0].reason


def test_rows_of_the_wrong_width_or_with_bad_dates_are_rejected_with_their_line():
    def spoil(rows):
        rows[1][rows[0].index(NEW_DATE_TITLE)] = "hier"
        del rows[4][-1]

    result = run(edit(spoil))
    assert [r.line for r in result.summary.rejected] == [2, 5]
    assert "sharing date" in result.summary.rejected[0].reason
    assert "cells" in result.summary.rejected[1].reason
    assert result.summary.events == 1


def test_a_quoted_cell_over_two_lines_keeps_later_line_numbers_right():
    def spoil(rows):
        rows[1][rows[0].index("Nom de la campagne")] = "Diagnostic\nsur deux lignes"
        rows[4][rows[0].index("Niveau pour la compétence Programmer")] = "x"

    result = run(edit(spoil))
    assert [r.line for r in result.summary.rejected] == [6]  # the 4th participant starts on line 6 now


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\ufeff",
        "name;email\nAnne;anne@example.org\n",
        # a Pix export, but of an assessment campaign (no competence columns)
        "\ufeff\"Nom de l'organisation\";\"ID Campagne\";\"Envoi (O/N)\";\"Date de l'envoi\";"
        "\"% de progression\"\n",
    ],
    ids=["empty", "bom-only", "other-csv", "assessment-campaign"],
)
def test_files_that_are_not_profiles_exports_are_refused(text):
    with pytest.raises(NotAPixExportError, match="not a Pix Orga profiles export"):
        run(text)


def test_sharing_dates_are_paris_time_all_year():
    assert parse_shared_at("01/07/2026 12:00").astimezone(UTC).hour == 10  # summer time, UTC+2
    assert parse_shared_at("2020-01-15").astimezone(UTC) == datetime(2020, 1, 14, 23, 0, tzinfo=UTC)
    with pytest.raises(RowError):
        parse_shared_at("NA")


def test_every_pix_competence_name_of_the_framework_is_recognised():
    names = [p.name_fr for p in load_framework().pix.values()]
    header = example_text().split("\n", 1)[0]
    assert all(f"Niveau pour la compétence {n}" in header for n in names)


@pytest.mark.parametrize("cell", ["01/01/0001 00:00", "31/02/2026 10:00", "2026-13-01", "1 2"])
def test_impossible_sharing_dates_are_row_errors_not_crashes(cell):
    with pytest.raises(RowError, match="sharing date"):
        parse_shared_at(cell)


def test_the_demo_imports_the_shipped_example_with_the_demo_key():
    result = import_pix_profiles(shipped_example(), resolve_key(None, demo=True), ImportOptions())
    assert (result.summary.events, result.summary.not_shared) == (3, 1)
