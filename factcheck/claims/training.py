"""Train the check-worthiness model from the ClaimBuster dataset.

The dataset (Arslan, Hassan, Li and Tremayne, "A Benchmark Dataset of
Check-worthy Factual Claims", ICWSM 2020; CC BY 4.0) is not in the repository:
pass the folder holding ``crowdsourced.csv`` and ``groundtruth.csv``. Training
is deterministic (fixed ordering, a deterministic solver, rounded weights,
a gzip header without a timestamp), so the same data gives the same file byte
for byte. scikit-learn is imported here only, inside :func:`train_model`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .detection.cues import CUE_CODES, find_cues
from .detection.features import sentence_features

TRAIN_FILE = "crowdsourced.csv"
HELD_OUT_FILE = "groundtruth.csv"
MIN_DF = {"w": 2, "c": 3}  # n-grams seen in fewer sentences are noise, not signal
C = 3.0  # inverse regularisation strength, chosen by 5-fold cross-validation on the training set
ATTRIBUTION = (
    "Trained on ClaimBuster crowdsourced.csv: Arslan, F., Hassan, N., Li, C., Tremayne, M. "
    "A Benchmark Dataset of Check-worthy Factual Claims. ICWSM 2020. arXiv:2004.14425. "
    "Zenodo 10.5281/zenodo.3609356. Licence CC BY 4.0."
)


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled sentence."""

    text: str
    positive: bool


