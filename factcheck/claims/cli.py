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
@click.option("--model", "model_name", type=click.Choice(["linear", "encoder"]),
              help="Which model scores (default: the desk's choice for this text's length).")
def detect_command(file: Path, as_json: bool, top: int, model_name: str | None) -> None:
    """Print the candidate claims of a text FILE, best first."""
    from .detection import iter_candidates, looks_english
    from .detection.detector import ENGLISH_WARNING, text_scorer
    from .detection.scoring import scorer_named

    text = file.read_text(encoding="utf-8", errors="replace")
    english = looks_english(text)
    warnings = [] if english else [ENGLISH_WARNING]
    scorer = scorer_named(model_name) if model_name else text_scorer(text)
    candidates = _collect(iter_candidates(text, english=english, scorer=scorer), len(text), top)
    if as_json:
        doc = {
            "model": scorer.kind,
            "model_version": scorer.version,
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
@click.option("--model", "model_name", type=click.Choice(["linear", "encoder"]),
              help="Which model scores (default: the one the desk uses).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per line: score, sentence, model, version, truncated.")
def score_command(file, model_name: str | None, as_json: bool) -> None:
    """Score each line of FILE as one sentence: print the score, a tab, the line.

    Scores are calibrated probabilities; an empty line scores 0.
    """
    from .detection.cues import find_cues
    from .detection.scoring import desk_scorer, scorer_named

    scorer = scorer_named(model_name) if model_name else desk_scorer(None)
    batch: list[str] = []
    for line in file:
        batch.append(line.rstrip("\r\n"))
        if len(batch) == 256:
            _print_scores(batch, scorer.score_pieces([(t, find_cues(t)) for t in batch]),
                          scorer, as_json)
            batch = []
    _print_scores(batch, scorer.score_pieces([(t, find_cues(t)) for t in batch]), scorer,
                  as_json)


def _print_scores(lines: list[str], scores: list, scorer, as_json: bool) -> None:
    for line, scored in zip(lines, scores, strict=True):
        if as_json:
            click.echo(json.dumps({
                "score": round(scored.score, 4), "sentence": line, "model": scorer.kind,
                "model_version": scorer.version, "truncated": scored.truncated,
            }, ensure_ascii=False))
        else:
            click.echo(f"{scored.score:.4f}\t{line}")


@claims_cli.command("train")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding ClaimBuster's crowdsourced.csv and groundtruth.csv.",
)
@click.option("--out", type=click.Path(path_type=Path),
              help="Model file to write (the encoder: its folder).")
@click.option("--encoder", is_flag=True,
              help="Fine-tune the encoder (needs the train extra) instead of the linear model.")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path),
              default=Path("encoder-work"), show_default=True,
              help="Encoder only: folder for checkpoints and the fp32 export (resumable).")
@click.option("--epochs", default=2, show_default=True,
              help="Encoder only: epochs (the best on the validation fold is kept).")
@click.option("--max-length", default=48, show_default=True, help="Encoder only: tokens.")
@click.option("--seed", default=13, show_default=True, help="Encoder only: random seed.")
@click.option("--search", is_flag=True,
              help="Encoder only: first choose learning rate, class weight, length and epochs "
                   "by cross-validation on the training set (overrides --epochs, --max-length).")
@click.option("--search-sentences", default=4800, show_default=True,
              help="Encoder only: size of the debate sample the search cross-validates on.")
@click.option("--finish-now", is_flag=True,
              help="Encoder only: no more training; export what --work holds (out of time).")
@click.option("--cross-fit", "cross_fit_folds", type=click.IntRange(2, 10), default=None,
              help="Encoder only: do not train the encoder in --out, recalibrate it on "
                   "out-of-fold scores of K fine-tunes (one per fold of the training set).")
