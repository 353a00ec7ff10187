"""The ``factcheck`` console script (placeholder until the app factory lands)."""


def main() -> None:
    """Run the command-line tool."""
    raise SystemExit("not yet")
