"""Demo content of intake: the shipped seed article's file and headline.

Plain values, read by the demo loader (:mod:`factcheck.claims.demo_content`,
which imports the article with its claims), the benchmarks and the tests.
"""

from __future__ import annotations

from pathlib import Path

# factcheck/demo_data, found from here so intake never imports the app package.
SEED_FILE = Path(__file__).resolve().parents[1] / "demo_data" / "seed-article.txt"
SEED_HEADLINE = "Russia Considers Delisting Taliban as a Terrorist Organization"