def train_command(data: Path, out: Path | None, encoder: bool, work: Path, epochs: int,
                  max_length: int, seed: int, search: bool, search_sentences: int,
                  finish_now: bool, cross_fit_folds: int | None) -> None:
    """Train a check-worthiness model and write its file (the encoder: and its card)."""
    started = time.perf_counter()
    if cross_fit_folds and not encoder:
        raise click.UsageError("--cross-fit recalibrates the encoder: add --encoder.")
    if encoder:
        from .detection.encoder import ENCODER_DIR
        from .encoder_training import EncoderParams, train_encoder

        target = out or ENCODER_DIR
        if cross_fit_folds:
            from .encoder_crossfit import cross_fit

            try:
                cross_fit(data, work, target, folds=cross_fit_folds, log=click.echo)
            except (FileNotFoundError, ValueError) as error:
                raise click.ClickException(str(error)) from error
            click.echo(f"recalibrated {target} in {time.perf_counter() - started:.1f} s")
            return
        params = EncoderParams(epochs=epochs, max_length=max_length, seed=seed)
        train_encoder(data, work, target, params, log=click.echo, finish_now=finish_now,
                      search=search, search_sentences=search_sentences)
        click.echo(f"wrote {target} in {time.perf_counter() - started:.1f} s")
        return
    from .detection.model import MODEL_PATH
    from .training import train_model

    target = out or MODEL_PATH
    target.write_bytes(train_model(data))
    click.echo(f"wrote {target} in {time.perf_counter() - started:.1f} s")


@claims_cli.command("calibrate")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding ClaimBuster's crowdsourced.csv and groundtruth.csv.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Calibration file to write (default: the shipped one).")
def calibrate_command(data: Path, out: Path | None) -> None:
    """Fit the linear model's Platt calibration by cross-validation on the training set."""
    from .detection.scoring import CALIBRATION_PATH
    from .training import calibrate_model

    started = time.perf_counter()
    target = out or CALIBRATION_PATH
    doc = calibrate_model(data, log=click.echo)
    target.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    click.echo(f"wrote {target} in {time.perf_counter() - started:.1f} s")


@claims_cli.command("evaluate")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="Labelled CSV or TSV (Text, Verdict or label), or a ClaimBuster folder.",
)
@click.option("--model", "model_names", type=click.Choice(["linear", "encoder"]), multiple=True,
              help="Only this model (repeatable). Default: both, side by side.")
@click.option("--errors", default=0, help="Also print N misses and N false alarms per model.")
def evaluate_command(data: Path, model_names: tuple[str, ...], errors: int) -> None:
    """Precision, recall and F1 of the positive class, and throughput, of both models."""
    from .detection.cues import find_cues
    from .detection.scoring import scorer_named
    from .training import read_labelled

    examples = read_labelled(data)
    labels = [e.positive for e in examples]
    from factcheck.encoders import ModelFileError

    rows, missing = [], []
    for name in model_names or ("linear", "encoder"):
        try:
            scorer = scorer_named(name)
            if hasattr(scorer, "load"):
                scorer.load()  # loading is timed by `make bench`, not here
        except ModelFileError as error:
            if model_names:
                raise click.ClickException(str(error)) from error
            missing.append(f"{name}: not available ({error})")
            continue
        started = time.perf_counter()
        scored = scorer.score_pieces([(e.text, find_cues(e.text)) for e in examples])
        elapsed = time.perf_counter() - started
        scores = [s.score for s in scored]
        report = evaluation(scores, labels, scorer.threshold)
        rows.append((name, scorer, scores, report, len(examples) / elapsed))
    click.echo(f"sentences {len(examples)}  positive {sum(labels)}")
    click.echo(f"{'model':<8} {'version':<22} {'threshold':>9} {'precision':>9} {'recall':>7} "
               f"{'F1':>6} {'sentences/s':>12}")
    for name, scorer, _, report, rate in rows:
        click.echo(f"{name:<8} {scorer.version:<22} {scorer.threshold:>9.4f} "
                   f"{report['precision']:>9.3f} {report['recall']:>7.3f} {report['f1']:>6.3f} "
                   f"{rate:>12,.0f}")
    for line in missing:
        click.echo(line)
    for name, scorer, scores, _, _ in rows if errors else ():
        ranked = sorted(zip(scores, examples, strict=True), key=lambda p: p[0])
        misses = [p for p in ranked if p[1].positive and p[0] < scorer.threshold][:errors]
        alarms = [p for p in reversed(ranked) if not p[1].positive and p[0] >= scorer.threshold]
        for title, pairs in (("misses", misses), ("false alarms", alarms[:errors])):
            click.echo(f"\n{name}, {title}:")
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
