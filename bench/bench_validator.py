"""Time the ClaimReview validator on every shared fixture page.

The validator runs inside web requests and a killable worker, so a page should
take a few milliseconds; the figure printed is the best of several runs.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from factcheck.claimreview.validator import validate_document, validate_page

REPO = Path(__file__).resolve().parents[1]
SHARED_PAGES = (
    Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO.parent / "shared")) / "fixtures" / "pages"
)
# Without ../shared, the suite's own pages.
PAGES = SHARED_PAGES if SHARED_PAGES.is_dir() else REPO / "tests" / "fixtures" / "pages"
RUNS = 5


def run() -> None:
    """Print the best time to validate each fixture page, and the findings count."""
    for path in sorted(PAGES.glob("*.htm*")) + sorted(PAGES.glob("*.json")):
        body = path.read_bytes()
        best = float("inf")
        for _ in range(RUNS):
            start = time.perf_counter()
            if path.suffix == ".json":
                report = validate_document(json.loads(body))
            else:
                report = validate_page(body)
            best = min(best, time.perf_counter() - start)
        print(
            f"{path.name:<45} {len(body) / 1024:7.0f} KB {best * 1000:8.2f} ms"
            f"  {len(report.all_findings):3d} findings",
            flush=True,
        )
