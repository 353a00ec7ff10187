"""Claim detection end to end: the seed article, offsets, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.claims.detection import (
    KINDS,
    MODEL_VERSION,
    Candidate,
    detect_claims,
    score_sentences,
)
from factcheck.claims.detection.scoring import linear_scorer
from factcheck.intake.demo_content import SEED_FILE


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_candidates(seed_text: str) -> list[Candidate]:
    # The linear model's ranking (the encoder's is tested in test_claim_encoder_shipped.py).
    return detect_claims(seed_text, scorer=linear_scorer()).candidates


def _find(candidates: list[Candidate], words: str) -> tuple[int, Candidate]:
    """Rank and candidate whose text contains ``words``."""
    for rank, candidate in enumerate(candidates):
        if words in candidate.text:
            return rank, candidate
    raise AssertionError(f"no candidate contains {words!r}")


@pytest.mark.parametrize(
    "words",
    [
        "500 heavy weapons",
        "the Chinese President Shi Jinping officially received the Taliban ambassador",
        "the deaths of over 130 people",
        "20% rise in the production of drugs",
        "from May 14th to 19th",
    ],
)
def test_seed_key_claims_are_in_the_top_eight(seed_candidates, words: str) -> None:
    rank, _ = _find(seed_candidates, words)
    assert rank < 8


def test_seed_vague_worry_ranks_below_every_key_claim(seed_candidates) -> None:
    worry_rank, worry = _find(seed_candidates, "Moscow also expressed worry")
    for words in ("500 heavy weapons", "Shi Jinping", "over 130 people", "20% rise", "May 14th"):
        rank, candidate = _find(seed_candidates, words)
        assert candidate.score > worry.score
        assert rank < worry_rank
    assert any(r.code == "vague" and r.effect < 0 for r in worry.reasons)


def test_seed_designation_sentence_is_split_into_three_claims(seed_text, seed_candidates) -> None:
    _, designation = _find(seed_candidates, "designated the Taliban")
    siblings = [c for c in seed_candidates if c.sentence_start == designation.sentence_start]
    texts = sorted(siblings, key=lambda c: c.start)
    assert len(texts) == 3
    assert "in 2003" in texts[0].text
    assert "endorsed Chechnya’s bid" in texts[1].text
    assert "500 heavy weapons" in texts[2].text
    assert "endorsed" not in texts[2].text
    for c in texts:
        assert c.sentence_start <= c.start < c.end <= c.sentence_end
        assert seed_text[c.start : c.end] == c.text


def test_seed_reasons_name_the_triggering_words(seed_candidates) -> None:
    expected = {
        "500 heavy weapons": ("quantity", "500 heavy weapons"),
        "Shi Jinping": ("title", "Chinese President Shi Jinping"),
        "over 130 people": ("quantity", "over 130 people"),
        "May 14th": ("date", "May 14th to 19th"),
        "the ministry told the news agency": ("attribution", "told the news agency"),
    }
    for words, (code, trigger) in expected.items():
        _, candidate = _find(seed_candidates, words)
        reason = next(r for r in candidate.reasons if r.code == code)
        assert any(trigger in w for w in reason.words), reason
        assert trigger in reason.message


def test_seed_candidates_are_well_formed(seed_text, seed_candidates) -> None:
    scores = [c.score for c in seed_candidates]
    assert scores == sorted(scores, reverse=True)
    for c in seed_candidates:
        assert seed_text[c.start : c.end] == c.text
        assert 0.0 <= c.score <= 1.0
        assert c.kind in KINDS
        assert c.reasons
        for reason in c.reasons:
            for (start, end), word in zip(reason.spans, reason.words, strict=True):
                assert seed_text[start:end].strip() == word
        assert c.to_dict()["text"] == c.text


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("I think we should be much kinder to each other.", "opinion"),
        ("Will the government ever fix the roads?", "question"),
        ("The minister will probably announce new measures soon.", "prediction"),
        ("Officials expressed concerns about the potential risks.", "vague"),
    ],
)
def test_opinions_questions_predictions_and_vague_statements_score_low(
    sentence: str, code: str
) -> None:
    result = detect_claims(sentence)
    (candidate,) = result.candidates
    assert candidate.score < 0.5
    assert any(r.code == code and r.effect < 0 for r in candidate.reasons)


def test_specific_fact_scores_above_opinion() -> None:
    fact, opinion = score_sentences(
        ["Unemployment fell to 3.9% in May, the lowest rate since 2000.", "I feel good today."]
    )
    assert fact > 0.8 > 0.2 > opinion


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \n", "\u3000\u00a0"])
def test_blank_text_gives_no_candidates(text: str) -> None:
    result = detect_claims(text)
    assert result.candidates == []
    assert result.warnings == []


def test_other_language_still_runs_with_a_warning() -> None:
    text = (
        "Das Ministerium erklärte am Montag, dass die Zahl der Arbeitslosen im Mai um 3,5 Prozent "
        "gestiegen sei. Die Regierung prüft nun weitere Maßnahmen für die betroffenen Regionen."
    )
    result = detect_claims(text)
    assert result.candidates
    assert any("English" in w for w in result.warnings)
    assert all(any(r.code == "language" for r in c.reasons) for c in result.candidates)
    assert result.model_version == MODEL_VERSION


def test_english_text_has_no_language_warning(seed_text) -> None:
    assert detect_claims(seed_text).warnings == []


_FRAGMENTS = st.sampled_from(
    [
        "The U.S. Army said 1,200 troops left on Jan. 5.",
        " Mr. Smith, the mayor, told reporters",
        "“It rose 3.5%,” he said",
        "... and then",
        "\n\n",
        "\n",
        " (in 2003) ",
        "; which doubled",
        ", after the group attempted to sell 500 rifles",
        "?",
        "Prices fell 5%, rose 3% and stayed at 2%",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=40)), max_size=12).map("".join))
def test_offsets_slice_the_input_exactly(text: str) -> None:
    for c in detect_claims(text).candidates:
        assert text[c.start : c.end] == c.text
        assert c.sentence_start <= c.start < c.end <= c.sentence_end
        assert c.text.strip()
        assert 0.0 <= c.score <= 1.0
        for reason in c.reasons:
            for start, end in reason.spans:
                assert c.start <= start <= end <= c.end


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_offsets_hold_on_random_unicode(text: str) -> None:
    for c in detect_claims(text).candidates:
        assert text[c.start : c.end] == c.text
