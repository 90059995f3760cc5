"""``upskill eval``: the recommender's quality on judged cases beside three baselines; ``--cv K`` measures it out
of sample, ``--fit`` chooses the weights and writes their table, ``--ablation`` says what each score part (and
each group of signals that work together) is worth."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[2]
DEV_CASES = ROOT / "tests" / "data" / "dev-cases.jsonl"
OWN_CASES = ROOT / "tests" / "data" / "judged-cases.jsonl"
DEFAULT_FOLDS = 5  # --fit without --cv: fitting must beat the hand-set prior over this many folds


def default_cases() -> list[Path]:
    """The shipped dev cases (a copy of ``../shared/eval/dev-cases.jsonl``) and the project's own."""
    return [DEV_CASES, OWN_CASES]


def _table(rows: list[dict[str, object]], cases: Path, n: int) -> str:
    head = f"{'method':24s} {'nDCG@5':>7s} {'95% CI':>13s} {'violations@10':>14s} {'empty-correct':>14s}"
    lines = [f"{n} judged cases from {cases}", head]
    for r in rows:
        span = _range(r["ndcg@5_ci95"]) or "-"
        figures = f"{r['ndcg@5']:7.3f} {span:>13s} {r['violations@10']!s:>14s} {r['empty_correct']!s:>14s}"
        lines.append(f"{r['method']!s:24s} {figures}")
    return "\n".join(lines)


def _range(ci: object) -> str:
    """A confidence interval as JSON-ready figures give it ([low, high]), printed; "" when there is none."""
    return f"{ci[0]:.3f}-{ci[1]:.3f}" if isinstance(ci, list) else ""


def _span(ci: object) -> str:
    return f" (95% CI {_range(ci)})" if _range(ci) else ""


def _fail(message: str) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(2)


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_(
        cases: list[Path] | None = typer.Option(
            None, "--cases", help="Judged cases (JSON Lines, dev-cases format); repeat for several files. "
            "Default: tests/data/dev-cases.jsonl and tests/data/judged-cases.jsonl."),
        cv: int = typer.Option(0, "--cv", help="K-fold cross-validated nDCG@5 over all the cases (K >= 2).",
                               min=0),
        fit: bool = typer.Option(False, "--fit", help="Write recommender/data/weights.json: the weights fitted on "
                                 "all the cases if fitting beats the hand-set prior cross-validated, else the prior."),
        ablation: bool = typer.Option(False, "--ablation", help="With --cv: the figure with each score part "
                                      "removed, and each group of signals that work together (the fee costs)."),
        as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON (with per-case nDCG)."),
        against: Path | None = typer.Option(
            None, "--against", help="A report saved earlier with --json (before a change): print the change of "
            "upskill's nDCG@5 on each case file, case by case, with its 95% interval."),
    ) -> None:
        """nDCG@5, violations@10 and empty-correct of the recommender and of three baselines, same run."""
        from recommender.baselines import Baselines
        from recommender.evaluation import CasesFileError, evaluate, load_cases
        from runtime.resources import make_recommender
        from upskill.cli import settings_from_env

        if cv == 1 or (ablation and not cv):
            raise _fail("--cv needs K >= 2 folds, and --ablation needs --cv")
        saved = _saved_report(against) if against else None
        settings = settings_from_env()
        paths = cases or default_cases()
        try:
            judged = {path: load_cases(path) for path in paths}
        except CasesFileError as exc:
            raise _fail(str(exc)) from None
        rec = make_recommender(settings)
        offerings = rec.catalog.offerings

        def ranked(e):  # noqa: ANN001, ANN202
            return [i.offering_id for i in rec.recommend(e).items]

        methods = {"upskill": ranked} | Baselines(rec).methods()
        report: dict[str, object] = {"files": []}
        shown = services = 0  # of upskill's top fives, over every file
        for path, found in judged.items():
            scores = [evaluate(name, m, found, offerings) for name, m in methods.items()]
            shown, services = shown + scores[0].shown5, services + scores[0].services5
            rows = [score.as_dict() for score in scores]
            report["files"].append({"cases": str(path), "n": len(found), "methods": rows})  # type: ignore[union-attr]
            if not as_json:
                sys.stdout.write(_table(rows, path, len(found)) + "\n\n")
        everyone = [c for found in judged.values() for c in found]
        share = services / shown if shown else 0.0
        report["service_share_top5"] = round(share, 4)
        if not as_json:
            sys.stdout.write(f"services among the top-5 items of all {len(everyone)} cases: {share:.1%}\n")
        if saved is not None and against is not None:
            report["against"] = _against(report, saved, against, as_json)
        if cv or fit:
            report |= _fitting(rec, everyone, offerings, cv, fit, ablation, as_json)
        if as_json:
            sys.stdout.write(json.dumps(report, indent=2) + "\n")


