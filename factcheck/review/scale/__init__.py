"""The rating scale, in one place: its models, the scale in use, the admin's operations and pages.

``models`` (``RatingScale``, ``RatingLabel``), ``current`` (the default scale
and the one in use), ``operations`` (editing bounds and labels, versioning),
``forms`` and ``views`` (blueprint ``scale``, under ``/admin/scale``).
Verdicts (``review.models``) rate with its labels.
"""