def normalise(text: str) -> str:
    """Text compared for duplicates: NFKC, lower case, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[^\w\s]", "", text).split())


def read_labelled(path: Path) -> list[Example]:
    """Read a labelled CSV or TSV.

    Columns: ``Text`` (or ``text``/``sentence``) and ``Verdict`` (ClaimBuster:
    1 positive, 0 and -1 negative) or ``label`` (1/0, true/false). A folder
    means its ``groundtruth.csv``.
    """
    if path.is_dir():
        path = path / HELD_OUT_FILE
    with path.open(newline="", encoding="utf-8") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        rows = csv.DictReader(handle, delimiter=delimiter)
        return [_example(row) for row in rows]


def _example(row: dict[str, str]) -> Example:
    lowered = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
    text = lowered.get("text") or lowered.get("sentence") or ""
    label = (lowered.get("verdict") or lowered.get("label") or "").strip().lower()
    return Example(text=text, positive=label in {"1", "true", "yes", "positive"})


def training_examples(folder: Path) -> list[Example]:
    """The crowdsourced sentences, less those whose text is also in the held-out set."""
    held_out = {normalise(e.text) for e in read_labelled(folder / HELD_OUT_FILE)}
    return [e for e in read_labelled(folder / TRAIN_FILE) if normalise(e.text) not in held_out]


def featurise(examples: list[Example]) -> Iterator[dict[str, dict[str, float]]]:
    """Raw features of each example, exactly as the runtime scorer computes them."""
    for example in examples:
        yield sentence_features(example.text, find_cues(example.text))


def train_model(folder: Path) -> bytes:
    """Train on ``folder`` and return the gzip-compressed JSON model file."""
    examples = training_examples(folder)
    doc = fit_document(list(featurise(examples)), [e.positive for e in examples])
    return _gzip(json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def fit_document(feats: list[dict], positives: list[bool]) -> dict:
    """Fit the logistic regression on raw features; the model document (before gzip)."""
    # Training-only dependencies, imported here so scoring never needs them.
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    labels = np.array(positives, dtype=np.int8)
    n_docs = len(feats)

    matrices, vocabularies, idfs = [], {}, {}
    for block, min_df in MIN_DF.items():
        df: dict[str, int] = {}
        for f in feats:
            for term in f[block]:
                df[term] = df.get(term, 0) + 1
        terms = sorted(t for t, n in df.items() if n >= min_df)
        index = {t: i for i, t in enumerate(terms)}
        idf = [math.log((1 + n_docs) / (1 + df[t])) + 1.0 for t in terms]
        rows, cols, vals = [], [], []
        for r, f in enumerate(feats):
            row = [
                (index[t], (1.0 + math.log(c)) * idf[index[t]])
                for t, c in f[block].items()
                if t in index
            ]
            norm = math.sqrt(sum(v * v for _, v in row)) or 1.0
            for col, value in sorted(row):
                rows.append(r)
                cols.append(col)
                vals.append(value / norm)
        matrices.append(csr_matrix((vals, (rows, cols)), shape=(n_docs, len(terms))))
        vocabularies[block], idfs[block] = terms, idf

    cue_matrix = np.array([[f["k"].get(code, 0.0) for code in CUE_CODES] for f in feats])
    matrix = hstack([*matrices, csr_matrix(cue_matrix)]).tocsr()

    classifier = LogisticRegression(
        C=C, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=0
    )
    classifier.fit(matrix, labels)
    weights = classifier.coef_[0]

    doc: dict = {"blocks": {}, "cues": {}, "bias": _round(classifier.intercept_[0])}
    offset = 0
    for block in MIN_DF:
        terms, idf = vocabularies[block], idfs[block]
        doc["blocks"][block] = {
            t: [_round(idf[i]), _round(weights[offset + i])] for i, t in enumerate(terms)
        }
        offset += len(terms)
    doc["cues"] = {code: _round(weights[offset + i]) for i, code in enumerate(CUE_CODES)}
    doc["threshold"] = 0.5
    doc["meta"] = {
        "attribution": ATTRIBUTION,
        "training_sentences": n_docs,
        "positive_sentences": int(labels.sum()),
        "min_df": MIN_DF,
        "C": C,
        "class_weight": "balanced",
    }
    return doc


CALIBRATION_FOLDS = 5


def calibrate_model(folder: Path, log=print) -> dict:
    """Platt calibration of the linear model from out-of-fold scores of the training set.

    The training sentences are split into five folds by debate (``File_id``,
    so a debate's sentences are never on both sides); a model is fitted on four
    folds and scores the fifth exactly as the runtime does (margin plus the cue
    prior). ``a`` and ``b`` are fitted on those out-of-fold raw scores. The
    decision threshold stays where it was (raw log-odds 0), expressed on the
    calibrated scale.
    """
    from .detection.calibration import fit_platt

    rows = rows_with_debates(folder)
    debates = sorted({debate for _, _, debate in rows})
    fold_of = {debate: i % CALIBRATION_FOLDS for i, debate in enumerate(debates)}
    raw = linear_out_of_fold(rows, fold_of, CALIBRATION_FOLDS, log)
    labels = [positive for _, positive, _ in rows]
    platt = fit_platt(raw, labels)
    return {
        **platt.to_dict(),
        "threshold": _round(platt(0.0)),
        "fitted_on": f"out-of-fold raw scores, {CALIBRATION_FOLDS} folds grouped by debate "
                     f"(File_id), of the {len(rows)} training sentences",
    }


def linear_out_of_fold(rows: list[tuple[str, bool, str]], fold_of: dict[str, int], folds: int,
                       log=lambda _message: None) -> list[float]:
    """The linear model's log-odds of every row, by a model fitted without the row's fold.

    ``rows`` are :func:`rows_with_debates`' and ``fold_of`` maps a debate to its
    fold, so a debate's sentences are never on both sides. Each held-out row is
    scored exactly as the runtime does (margin plus the cue prior).
    """
    from .detection.model import model_from_json

    # Features depend on one sentence only, so they are computed once for all folds.
    feats = list(featurise([Example(text, bool(positive)) for text, positive, _ in rows]))
    out = [0.0] * len(rows)
    for fold in range(folds):
        inside = [i for i, r in enumerate(rows) if fold_of[r[2]] != fold]
        doc = fit_document([feats[i] for i in inside], [bool(rows[i][1]) for i in inside])
        model = model_from_json(json.dumps(doc), "out-of-fold")
        held = [i for i, r in enumerate(rows) if fold_of[r[2]] == fold]
        for i in held:
            out[i] = model.log_odds(rows[i][0])
        log(f"fold {fold + 1}/{folds}: {len(held)} sentences scored")
    return out


def rows_with_debates(folder: Path) -> list[tuple[str, bool, str]]:
    """``(text, positive, debate)`` of the training sentences (as :func:`training_examples`):
    crowdsourced less the sentences also in groundtruth."""
    held_out = {normalise(e.text) for e in read_labelled(folder / HELD_OUT_FILE)}
    with (folder / TRAIN_FILE).open(newline="", encoding="utf-8") as handle:
        return [
            (row["Text"], row["Verdict"].strip() == "1", row["File_id"])
            for row in csv.DictReader(handle)
            if normalise(row["Text"]) not in held_out
        ]


def _round(value: float) -> float:
    """Six significant digits: enough for scoring, and stable across runs."""
    return float(f"{float(value):.6g}")


def _gzip(text: str) -> bytes:
    """Compress with a fixed header (no file name, no timestamp) for byte-stable output."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as out:
        out.write(text.encode("utf-8"))
    return buffer.getvalue()
