"""``upskill eval [--cases FILE] [--json]``: the recommender's quality on judged cases, beside three baselines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[2]
SHARED_CASES = ROOT.parent / "shared" / "eval" / "dev-cases.jsonl"
OWN_CASES = ROOT / "tests" / "data" / "judged-cases.jsonl"


def default_cases() -> Path:
    """``../shared/eval/dev-cases.jsonl`` next to the repository when present, else the project's own cases."""
    return SHARED_CASES if SHARED_CASES.exists() else OWN_CASES


def _table(rows: list[dict[str, object]], cases: Path, n: int) -> str:
    head = f"{'method':24s} {'nDCG@5':>7s} {'violations@10':>14s} {'empty-correct':>14s}"
    lines = [f"{n} judged cases from {cases}", head]
    for r in rows:
        figures = f"{r['ndcg@5']:7.3f} {r['violations@10']!s:>14s} {r['empty_correct']!s:>14s}"
        lines.append(f"{r['method']!s:24s} {figures}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_(
        cases: Path | None = typer.Option(None, "--cases", help="Judged cases (JSON Lines, dev-cases format)."),
        as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON (with per-case nDCG)."),
    ) -> None:
        """nDCG@5, violations@10 and empty-correct of the recommender and of three baselines, same run."""
        from recommender.baselines import Baselines
        from recommender.evaluation import CasesFileError, evaluate, load_cases
        from upskill.cli import settings_from_env
        from upskill.runtime import make_recommender

        settings = settings_from_env()
        path = cases or default_cases()
        try:
            judged = load_cases(path)
        except CasesFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
        rec = make_recommender(settings)
        offerings = rec.catalog.offerings
        methods = {"upskill": lambda e: [i.offering_id for i in rec.recommend(e).items]}
        methods |= Baselines(rec).methods()
        rows = [evaluate(name, m, judged, offerings).as_dict() for name, m in methods.items()]
        if as_json:
            sys.stdout.write(json.dumps({"cases": str(path), "n": len(judged), "methods": rows}, indent=2) + "\n")
        else:
            sys.stdout.write(_table(rows, path, len(judged)) + "\n")
