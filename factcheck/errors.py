"""The app's one error hierarchy: what an operation raises when it will not do something.

Every package raises these (or a subclass of them) and one handler,
``factcheck.error_pages``, renders them: the sentence for the person, the
rule's code (``edit.assignee``) for the log and the ``X-Factcheck-Rule``
header. The module imports neither Flask nor the database, so operations and
pure code can raise them without depending on the web layer.

    DeskError                      status  meaning
    ├── RefusedByRule               409     a rule of the desk refuses the action
    │   ├── NotPermitted            403       ... because of who is asking
    │   ├── IllegalTransition       409       ... because of the object's state
    │   ├── InvalidValue            400       ... because of a value sent
    │   └── Incomplete              422       ... because something is still missing
    ├── Conflict                    409     someone else changed the object first
    │   └── StaleVersion            409       ... since the version the user saw
    └── NotFound                    404     the object named does not exist (any more)
"""

from __future__ import annotations


class DeskError(Exception):
    """An action the desk does not do. ``status``: the HTTP status to answer with."""

    status = 409

    def __init__(self, message: str, *, rule: str = ""):
        super().__init__(message)
        self.message = message
        self.rule = rule


class RefusedByRule(DeskError):
    """A rule of the desk refuses the action (409 unless a subclass says otherwise)."""


class NotPermitted(RefusedByRule):
    """The acting user's role or relation to the object does not allow the action (403)."""

    status = 403


class IllegalTransition(RefusedByRule):
    """The object is not in a state the action starts from (409)."""


class InvalidValue(RefusedByRule):
    """A value sent cannot be used as it is (400)."""

    status = 400


class Incomplete(RefusedByRule):
    """The step needs content that is missing (422); ``missing`` maps field names to what.

    Not a conflict: nobody else changed anything, the user has more to fill in.
    """

    status = 422

    def __init__(self, message: str, *, rule: str = "", missing: dict[str, str] | None = None):
        super().__init__(message, rule=rule)
        self.missing = missing or {}


class Conflict(DeskError):
    """Someone else changed the object first (409)."""


class StaleVersion(Conflict):
    """The object changed since the version the user loaded (409)."""


class NotFound(DeskError):
    """The object the action names does not exist, or no longer does (404)."""

    status = 404
