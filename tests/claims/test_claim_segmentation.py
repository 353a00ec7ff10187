"""The segmenter against a table of tricky cases from news and transcripts."""

from __future__ import annotations

import pytest

from factcheck.claims.detection.segment import MAX_WINDOW, iter_sentences, split_sentences

CASES: list[tuple[str, list[str]]] = [
    (
        "The U.S. Army said it would leave. Officials agreed.",
        ["The U.S. Army said it would leave.", "Officials agreed."],
    ),
    (
        "Mr. Smith met Dr. Jones on Jan. 5 in Washington. They talked.",
        ["Mr. Smith met Dr. Jones on Jan. 5 in Washington.", "They talked."],
    ),
    (
        "He lives at No. 10 Downing Street. It is old.",
        ["He lives at No. 10 Downing Street.", "It is old."],
    ),
    (
        "J. R. R. Tolkien wrote books. He died in 1973.",
        ["J. R. R. Tolkien wrote books.", "He died in 1973."],
    ),
    (
        "Prices rose 3.5% last year. Wages did not.",
        ["Prices rose 3.5% last year.", "Wages did not."],
    ),
    ("The city has 1,200 residents. It grew.", ["The city has 1,200 residents.", "It grew."]),
    ("He paused... Then he spoke again.", ["He paused...", "Then he spoke again."]),
    (
        "“We will win,” he said. The crowd cheered.",
        ["“We will win,” he said.", "The crowd cheered."],
    ),
    ("She said “No.” Then she left.", ["She said “No.”", "Then she left."]),
    (
        "The plan (announced Tuesday) was costly. Critics objected.",
        ["The plan (announced Tuesday) was costly.", "Critics objected."],
    ),
    (
        "Russia Considers Delisting Taliban\n\nKABUL – The ministry said it is reviewing.",
        ["Russia Considers Delisting Taliban", "KABUL – The ministry said it is reviewing."],
    ),
    (
        "Is this true? Nobody knows! We will see.",
        ["Is this true?", "Nobody knows!", "We will see."],
    ),
    (
        "The company earned $4.5 billion in Q3. Shares rose.",
        ["The company earned $4.5 billion in Q3.", "Shares rose."],
    ),
    (
        "He was born in St. Louis. He moved to Chicago.",
        ["He was born in St. Louis.", "He moved to Chicago."],
    ),
    ("The vote was 52 vs. 48. It passed.", ["The vote was 52 vs. 48.", "It passed."]),
    (
        "Gov. Newsom signed it on Sept. 3. It took effect.",
        ["Gov. Newsom signed it on Sept. 3.", "It took effect."],
    ),
    (
        "Sen. Warren and Rep. Ocasio-Cortez voted no. The bill failed.",
        ["Sen. Warren and Rep. Ocasio-Cortez voted no.", "The bill failed."],
    ),
    ("It costs approx. 5 dollars. Cheap.", ["It costs approx. 5 dollars.", "Cheap."]),
    (
        "The U.K. and the E.U. agreed on a deal. Talks ended.",
        ["The U.K. and the E.U. agreed on a deal.", "Talks ended."],
    ),
    (
        "Turnout was 61.4 per cent, up from 58.2. Analysts were surprised.",
        ["Turnout was 61.4 per cent, up from 58.2.", "Analysts were surprised."],
    ),
    (
        "Photo: Mahdi Marizad / FARS\n\nHeadline Here\n\nBody text starts here.",
        ["Photo: Mahdi Marizad / FARS", "Headline Here", "Body text starts here."],
    ),
    (
        "He earned a Ph.D. in 2001. Then he taught.",
        ["He earned a Ph.D. in 2001.", "Then he taught."],
    ),
    (
        "The meeting ended at 5 p.m. on Friday. Everyone left.",
        ["The meeting ended at 5 p.m. on Friday.", "Everyone left."],
    ),
    (
        "It was said [by officials] that the deal failed. No comment.",
        ["It was said [by officials] that the deal failed.", "No comment."],
    ),
    (
        "Storm Hits Coast\nThousands lost power on Monday.",
        ["Storm Hits Coast", "Thousands lost power on Monday."],
    ),
    (
        "The ministry said the talks\nwould resume next week.",
        ["The ministry said the talks\nwould resume next week."],
    ),
    (
        "Key figures:\n- 40% voted yes\n- 60% voted no",
        ["Key figures:\n- 40% voted yes", "- 60% voted no"],
    ),
    (
        "Unemployment fell to 3.9%. Inflation was 2.1%.",
        ["Unemployment fell to 3.9%.", "Inflation was 2.1%."],
    ),
    (
        "The deal was signed in Jan. 2020 by both sides. It lasted.",
        ["The deal was signed in Jan. 2020 by both sides.", "It lasted."],
    ),
    (
        "He said: “We have 500 troops there. They will stay.” Nobody objected.",
        ["He said: “We have 500 troops there.", "They will stay.”", "Nobody objected."],
    ),
    ("Wait - what?! That is 1.2 million people.", ["Wait - what?!", "That is 1.2 million people."]),
    (
        "First paragraph ends here.\n\n\nSecond one starts here.",
        ["First paragraph ends here.", "Second one starts here."],
    ),
    ("   \n  Leading spaces are not part of it.  \n", ["Leading spaces are not part of it."]),
    (
        "Apple Inc. reported profits. Shares rose 2%.",
        ["Apple Inc. reported profits.", "Shares rose 2%."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_tricky_case(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_empty_and_whitespace_give_nothing() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n ") == []


def test_long_paragraph_is_cut_into_windows_without_losing_text() -> None:
    sentence = "The agency counted 1,200 new cases in the region last week. "
    text = sentence * (3 * MAX_WINDOW // len(sentence))
    sentences = list(iter_sentences(text))
    assert len(sentences) == text.count("week.")
    assert all(s.text == sentence.strip() for s in sentences)
