"""ClaimReview markup: the builder (``builder``) and the validator and its rules.

Pure: no Flask, no database. It takes plain values and returns plain values,
so publishing (what goes out), review (the approval preview) and the known
fact-checks (reading other publishers' markup) all use it without importing
one another.
"""
