"""Claim detection speed: model load, segmentation plus scoring, the seed article.

Run with ``.venv/bin/python -m bench claims`` (``make bench`` runs every
benchmark). Times are CPU time of this process (``time.process_time``), so
they measure one core even when other work shares the machine; they are
printed, never asserted.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path

from factcheck.intake.demo_content import SEED_FILE

SHARED = Path(
    os.environ.get("FACTCHECK_SHARED_DIR", Path(__file__).resolve().parents[1].parent / "shared")
)


def _rss_mb() -> float:
    """Current resident set size in MB (Linux), else peak RSS."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sentences(count: int) -> list[str]:
    """Real sentences: the held-out ClaimBuster set, else the seed article, repeated."""
    from factcheck.claims.detection import split_sentences
    from factcheck.claims.training import read_labelled

    data = SHARED / "data" / "claimbuster" / "groundtruth.csv"
    if data.exists():
        pool = [e.text.strip() for e in read_labelled(data) if e.text.strip()]
    else:
        seed = SEED_FILE.read_text(encoding="utf-8")
        pool = [s.text for s in split_sentences(seed)]
    return [pool[i % len(pool)] for i in range(count)]


def _best_of(runs: int, fn) -> float:
    """Fastest of ``runs`` timings of ``fn()``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def run() -> None:
    """Print load time, memory, throughput and latency figures."""
    before = _rss_mb()
    started = time.process_time()
    from factcheck.claims.detection import (
        detect_claims,
        iter_candidates,
        score_sentences,
        split_sentences,
    )
    from factcheck.claims.detection.model import MODEL_PATH, read_model

    import_s = time.process_time() - started
    started = time.process_time()
    model = read_model(MODEL_PATH)
    load_s = time.process_time() - started
    print(f"import {import_s * 1000:.0f} ms, model load {load_s * 1000:.0f} ms")
    print(f"resident memory: {before:.0f} MB before, {_rss_mb():.0f} MB after loading")

    sentences = _sentences(1000)
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    text = "\n\n".join(paragraphs)
    score_sentences(sentences[:50], model)  # warm caches as a long-running server would be

    seg_s = _best_of(3, lambda: split_sentences(text))
    print(f"segmentation: {len(sentences) / seg_s:,.0f} sentences/s")

    def segment_and_score() -> None:
        score_sentences([s.text for s in split_sentences(text)], model)

    both_s = _best_of(3, segment_and_score)
    found = len(split_sentences(text))
    print(
        f"segmentation + scoring, 1,000-sentence text ({found} segments): "
        f"{len(sentences) / both_s:,.0f} sentences/s (target 5,000)"
    )
    full_s = _best_of(3, lambda: detect_claims(text, model))
    print(
        f"full detection (atomic split, reasons, ranking): {len(sentences) / full_s:,.0f} "
        "sentences/s"
    )

    seed = SEED_FILE.read_text(encoding="utf-8")  # the seed article ships with the package
    timings = []
    for _ in range(30):
        started = time.process_time()
        detect_claims(seed, model)
        timings.append(time.process_time() - started)
    print(
        f"seed article end to end: median {statistics.median(timings) * 1000:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms (target < 20 ms)"
    )

    transcript = (text + "\n\n") * (5 * 2**20 // (len(text) + 2) + 1)
    rss = _rss_mb()
    started = time.process_time()
    best = []
    for candidate in iter_candidates(transcript, model):
        if len(best) < 100 or candidate.score > best[-1]:
            best = sorted([*best, candidate.score], reverse=True)[:100]
    elapsed = time.process_time() - started
    print(
        f"5 MB transcript ({len(transcript) / 2**20:.1f} MB), streamed, top 100 kept: "
        f"{elapsed:.1f} s, resident memory {rss:.0f} -> {_rss_mb():.0f} MB"
    )
    _encoder(sentences, SEED_FILE)


def _encoder(sentences: list[str], seed_path: Path) -> None:
    """The fine-tuned encoder beside the linear model: load, memory, sentences/s, seed article.

    One process, int8, onnxruntime on one thread (``threads=1``: one core's
    figure). The folder is the shipped one, or ``FACTCHECK_CLAIMS_ENCODER_DIR``.
    """
    from factcheck.claims.detection import detect_claims
    from factcheck.claims.detection.encoder import ENCODER_DIR
    from factcheck.claims.detection.scoring import EncoderPieces, linear_scorer
    from factcheck.encoders import ModelFileError

    folder = Path(os.environ.get("FACTCHECK_CLAIMS_ENCODER_DIR") or ENCODER_DIR)
    before = _rss_mb()
    started = time.process_time()
    try:
        scorer = EncoderPieces(folder)
        scorer.encoder.classifier.threads = 1
        scorer.load()
    except ModelFileError as error:
        print(f"encoder: not available ({error})")
        return
    load_s = time.process_time() - started
    print(f"encoder ({scorer.version}, {folder}): load {load_s * 1000:.0f} ms, resident memory "
          f"{before:.0f} -> {_rss_mb():.0f} MB")
    news = [s for s in sentences if 8 <= len(s.split()) <= 40][:500]
    pieces = [(s, {}) for s in news]
    scorer.score_pieces(pieces[:32])  # warm up the session
    enc_s = _best_of(2, lambda: scorer.score_pieces(pieces))
    linear = linear_scorer()
    lin_s = _best_of(2, lambda: linear.probabilities(news))
    print(f"scoring {len(news)} news-length sentences: encoder {len(news) / enc_s:,.0f}/s "
          f"(target 300), linear {len(news) / lin_s:,.0f}/s")
    if seed_path.exists():
        seed = seed_path.read_text(encoding="utf-8")
        for name, chosen in (("encoder", scorer), ("linear", linear)):
            timings = []
            for _ in range(10):
                started = time.process_time()
                detect_claims(seed, scorer=chosen)
                timings.append(time.process_time() - started)
            print(f"seed article end to end, {name}: median "
                  f"{statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
                  "(encoder target < 300 ms)")
