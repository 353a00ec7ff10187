"""Ranking measures of CLEF CheckThat! task 2: MAP@k, MRR, Recall@k.

Average precision at k divides by the number of relevant items (as the task's
scorer does); with one relevant item per query it is 1/rank when the rank is
at most k, else 0. Queries without relevance judgements are left out; a judged
query with no ranking counts as zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def average_precision(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    hits = 0
    total = 0.0
    for position, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / position
    return total / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for position, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / position
    return 0.0


def recall(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def evaluate(
    rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]
) -> dict[str, float]:
    """MAP@1, MAP@5, MRR and Recall@5 over the judged queries."""
    queries = [q for q in qrels if qrels[q]]
    if not queries:
        return {"MAP@1": 0.0, "MAP@5": 0.0, "MRR": 0.0, "Recall@5": 0.0, "queries": 0}
    sums = {"MAP@1": 0.0, "MAP@5": 0.0, "MRR": 0.0, "Recall@5": 0.0}
    for query in queries:
        ranked = list(rankings.get(query, ()))
        relevant = qrels[query]
        sums["MAP@1"] += average_precision(ranked, relevant, 1)
        sums["MAP@5"] += average_precision(ranked, relevant, 5)
        sums["MRR"] += reciprocal_rank(ranked, relevant)
        sums["Recall@5"] += recall(ranked, relevant, 5)
    result: dict[str, float] = {name: value / len(queries) for name, value in sums.items()}
    result["queries"] = len(queries)
    return result
