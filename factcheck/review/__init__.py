"""Review: sources, verdicts, approvals and the workflow that ties them together."""
