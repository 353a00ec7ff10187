"""``factcheck matching``: rank, evaluate and fit the claim matcher on TSV files.

None of these commands needs the web application or its database. The TSV
shapes are those of CLEF-2020 CheckThat! task 2 (see ``data.py``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import numpy as np
from tqdm import tqdm

from factcheck.encoders import default_encoder
from factcheck.extensions import db
from factcheck.matching import data, metrics, store, store_eval
from factcheck.matching.fitting import fit_fusion
from factcheck.matching.fusion import FUSION_PATH, default_fusion, fusion_path
from factcheck.matching.ranker import Ranker, _embed_in_chunks, document_text

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(name="matching", help="Match claims against known fact-checks (TSV files).")
def matching_cli() -> None:
    """Claim matching commands."""


def _progress(total: int, label: str):
    return tqdm(total=total, desc=label, unit="text", file=sys.stderr, leave=False)


def _build(known_file: Path, cache: Path | None):
    """A ranker over the known items, vectors read from (or written to) ``cache``."""
    known = data.read_tsv(known_file)
    texts = [document_text(fields) for fields in known.values()]
    encoder = default_encoder()
    vectors = None
    if cache and cache.exists():
        stored = np.load(cache, allow_pickle=False)
        if stored.shape == (len(texts), encoder.dimensions):
            vectors = stored
    if vectors is None:
        with _progress(len(texts), "known items") as bar:
            vectors = _embed_in_chunks(encoder, texts, bar.update)
        if cache:
            np.save(cache, vectors)
    return Ranker(encoder, list(known), texts, vectors=vectors)


def _rank_all(ranker, queries: dict[str, list[str]], top: int):
    texts = [" ".join(fields) for fields in queries.values()]
    with _progress(len(texts), "queries") as bar:
        results = ranker.rank(texts, top=top, progress=bar.update)
    return dict(zip(queries, results, strict=True))


# Options several commands share, written once.
_known_option = click.option("--known", "known_file", type=_FILE, required=True,
                             help="TSV of known claims.")
_precision_option = click.option("--precision", default=0.95, show_default=True,
                                 help="Badge precision to reach on the training queries.")
_cache_option = click.option(
    "--cache",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A .npy file keeping the known items' vectors between runs (rebuilt if stale).",
)


@matching_cli.command("rank")
@_known_option
@click.option("--queries", "queries_file", type=_FILE, required=True, help="TSV of queries.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 1000))
@_cache_option
def rank_command(known_file: Path, queries_file: Path, top: int, cache: Path | None) -> None:
    """Print query_id<TAB>known_id<TAB>score, best first, TOP lines per query."""
    ranker = _build(known_file, cache)
    queries = data.read_tsv(queries_file)
    for query_id, ranked in _rank_all(ranker, queries, top).items():
        for item in ranked:
            click.echo(f"{query_id}\t{item.known_id}\t{item.score:.6f}")


@matching_cli.command("evaluate")
@_known_option
@click.option("--queries", "queries_file", type=_FILE, required=True, help="TSV of queries.")
@click.option("--qrels", "qrels_file", type=_FILE, required=True, help="query 0 known 1 lines.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_cache_option
def evaluate_command(
    known_file: Path, queries_file: Path, qrels_file: Path, as_json: bool, cache: Path | None
) -> None:
    """Print MAP@1, MAP@5, MRR and Recall@5, and the precision and recall of the badge."""
    ranker = _build(known_file, cache)
    queries = data.read_tsv(queries_file)
    qrels = data.read_qrels(qrels_file)
    results = _rank_all(ranker, queries, top=10)
    figures = metrics.evaluate({q: [r.known_id for r in rs] for q, rs in results.items()}, qrels)
    figures.update(badge_figures(results, qrels))
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    for name in ("MAP@1", "MAP@5", "MRR", "Recall@5"):
        click.echo(f"{name}\t{figures[name]:.4f}")
    click.echo(f"badge precision\t{figures['badge_precision']:.4f}")
    click.echo(f"badge recall\t{figures['badge_recall']:.4f}")
    click.echo(f"queries\t{figures['queries']}")


def badge_figures(results, qrels) -> dict[str, float]:
    """Precision and recall of "same claim" marks over the judged queries' top 5.

    Precision: of the marked (query, known item) pairs, the share that are
    relevant. Recall: the share of judged queries whose relevant item is marked.
    """
    marked = correct = found = 0
    judged = [q for q in qrels if qrels[q]]
    for query in judged:
        hits = [r for r in results.get(query, [])[:5] if r.same_claim]
        marked += len(hits)
        good = sum(1 for r in hits if r.known_id in qrels[query])
        correct += good
        found += 1 if good else 0
    return {
        "badge_precision": correct / marked if marked else 1.0,
        "badge_recall": found / len(judged) if judged else 0.0,
        "badge_marked": marked,
    }


@matching_cli.command("fit")
@_known_option
@click.option("--queries", "queries_file", type=_FILE, required=True, help="Training queries.")
@click.option("--qrels", "qrels_file", type=_FILE, required=True, help="Their judgements.")
@_precision_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the fusion weights (default: the shipped fusion.json).")
@_cache_option
def fit_command(known_file, queries_file, qrels_file, precision, out, cache) -> None:
    """Fit the fusion weights and the "same claim" threshold on training queries."""
    ranker = _build(known_file, cache)
    queries = data.read_tsv(queries_file)
    qrels = data.read_qrels(qrels_file)
    fusion, report = fit_fusion(ranker, queries, qrels, precision=precision,
                                source=f"{queries_file.parent.name}/{queries_file.name}")
    if out is None:
        out = FUSION_PATH
    fusion.save(out)
    click.echo(json.dumps(report, indent=2))
    click.echo(f"written: {out}", err=True)


_database_option = click.option(
    "--database", "database_url", required=True,
    help="URL of a THROW-AWAY database (sqlite:///… or postgresql://…): it is emptied, "
         "migrated and filled with the known items.")


def _store_rows(database_url: str, known_file: Path, cache: Path | None,
                queries: dict[str, list[str]]):
    """The store's candidates for ``queries``, the known ids, and the engine's name."""
    ranker = _build(known_file, cache)
    app = store_eval.migrated_app(database_url)
    with app.app_context():
        texts = [store.clean_text(t)[:store.MAX_TEXT] for t in _known_texts(known_file)]
        store_eval.load_known(db.session, texts, ranker.vectors, ranker.encoder.version)
        engine = db.session.connection().dialect.name
        with _progress(len(queries), "queries") as bar:
            rows = store_eval.query_rows(db.session, ranker.encoder, queries,
                                         progress=bar.update)
        db.session.remove()
        db.engine.dispose()
    return rows, ranker.ids, engine


def _known_texts(known_file: Path) -> list[str]:
    return [document_text(fields) for fields in data.read_tsv(known_file).values()]


@matching_cli.command("evaluate-store")
@_database_option
@_known_option
@click.option("--queries", "queries_file", type=_FILE, required=True, help="TSV of queries.")
@click.option("--qrels", "qrels_file", type=_FILE, required=True, help="query 0 known 1 lines.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_cache_option
def evaluate_store_command(database_url, known_file, queries_file, qrels_file, as_json,
                           cache) -> None:
    """Like evaluate, through the database's find_matches path and the engine's fusion."""
    rows, ids, engine = _store_rows(database_url, known_file, cache,
                                    data.read_tsv(queries_file))
    results = store_eval.rank(rows, ids, default_fusion(engine))
    qrels = data.read_qrels(qrels_file)
    figures = metrics.evaluate({q: [r.known_id for r in rs] for q, rs in results.items()}, qrels)
    figures.update(badge_figures(results, qrels))
    figures["engine"] = engine
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    for name in ("MAP@1", "MAP@5", "MRR", "Recall@5", "badge_precision", "badge_recall"):
        click.echo(f"{name}\t{figures[name]:.4f}")
    click.echo(f"queries\t{figures['queries']}\nengine\t{engine}")


@matching_cli.command("fit-store")
@_database_option
@_known_option
@click.option("--queries", "queries_file", type=_FILE, required=True, help="Training queries.")
@click.option("--qrels", "qrels_file", type=_FILE, required=True, help="Their judgements.")
@_precision_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the weights (default: the shipped fusion.<engine>.json).")
@_cache_option
def fit_store_command(database_url, known_file, queries_file, qrels_file, precision, out,
                      cache) -> None:
    """Fit the engine's fusion on find_matches' own candidates (FTS5 bm25 or ts_rank)."""
    rows, ids, engine = _store_rows(database_url, known_file, cache,
                                    data.read_tsv(queries_file))
    source = f"{queries_file.parent.name}/{queries_file.name} through find_matches on {engine}"
    fusion, report = store_eval.fit(rows, ids, data.read_qrels(qrels_file),
                                    precision=precision, source=source)
    out = out or fusion_path(engine)
    fusion.save(out)
    click.echo(json.dumps(report, indent=2))
    click.echo(f"written: {out}", err=True)
