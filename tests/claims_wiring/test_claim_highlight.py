"""Highlight segments: pure cutting of the text at claim boundaries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from factcheck.claims.highlight import paragraph_bounds, paragraphs, segment_text


def test_overlapping_claims_are_cut_into_segments():
    text = "Alpha beta gamma delta."
    segments = segment_text(text, [(1, 0, 16), (2, 6, 10), (3, 11, 23)])
    assert [(s.start, s.end, s.claim_ids) for s in segments] == [
        (0, 6, (1,)), (6, 10, (1, 2)), (10, 11, (1,)), (11, 16, (1, 3)), (16, 23, (3,)),
    ]
    assert "".join(s.text for s in segments) == text


def test_claim_ids_follow_the_callers_order():
    segments = segment_text("abcdef", [(9, 0, 6), (4, 2, 4)])
    assert segments[1].claim_ids == (9, 4)
    segments = segment_text("abcdef", [(4, 2, 4), (9, 0, 6)])
    assert segments[1].claim_ids == (4, 9)


def test_spans_outside_the_text_are_clipped_and_empty_ones_ignored():
    segments = segment_text("abc", [(1, -5, 2), (2, 2, 2), (3, 2, 99)])
    assert [(s.start, s.end, s.claim_ids) for s in segments] == [(0, 2, (1,)), (2, 3, (3,))]
    assert segment_text("", [(1, 0, 1)]) == []


def test_paragraphs_leave_out_blank_lines_and_split_claims_across_them():
    text = "First line\nsecond line.\n\n  \nNext paragraph.\n\n\nLast."
    assert [text[a:b] for a, b in paragraph_bounds(text)] == [
        "First line\nsecond line.", "Next paragraph.", "Last."]
    result = paragraphs(text, [(7, 6, 40)])
    assert [(s.text, s.claim_ids) for s in result[0].segments] == [
        ("First ", ()), ("line\nsecond line.", (7,))]
    assert [(s.text, s.claim_ids) for s in result[1].segments] == [
        ("Next paragra", (7,)), ("ph.", ())]
    shown = "".join(s.text for p in result for s in p.segments)
    assert shown == "First line\nsecond line.Next paragraph.Last."


@st.composite
def text_and_spans(draw):
    text = draw(st.text(alphabet="ab \n.é😀", max_size=60))
    count = draw(st.integers(min_value=0, max_value=8))
    spans = []
    for claim_id in range(1, count + 1):
        start = draw(st.integers(min_value=-3, max_value=len(text) + 3))
        end = draw(st.integers(min_value=-3, max_value=len(text) + 3))
        spans.append((claim_id, start, end))
    return text, spans


@given(text_and_spans())
def test_segments_cover_exactly_the_claimed_offsets(case):
    text, spans = case
    segments = segment_text(text, spans)
    # Contiguous, non-overlapping, covering the whole text.
    assert "".join(s.text for s in segments) == text
    position = 0
    for segment in segments:
        assert segment.start == position < segment.end
        assert segment.text == text[segment.start:segment.end]
        position = segment.end
    assert position == len(text)
    # Every character is listed under exactly the claims whose span holds it.
    for segment in segments:
        for offset in range(segment.start, segment.end):
            covering = tuple(cid for cid, a, b in spans if max(a, 0) <= offset < min(b, len(text)))
            assert segment.claim_ids == covering


@given(text_and_spans())
def test_paragraph_segments_cover_each_paragraph_exactly(case):
    text, spans = case
    for paragraph in paragraphs(text, spans):
        assert "".join(s.text for s in paragraph.segments) == text[paragraph.start:paragraph.end]
        for segment in paragraph.segments:
            for offset in range(segment.start, segment.end):
                assert set(segment.claim_ids) == {
                    cid for cid, a, b in spans if max(a, 0) <= offset < min(b, len(text))}
