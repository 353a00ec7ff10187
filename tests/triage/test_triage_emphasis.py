"""Splitting a claim's text into plain and emphasised segments (pure)."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from factcheck.claims.detection import detect_claims
from factcheck.intake.demo_content import SEED_FILE
from factcheck.triage.emphasis import Segment, emphasis_segments, infer_base


def _reason(words, spans, effect=1, message="why"):
    return {"code": "x", "message": message, "words": words, "spans": spans, "effect": effect}


def test_spans_are_relative_to_the_article():
    text = "Exports rose 5% last year, the minister said in a long speech."
    base = 100
    segments = emphasis_segments(text, base, [_reason(["5%"], [[113, 115]])])
    assert segments == [Segment("Exports rose "), Segment("5%", "up", "why"),
                        Segment(" last year, the minister said in a long speech.")]


def test_a_span_that_misses_its_word_falls_back_to_searching_the_word():
    text = "The bridge opened in 1932 after many delays and much debate."
    segments = emphasis_segments(text, 0, [_reason(["1932"], [[500, 504]])])
    assert [s.text for s in segments if s.cue] == ["1932"]
    missing = emphasis_segments(text, 0, [_reason(["1999"], [[500, 504]])])
    assert missing == [Segment(text)]


def test_overlapping_cues_merge_and_up_wins_over_down():
    text = "We predicted a 20% rise in production of drugs across the region."
    reasons = [_reason(["a 20% rise"], [[13, 23]], message="quantity"),
               _reason(["rise"], [[19, 23]], message="comparison"),
               _reason(["predicted"], [[3, 12]], effect=-1, message="prediction")]
    segments = emphasis_segments(text, 0, reasons)
    assert Segment("predicted", "down", "prediction") in segments
    assert Segment("a 20% rise", "up", "quantity comparison") in segments


def test_a_cue_covering_most_of_the_sentence_is_not_emphasised():
    text = "“Prices will fall,” he said."
    segments = emphasis_segments(text, 0, [_reason(["“Prices will fall,”"], [[0, 19]])])
    assert segments == [Segment(text)]


def test_malformed_reasons_are_ignored():
    text = "Plain text of a claim."
    for reasons in (None, [], ["junk"], [{"spans": [["a", "b"]]}], [{"words": [None]}],
                    [{"spans": [[5]]}], [{"spans": [[9, 3]]}]):
        assert emphasis_segments(text, 0, reasons) == [Segment(text)]


def test_seed_article_claims_emphasise_their_triggering_words():
    text = SEED_FILE.read_text(encoding="utf-8")
    result = detect_claims(text)
    shi = next(c for c in result.candidates if "Shi Jinping" in c.text)
    marked = [s.text for s in emphasis_segments(shi.text, shi.start,
                                                [r.to_dict() for r in shi.reasons]) if s.cue]
    assert "Chinese President Shi Jinping" in marked
    assert "Earlier in January" in marked


@given(st.text(max_size=80), st.integers(0, 50),
       st.lists(st.tuples(st.integers(-5, 140), st.integers(-5, 140), st.text(max_size=5),
                          st.sampled_from([1, -1])), max_size=6))
def test_segments_always_rebuild_the_text(text, base, cues):
    reasons = [_reason([word], [[start, end]], effect) for start, end, word, effect in cues]
    segments = emphasis_segments(text, base, reasons)
    assert "".join(s.text for s in segments) == text
    assert all(s.text for s in segments)
    assert all(a.cue != b.cue for a, b in pairwise(segments))


def test_base_of_a_sentence_around_an_atomic_claim_is_inferred():
    article = "Intro here. Prices rose 5% in May, resulting in the deaths of over 130 people."
    sentence_start = article.index("Prices")
    sentence = article[sentence_start:]
    claim_start = article.index("resulting")
    claim_end = len(article)
    reasons = [{"message": "q", "words": ["over 130 people"],
                "spans": [[article.index("over 130"), article.index("over 130") + 15]]}]
    assert infer_base(sentence, claim_start, claim_end, reasons) == sentence_start
    assert infer_base(article[claim_start:], claim_start, claim_end, []) == claim_start
    assert infer_base(sentence, claim_start, claim_end, []) is None
    segments = emphasis_segments(sentence, sentence_start, reasons,
                                 claim_span=(claim_start, claim_end))
    assert segments[0] == Segment("Prices rose 5% in May, ", context=True)
    assert Segment("over 130 people", "up", "q") in segments
    assert "".join(s.text for s in segments) == sentence


def test_unknown_base_still_finds_the_words():
    segments = emphasis_segments("Exports rose 5% last year and more.", None,
                                 [{"words": ["5%"], "spans": [[900, 902]], "message": "q"}],
                                 claim_span=(0, 5))
    assert [s.text for s in segments if s.cue] == ["5%"]
    assert not any(s.context for s in segments)  # without a base, no context can be told
