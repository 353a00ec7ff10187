"""What claims announce to the features above them, which claims may not import.

claims sits below factchecks (docs/architecture.md, "Layers"), yet each new
claim must be matched against what was checked before. So claims sends a
signal and the matching connects to it when the app is created
(``factchecks.matching.init_app``). Blinker, Flask's own signal library, calls
every receiver at once, in the sender's thread: the receiver's writes share
the sender's session and transaction, and its errors reach the sender.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent by ``operations.create_detected_claims`` once the claims of a newly imported
# article are flushed, before the caller commits. Sender: the article; keyword
# arguments: ``session``, ``claims`` (in text order) and ``actor`` (or None).
claims_detected = _signals.signal("claims-detected")
