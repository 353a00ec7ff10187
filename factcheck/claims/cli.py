"""``factcheck claims``: detect, score, train and evaluate from the command line.

None of these commands needs the web application or its database.
"""

from __future__ import annotations

import heapq
import json
import time
from pathlib import Path

import click

PROGRESS_FROM = 1_000_000  # characters: show progress on texts at least this long


@click.group(name="claims", help="Detect and score check-worthy claims.")
def claims_cli() -> None:
    """Claim detection commands."""


@claims_cli.command("detect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--top", default=0, show_default=True, help="Keep only the N best (0: all).")
def detect_command(file: Path, as_json: bool, top: int) -> None:
    """Print the candidate claims of a text FILE, best first."""
    from .detection import MODEL_VERSION, iter_candidates, looks_english
    from .detection.detector import ENGLISH_WARNING

    text = file.read_text(encoding="utf-8", errors="replace")
    english = looks_english(text)
    warnings = [] if english else [ENGLISH_WARNING]
    candidates = _collect(iter_candidates(text, english=english), len(text), top)
    if as_json:
        doc = {
            "model_version": MODEL_VERSION,
            "warnings": warnings,
            "candidates": [c.to_dict() for c in candidates],
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for c in candidates:
        click.echo(f"{c.score:.3f}  {c.kind:<17}  [{c.start}:{c.end}]  {_one_line(c.text)}")
        for reason in c.reasons:
            click.echo(f"{'':7}{'+' if reason.effect > 0 else '-'} {reason.message}")


def _collect(candidates, length: int, top: int) -> list:
    """Best-first list; with ``top``, only a bounded heap is kept in memory.

    Long texts report progress on stderr every tenth of the way, as plain
    lines so that it shows in logs and pipes too.
    """
    kept: list = []
    step = length // 10 if length >= PROGRESS_FROM else 0
    next_report = step
    for i, c in enumerate(candidates):
        # (score, -i) makes the order total, so ties resolve by position in the text.
        item = (c.score, -i, c)
        if not top:
            kept.append(item)
        elif len(kept) < top:
            heapq.heappush(kept, item)
        else:
            heapq.heappushpop(kept, item)
        if step and c.sentence_end >= next_report:
            click.echo(
                f"detecting: {100 * c.sentence_end // length}% "
                f"({c.sentence_end / 2**20:.1f} of {length / 2**20:.1f} MB)",
                err=True,
            )
            next_report = (c.sentence_end // step + 1) * step
    return [c for _, _, c in sorted(kept, key=lambda t: (-t[0], -t[1]))]


def _one_line(text: str) -> str:
    return " ".join(text.split())


@claims_cli.command("score")
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"))
def score_command(file) -> None:
    """Score each line of FILE as one sentence: print the score, a tab, the line."""
    from .detection import score_sentences

    batch: list[str] = []
    for line in file:
        batch.append(line.rstrip("\r\n"))
        if len(batch) == 1000:
            _print_scores(batch, score_sentences(batch))
            batch = []
    _print_scores(batch, score_sentences(batch))


def _print_scores(lines: list[str], scores: list[float]) -> None:
    for line, score in zip(lines, scores, strict=True):
        click.echo(f"{score:.4f}\t{line}")


@claims_cli.command("train")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding ClaimBuster's crowdsourced.csv and groundtruth.csv.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Model file to write.")
def train_command(data: Path, out: Path | None) -> None:
    """Train the check-worthiness model (deterministic) and write the model file."""
    from .detection.model import MODEL_PATH
    from .training import train_model

    target = out or MODEL_PATH
    started = time.perf_counter()
    target.write_bytes(train_model(data))
    click.echo(f"wrote {target} in {time.perf_counter() - started:.1f} s")


@claims_cli.command("evaluate")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="Labelled CSV or TSV (Text, Verdict or label), or a ClaimBuster folder.",
)
@click.option("--errors", default=0, help="Also print N misses and N false alarms.")
def evaluate_command(data: Path, errors: int) -> None:
    """Precision, recall and F1 of the positive class, and throughput."""
    from .detection import score_sentences
    from .detection.model import default_model
    from .training import read_labelled

    examples = read_labelled(data)
    model = default_model()
    started = time.perf_counter()
    scores = score_sentences([e.text for e in examples], model)
    elapsed = time.perf_counter() - started
    report = evaluation(scores, [e.positive for e in examples], model.threshold)
    click.echo(
        f"sentences {len(examples)}  positive {report['positives']}  "
        f"threshold {model.threshold}\n"
        f"precision {report['precision']:.3f}  recall {report['recall']:.3f}  "
        f"F1 {report['f1']:.3f}\n"
        f"throughput {len(examples) / elapsed:,.0f} sentences/s"
    )
    if errors:
        ranked = sorted(zip(scores, examples, strict=True), key=lambda p: p[0])
        misses = [p for p in ranked if p[1].positive and p[0] < model.threshold][:errors]
        alarms = [p for p in reversed(ranked) if not p[1].positive and p[0] >= model.threshold]
        for title, pairs in (("misses", misses), ("false alarms", alarms[:errors])):
            click.echo(f"\n{title}:")
            for score, example in pairs:
                click.echo(f"  {score:.3f}  {example.text}")


def evaluation(scores: list[float], labels: list[bool], threshold: float) -> dict:
    """Precision, recall and F1 of the positive class at ``threshold``."""
    predicted = [s >= threshold for s in scores]
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "positives": sum(labels)}


# ``claims redetect`` works on stored articles, so it lives apart (it needs the app).
from factcheck.claims.redetect_cli import redetect_command  # noqa: E402  (after the group exists)

claims_cli.add_command(redetect_command)
