"""Run every benchmark module (``bench/bench_*.py``) in name order.

Each module exposes ``run() -> None`` that prints its own figures. Timings live
here, never in tests, so a slow machine cannot fail the suite.
"""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(selected: list[str]) -> None:
    """Run the named benchmarks, or all of them."""
    folder = Path(__file__).parent
    modules = pkgutil.iter_modules([str(folder)])
    names = sorted(m.name for m in modules if m.name.startswith("bench_"))
    for name in names:
        if selected and name.removeprefix("bench_") not in selected and name not in selected:
            continue
        print(f"== {name.removeprefix('bench_')} ==", flush=True)
        importlib.import_module(f"bench.{name}").run()
        print(flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
