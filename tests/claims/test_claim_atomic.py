"""Splitting compound sentences into atomic claims."""

from __future__ import annotations

import pytest

from factcheck.claims.detection.atomic import split_atomic

CASES = [
    (
        "The company hired 300 workers in 2019, which doubled its staff.",
        ["The company hired 300 workers in 2019", "doubled its staff."],
    ),
    (
        "Sales rose 5% in Ohio, fell 3% in Texas and stayed at 2% in Utah.",
        ["Sales rose 5% in Ohio", "fell 3% in Texas", "stayed at 2% in Utah."],
    ),
    (
        "The senator voted against the bill, but the governor signed it anyway.",
        ["The senator voted against the bill", "the governor signed it anyway."],
    ),
    (
        "The army seized the airport and captured 40 soldiers near the border.",
        ["The army seized the airport", "captured 40 soldiers near the border."],
    ),
    (
        "He named ISIS, Al-Qaeda, the Islamic Movement of Uzbekistan, and others as threats.",
        ["He named ISIS, Al-Qaeda, the Islamic Movement of Uzbekistan, and others as threats."],
    ),
    ("Turnout was 61% in 2020.", ["Turnout was 61% in 2020."]),
    ("He said so, and left.", ["He said so, and left."]),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_split_atomic(sentence: str, expected: list[str]) -> None:
    spans = split_atomic(sentence)
    assert [sentence[s:e] for s, e in spans] == expected
    assert all(0 <= s < e <= len(sentence) for s, e in spans)
    assert spans == sorted(spans)