def _per_case(report: dict[str, object]) -> dict[str, dict[str, float]]:
    """upskill's per-case nDCG@5 in a ``--json`` report, by case file name (so reports from other clones pair)."""
    return {Path(f["cases"]).name: next(m for m in f["methods"] if m["method"] == "upskill")["per_case_ndcg@5"]
            for f in report["files"]}  # type: ignore[attr-defined]


def _saved_report(path: Path) -> dict[str, dict[str, float]]:
    """The per-case figures of a report saved with ``--json``; exits 2 naming the file if it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
        return _per_case(json.loads(text[text.index("{"):]))  # a log line before the JSON is tolerated
    except OSError as exc:
        raise _fail(f"{path}: cannot read: {exc}") from None
    except (ValueError, KeyError, TypeError, StopIteration, AttributeError):
        raise _fail(f"{path}: not a report of `upskill eval --json`") from None


def _against(report: dict[str, object], saved: dict[str, dict[str, float]], path: Path, quiet: bool
             ) -> dict[str, object]:
    """This run's upskill figures against a saved report's, per case file; printed unless ``quiet``."""
    from recommender.evaluation import compare

    out: dict[str, object] = {}
    for name, now in _per_case(report).items():
        found = compare(saved[name], now) if name in saved else None
        if found is None:
            out[name] = None
            if not quiet:
                sys.stdout.write(f"{name}: no case in common with {path}\n")
            continue
        ci = [round(x, 4) for x in found.ci95] if found.ci95 else None
        out[name] = {"before": round(found.before, 4), "after": round(found.after, 4),
                     "difference": round(found.difference, 4), "difference_ci95": ci,
                     "beyond_noise": found.beyond_noise,
                     "up": {c: round(d, 4) for c, d in found.up},
                     "down": {c: round(d, 4) for c, d in found.down}}
        if not quiet:
            moved = ", ".join(f"{c} {d:+.3f}" for c, d in [*found.up[:3], *found.down[:3]])
            span = f"{ci[0]:+.3f} to {ci[1]:+.3f}" if ci else "-"
            verdict = "beyond noise" if found.beyond_noise else "within noise"
            sys.stdout.write(
                f"{name} against {path}: {found.before:.3f} -> {found.after:.3f}, {found.difference:+.3f} "
                f"(95% CI {span}, {verdict}); {len(found.up)} cases up, {len(found.down)} down"
                f"{': ' + moved if moved else ''}\n")
    return out


def _fitting(rec, cases, offerings, k: int, fit: bool, ablation: bool, quiet: bool) -> dict[str, object]:  # noqa: ANN001
    """Cross-validation against the hand-set prior, ablation and fitting, with a progress bar; returns their
    figures."""
    from rich.progress import Progress

    from recommender import fitting, weights
    from recommender.evaluation import evaluate

    def measure(some):  # noqa: ANN001, ANN202
        return evaluate("upskill", lambda e: [i.offering_id for i in rec.recommend(e).items], some, offerings)

    start = weights.prior()  # not the table in use: it was fitted on every case, held-out ones included
    free = list(start)
    groups = {p: (p,) for p in weights.PARTS_W} | {
        name: tuple(f"signal.{s}" for s in signals) for name, signals in weights.ABLATED_SIGNALS.items()}
    k = k or min(DEFAULT_FOLDS, max(2, len(cases)))  # --fit alone
    per_fit = fitting.ROUNDS * len(free) * len(fitting.STEPS)
    fits = k * (1 + (len(groups) if ablation else 0)) + (1 if fit else 0)
    out: dict[str, object] = {}
    with Progress(transient=True, disable=quiet) as bar:
        task = bar.add_task("fitting weights", total=fits * per_fit)

        def tick() -> None:
            bar.advance(task)

        choice = fitting.choose(measure, cases, k, start, free, progress=tick)
        found, hand = choice.cv, choice.hand_set
        out["cv"] = {"k": k, "ndcg@5": round(found.ndcg5, 4), "ndcg@5_ci95": found.held.as_dict()["ndcg@5_ci95"],
                     "violations@10": found.violations10,
                     "service_share_top5": round(found.held.service_share, 4),
                     "per_fold": [round(x, 4) for x in found.per_fold]}
        out["hand_set"] = {"ndcg@5": round(hand.ndcg5, 4), "ndcg@5_ci95": hand.as_dict()["ndcg@5_ci95"],
                           "violations@10": hand.violations10,
                           "service_share_top5": round(hand.service_share, 4)}
        out["fitting_beats_hand_set"] = choice.fits_better
        if ablation:
            without = fitting.ablation(measure, cases, k, start, free, groups, progress=tick)
            # a part (or signal group) is kept if removing it lowers the held-out figure of the weights in use:
            # fitted or hand-set
            out["ablation"] = {p: {"cv_ndcg@5_without": round(cv, 4), "hand_set_ndcg@5_without": round(hs, 4),
                                   "keep": cv < found.ndcg5 if choice.fits_better else hs < hand.ndcg5}
                               for p, (cv, hs) in without.items()}
        if fit:
            weights.write(choice.table, {"fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
                                         "cases": len(cases), "cv": out["cv"], "hand_set": out["hand_set"],
                                         "table": "fitted" if choice.fits_better else "the hand-set prior"})
            out["fitted"] = choice.table
    if not quiet:
        cvr, hsr = out["cv"], out["hand_set"]
        held_ci = f"95% CI {_range(cvr['ndcg@5_ci95'])}; " if _range(cvr["ndcg@5_ci95"]) else ""  # type: ignore[index]
        sys.stdout.write(  # type: ignore[index]
            f"{k}-fold cross-validated nDCG@5 over {len(cases)} cases, weights fitted on the other folds: "
            f"{cvr['ndcg@5']:.3f} ({held_ci}folds {', '.join(f'{x:.3f}' for x in cvr['per_fold'])}), "  # type: ignore[index]
            f"violations@10 {cvr['violations@10']}, services {cvr['service_share_top5']:.1%}\n"  # type: ignore[index]
            f"the hand-set prior, nothing fitted: {hsr['ndcg@5']:.3f}{_span(hsr['ndcg@5_ci95'])}, "  # type: ignore[index]
            f"violations@10 "
            f"{hsr['violations@10']}, services {hsr['service_share_top5']:.1%}\n"  # type: ignore[index]
            f"fitting {'beats' if choice.fits_better else 'does not beat'} the hand-set prior out of sample\n")
        for part, row in out.get("ablation", {}).items():  # type: ignore[union-attr]
            sys.stdout.write(f"  without {part:12s} fitted {row['cv_ndcg@5_without']:.3f}, hand-set "
                             f"{row['hand_set_ndcg@5_without']:.3f}  "
                             f"{'keep' if row['keep'] else 'adds nothing out of sample'}\n")
        if fit:
            what = "fitted on all the cases" if choice.fits_better else "the hand-set prior"
            sys.stdout.write(f"weights ({what}) written to {weights.TABLE}\n")
    return out
