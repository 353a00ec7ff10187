"""The scale in use; the default one is created by the first write needing it."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.review.scale.models import RatingLabel, RatingScale

# label, number (higher = truer), meaning, colour
DEFAULT_SCALE: list[tuple[str, int | None, str, str]] = [
    ("True", 5, "The claim is accurate and nothing significant is missing.", "#15803d"),
    ("Mostly true", 4, "The claim is accurate but needs clarification or extra detail.",
     "#65a30d"),
    ("Half true", 3, "The claim is partly accurate but leaves out important details or "
     "takes things out of context.", "#ca8a04"),
    ("Mostly false", 2, "The claim contains an element of truth but ignores facts that would "
     "give a different impression.", "#ea580c"),
    ("False", 1, "The claim is not accurate.", "#b91c1c"),
    ("Misleading", None, "The claim uses accurate facts in a way that leads to a false "
     "conclusion.", "#7c3aed"),
    ("Unproven", None, "There is not enough evidence to say whether the claim is true or "
     "false.", "#4b5563"),
]


def saved_scale(session) -> RatingScale | None:
    """The current scale if one was saved, else None (never writes)."""
    return session.scalar(
        select(RatingScale).where(RatingScale.is_current.is_(True)).order_by(RatingScale.id)
    )


def _default_scale() -> RatingScale:
    """The default scale as new, unsaved objects (not added to any session)."""
    scale = RatingScale(name="Default scale", best=5, worst=1, is_current=True, version=1)
    for position, (label, value, meaning, colour) in enumerate(DEFAULT_SCALE):
        RatingLabel(scale=scale, label=label, value=value, meaning=meaning, colour=colour,
                    position=position, active=True)
    return scale


def scale_in_use(session) -> RatingScale:
    """The scale to show, for pages that only read: never writes.

    Before anyone saved a verdict (or an admin set the scale up) there is no
    scale row; a GET then shows the default scale's labels from unsaved
    objects, and the first write that needs the scale creates it
    (:func:`current_scale`). Forms carry label texts, not ids, so a form shown
    before the scale existed still posts the right label.
    """
    return saved_scale(session) or _default_scale()


def current_scale(session) -> RatingScale:
    """The scale in use, creating the default one when there is none. Flushes.

    Only for operations that write (saving a verdict, seeding the scale, the
    demo): a GET must not write, so pages use :func:`scale_in_use`.
    """
    scale = saved_scale(session)
    if scale is not None:
        return scale
    scale = _default_scale()
    session.add(scale)
    session.flush()
    return scale
