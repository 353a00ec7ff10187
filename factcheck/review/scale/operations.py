"""Editing the organisation's rating scale: its bounds and its labels.

Every change checks the scale's version the admin saw (``UPDATE rating_scales
… WHERE id = :id AND version = :seen``, bumping it), so two admins editing at
once cannot overwrite each other: the second gets ``StaleVersion`` (409). Every
change writes an audit record. Functions flush; the view commits.

The rules (ClaimReview's, see docs/claimreview.md): numbers are optional; when
the scale has numbers, ``worst >= 1`` and ``best > worst``, every label's
number lies within them and no two labels share one. A label that a verdict
uses cannot be deleted (published pages name it), only deactivated.

Numbers never change meaning under a rating already given: a change of the
bounds, or of the number of a label a verdict uses, makes a new version of
the scale (``new_scale_version``); verdicts keep the version they were rated
on, so a fact-check publishes the scale as it was approved.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.database import utcnow, versioned_update
from factcheck.errors import InvalidValue
from factcheck.review.models import Verdict
from factcheck.review.scale.models import RatingLabel, RatingScale

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LABEL_MAX = 60


class ScaleError(InvalidValue):
    """A scale change that breaks a rule (400). ``field`` names the form field to blame."""

    status = 400

    def __init__(self, message: str, *, field: str = "", rule: str = "scale"):
        super().__init__(message, rule=rule)
        self.field = field


def _bump(session, scale: RatingScale, seen_version: int, **values) -> None:
    if scale.retired_at is not None or not scale.is_current:
        raise ScaleError("This is an older version of the scale, kept as it was for the "
                         "fact-checks rated with it; it cannot change. Edit the current scale.",
                         rule="scale.retired")
    versioned_update(session, scale, seen_version, values,
                     message="Someone else changed the rating scale while you were editing it.")


def _labels(session, scale: RatingScale) -> list[RatingLabel]:
    return list(session.scalars(
        select(RatingLabel).where(RatingLabel.scale_id == scale.id)
        .order_by(RatingLabel.position, RatingLabel.id)))


def verdicts_using(session, label: RatingLabel) -> int:
    """How many verdicts rate with ``label``."""
    return session.scalar(
        select(func.count()).select_from(Verdict).where(Verdict.rating_label_id == label.id)) or 0


def check_bounds(best: int | None, worst: int | None) -> None:
    """Both bounds or neither; worst >= 1; best > worst."""
    if (best is None) != (worst is None):
        raise ScaleError("Give both the best and the worst number, or neither.",
                         field="worst" if worst is None else "best", rule="scale.bounds")
    if worst is not None and worst < 1:
        raise ScaleError("The worst number is at least 1.", field="worst", rule="scale.bounds")
    if best is not None and worst is not None and best <= worst:
        raise ScaleError("The best number must be higher than the worst.", field="best",
                         rule="scale.bounds")


def _check_label(session, scale: RatingScale, *, text: str, value: int | None, colour: str,
                 label_id: int | None = None) -> None:
    if not text.strip() or len(text) > LABEL_MAX:
        raise ScaleError(f"A label has 1 to {LABEL_MAX} characters.", field="label",
                         rule="label.text")
    if not COLOUR.match(colour or ""):
        raise ScaleError("A colour is written #rrggbb, e.g. #15803d.", field="colour",
                         rule="label.colour")
    others = [other for other in _labels(session, scale) if other.id != label_id]
    if any(other.label.strip().casefold() == text.strip().casefold() for other in others):
        raise ScaleError(f"The scale already has a label “{text.strip()}”.", field="label",
                         rule="label.unique")
    if value is None:
        return
    if scale.best is None or scale.worst is None:
        raise ScaleError("This scale has no numbers: give the scale a best and a worst "
                         "number first, or leave the number empty.", field="value",
                         rule="label.value")
    if not scale.worst <= value <= scale.best:
        raise ScaleError(f"The number must be between {scale.worst} (worst) and "
                         f"{scale.best} (best).", field="value", rule="label.value")
    taken = next((other for other in others if other.value == value), None)
    if taken is not None:
        raise ScaleError(f"{value} is already the number of “{taken.label}”.", field="value",
                         rule="label.value-unique")


def _label_values(label: RatingLabel) -> dict:
    return {"label": label.label, "value": label.value, "colour": label.colour,
            "meaning": label.meaning, "active": label.active, "position": label.position}


def numbers_in_use(session, scale: RatingScale) -> list[RatingLabel]:
    """The scale's numbered labels that a verdict rates with: their numbers mean something.

    A verdict in progress, approved or published names the label; a published
    page shows its number "on a scale from worst to best". Changing the bounds,
    or the number of such a label, would change that meaning silently.
    """
    return [label for label in _labels(session, scale)
            if label.value is not None and verdicts_using(session, label)]


def new_scale_version(session, scale: RatingScale, *, actor: User, seen_version: int,
                      name: str | None = None, best: int | None = None,
                      worst: int | None = None,
                      values: dict[int, int | None] | None = None) -> RatingScale:
    """Retire ``scale`` and put a copy in use with the changed bounds or label numbers.

    Verdicts keep the labels (and so the numbers and bounds) they were given:
    what was approved is what publishes, and older fact-checks keep their
    scale. New verdicts choose from the new version. ``values`` maps old label
    ids to their new numbers. The methodology page shows both versions with
    their dates.
    """
    _bump(session, scale, seen_version)  # the admin saw the current version, or 409
    now = utcnow()
    scale.is_current = False
    scale.retired_at = now
    successor = RatingScale(name=name or scale.name, best=best, worst=worst, is_current=True,
                            created_at=now, version=1)
    session.add(successor)
    session.flush()
    values = values or {}
    for label in _labels(session, scale):
        session.add(RatingLabel(
            scale_id=successor.id, label=label.label,
            value=values.get(label.id, label.value), meaning=label.meaning,
            position=label.position, colour=label.colour, active=label.active))
    session.flush()
    record_audit(session, actor=actor, action="scale.new_version", target=successor,
                 before={"scale_id": scale.id, "best": scale.best, "worst": scale.worst},
                 after={"scale_id": successor.id, "best": best, "worst": worst,
                        "values": {str(k): v for k, v in values.items()}})
    return successor


def update_scale(session, scale: RatingScale, *, name: str, best: int | None, worst: int | None,
                 actor: User, seen_version: int) -> RatingScale:
    """Rename the scale or change its bounds; every numbered label must stay within them.

    When a verdict rates with a numbered label, new bounds would change what
    its number means: the change makes a new version of the scale instead
    (``new_scale_version``) and the returned scale is that version.
    """
    check_bounds(best, worst)
    numbered = [label for label in _labels(session, scale) if label.value is not None]
    if best is None and numbered:
        raise ScaleError("Labels still have numbers (" + ", ".join(
            f"{label.label} {label.value}" for label in numbered)
            + "): clear them before removing the scale's numbers.", field="best",
            rule="scale.bounds")
    outside = [label for label in numbered
               if best is not None and worst is not None and not worst <= label.value <= best]
    if outside:
        raise ScaleError("These labels' numbers would fall outside the scale: " + ", ".join(
            f"{label.label} ({label.value})" for label in outside) + ".", field="best",
            rule="scale.bounds")
    if (best, worst) != (scale.best, scale.worst) and numbers_in_use(session, scale):
        return new_scale_version(session, scale, actor=actor, seen_version=seen_version,
                                 name=name.strip() or scale.name, best=best, worst=worst)
    before = {"name": scale.name, "best": scale.best, "worst": scale.worst}
    _bump(session, scale, seen_version, name=name.strip() or scale.name, best=best, worst=worst)
    record_audit(session, actor=actor, action="scale.update", target=scale, before=before,
                 after={"name": scale.name, "best": best, "worst": worst})
    return scale


def add_label(session, scale: RatingScale, *, label: str, value: int | None, colour: str,
              meaning: str, actor: User, seen_version: int) -> RatingLabel:
    """Add a label at the end of the scale."""
    _check_label(session, scale, text=label, value=value, colour=colour)
    _bump(session, scale, seen_version)
    position = (session.scalar(select(func.max(RatingLabel.position))
                               .where(RatingLabel.scale_id == scale.id)) or 0) + 1
    new = RatingLabel(scale_id=scale.id, label=label.strip(), value=value, colour=colour.lower(),
                      meaning=meaning.strip(), position=position, active=True)
    session.add(new)
    session.flush()
    record_audit(session, actor=actor, action="scale.add_label", target=new,
                 after=_label_values(new))
    return new


def update_label(session, label: RatingLabel, *, text: str, value: int | None, colour: str,
                 meaning: str, actor: User, seen_version: int) -> RatingLabel:
    """Change a label's wording, number, colour or meaning.

    A new number for a label a verdict uses makes a new version of the scale
    (the verdicts keep the old number); the returned label is then the new
    version's copy, with the other changes applied to it.
    """
    scale = label.scale
    _check_label(session, scale, text=text, value=value, colour=colour, label_id=label.id)
    if value != label.value and label.value is not None and verdicts_using(session, label):
        successor = new_scale_version(session, scale, actor=actor, seen_version=seen_version,
                                      best=scale.best, worst=scale.worst,
                                      values={label.id: value})
        label = session.scalar(select(RatingLabel).where(
            RatingLabel.scale_id == successor.id, RatingLabel.position == label.position,
            RatingLabel.label == label.label))
        seen_version = successor.version
        scale = successor
    before = _label_values(label)
    _bump(session, scale, seen_version)
    label.label, label.value = text.strip(), value
    label.colour, label.meaning = colour.lower(), meaning.strip()
    session.flush()
    record_audit(session, actor=actor, action="scale.update_label", target=label,
                 before=before, after=_label_values(label))
    return label


def move_label(session, label: RatingLabel, direction: int, *, actor: User,
               seen_version: int) -> RatingLabel:
    """Move a label one place up (-1) or down (+1) in the scale's order."""
    scale = label.scale
    ordered = _labels(session, scale)
    index = ordered.index(label)
    target = index + (1 if direction > 0 else -1)
    if not 0 <= target < len(ordered):
        raise ScaleError("The label is already at that end of the scale.", rule="label.move")
    _bump(session, scale, seen_version)
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
    session.flush()
    record_audit(session, actor=actor, action="scale.move_label", target=label,
                 before={"position": index}, after={"position": target})
    return label


def set_label_active(session, label: RatingLabel, active: bool, *, actor: User,
                     seen_version: int) -> RatingLabel:
    """Offer the label for new verdicts again, or stop offering it (verdicts keep it)."""
    if label.active == active:
        return label
    _bump(session, label.scale, seen_version)
    label.active = active
    session.flush()
    record_audit(session, actor=actor, action="scale.set_label_active", target=label,
                 before={"active": not active}, after={"active": active})
    return label


def remove_label(session, label: RatingLabel, *, actor: User, seen_version: int) -> None:
    """Delete a label no verdict uses; a used one can only be deactivated."""
    used = verdicts_using(session, label)
    if used:
        raise ScaleError(f"“{label.label}” is the rating of {used} verdict"
                         f"{'s' if used != 1 else ''}, so it cannot be deleted. "
                         "Deactivate it instead: it stays on those verdicts but is no longer "
                         "offered.", rule="label.in-use")
    _bump(session, label.scale, seen_version)
    record_audit(session, actor=actor, action="scale.remove_label", target=label,
                 before=_label_values(label))
    session.delete(label)
    session.flush()
