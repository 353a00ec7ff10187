"""Exports of claims and fact-checks as CSV or JSON Lines, streamed in flat memory."""
