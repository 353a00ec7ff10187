"""Triage: the queue of detected claims, and the quick actions reviewers take on them.

State changes (checkable, not checkable, duplicate, back to triage, start
research) go through ``factcheck.claims.workflow.apply_transition``; assigning
and setting a priority are audited, version-checked edits in
``factcheck.triage.operations``.
"""
