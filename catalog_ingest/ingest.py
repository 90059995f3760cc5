"""Feeds in, topic out: validate every row, infer missing DigComp codes, publish what is valid and new."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from catalog_ingest.infer import CompetenceInferrer
from catalog_ingest.publish import Publisher, PublishSummary
from catalog_ingest.readers import Problem, RawRow
from catalog_ingest.validate import Accepted, ValidationReport, validate_files


def ingest_files(
    paths: Sequence[Path],
    publisher: Publisher,
    inferrer: CompetenceInferrer | None = None,
    on_row: Callable[[RawRow | Problem], None] | None = None,
    on_sent: Callable[[int], None] | None = None,
) -> tuple[ValidationReport, PublishSummary]:
    """Validate the feeds and publish their valid rows; rejected rows are never sent.

    Args:
        paths: JSON Lines or CSV feeds.
        publisher: where the offerings go.
        inferrer: fills in DigComp codes for offerings without any (``None``: leave them empty).
        on_row: called for each row read (progress).
        on_sent: called with the number of offerings handled so far while publishing (progress).
    """
    report = validate_files(paths, on_row=on_row)
    if inferrer is not None:
        offerings = inferrer.apply(report.offerings)
        report.accepted = [Accepted(o, a.path, a.line) for o, a in zip(offerings, report.accepted, strict=True)]
    summary = publisher.publish(report.offerings, rejected=report.rejected, on_sent=on_sent)
    return report, summary
