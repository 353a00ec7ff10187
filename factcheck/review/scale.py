"""The organisation's rating scale, with the default one seeded on first use."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.review.models import RatingLabel, RatingScale

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


def current_scale(session) -> RatingScale:
    """The scale in use, creating the default one when there is none. Flushes."""
    scale = session.scalar(
        select(RatingScale).where(RatingScale.is_current.is_(True)).order_by(RatingScale.id)
    )
    if scale is not None:
        return scale
    scale = RatingScale(name="Default scale", best=5, worst=1, is_current=True)
    session.add(scale)
    for position, (label, value, meaning, colour) in enumerate(DEFAULT_SCALE):
        session.add(RatingLabel(scale=scale, label=label, value=value, meaning=meaning,
                                colour=colour, position=position))
    session.flush()
    return scale
