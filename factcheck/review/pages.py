"""What the claim and approval pages show, gathered in one place so the views stay thin.

Reads only: nothing here writes (before the rating scale exists, the pages
show the default scale from unsaved objects: ``scale_in_use``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.claims import workflow
from factcheck.claims.models import Claim, ClaimState
from factcheck.claims.workflow import TRANSITIONS, allowed_transitions, transition_problem
from factcheck.database import utcnow
from factcheck.review import operations as ops
from factcheck.review.content import fact_check_of
from factcheck.review.diffs import content_changes, field_changes
from factcheck.review.forms import (
    ApproveForm,
    ClaimantForm,
    EditSourceForm,
    MoveForm,
    NotesForm,
    SendBackForm,
    SourceForm,
    VerdictForm,
    WordingForm,
)
from factcheck.review.markdown import render_markdown
from factcheck.review.models import Approval, Source
from factcheck.review.scale.current import current_scale, scale_in_use
from factcheck.review.scale.models import RatingLabel

# Steps with their own pages elsewhere: shown as links when that page exists.
OTHER_PAGES = {"publish": "publishing.publish", "reopen_published": "publishing.reopen",
               "retract": "publishing.retract"}
CONTEXT_CHARS = 280  # article text shown on each side of the claim
SPLIT_LABEL_WORDS = 3  # words shown on each side of a split point
RESHAPABLE = tuple(workflow.RESHAPABLE)
HIDDEN_AUDIT_KEYS = frozenset({"source_id", "approval_id", "content", "content_hash",
                               "comment_id", "new_mentions", "undid"})
ACTION_LABELS = {
    "claim.edit_wording": "Changed the wording",
    "claim.edit_claimant": "Changed the claimant or appearances",
    "claim.edit_notes": "Changed the notes",
    "source.add": "Added a source",
    "source.edit": "Changed a source",
    "source.remove": "Removed a source",
    "verdict.edit": "Changed the verdict",
    "approval.approved": "Recorded the approval",
    "approval.changes_requested": "Recorded the send-back",
    # Other features' records about a claim.
    "claim.detected": "Detected in the article",
    "claim.redetected": "Detected again",
    "claim.created_from_span": "Made from selected text",
    "claim.created_by_split": "Made by splitting a claim",
    "claim.split": "Split",
    "claim.merged": "Merged other claims into this one",
    "claim.assign": "Assigned",
    "claim.set_priority": "Set the priority",
    "claim.undo": "Undid the previous action",
    "comment.add": "Commented",
    "comment.edit": "Changed a comment",
    "comment.delete": "Deleted a comment",
    "comment.resolve": "Marked a comment resolved",
    "comment.reopen": "Opened a comment again",
}


# --- rating scale -------------------------------------------------------------------------------


def rating_choices(session) -> list:
    """The active labels of the current scale as select choices (value = label text).

    Labels, not ids, travel in the form: they are unique within a scale and do
    not depend on rows that may not exist yet (the default scale, before its
    first use).
    """
    from wtforms.fields.choices import SelectChoice

    scale = scale_in_use(session)
    return [SelectChoice(label.label, _label_text(label)) for label in scale.labels
            if label.active]


def _label_text(label: RatingLabel) -> str:
    return f"{label.label} ({label.value})" if label.value is not None else label.label


def rating_label_id(session, label_text: str) -> int | None:
    """The id of the current scale's label called ``label_text``."""
    scale = current_scale(session)
    return next((label.id for label in scale.labels if label.label == label_text), None)


# --- the claim page -----------------------------------------------------------------------------


def _article_context(claim: Claim) -> dict[str, str]:
    text = claim.article.text
    start, end = claim.start_offset, claim.end_offset
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if end + CONTEXT_CHARS < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return {"before": before, "span": text[start:end], "after": after}


def _article_url(claim: Claim) -> str:
    return url_for("articles.show", article_id=claim.article_id)


def _default_forms(session, claim: Claim, verdict, sources: list[Source]) -> dict[str, Any]:
    article = claim.article
    article_url = article.canonical_url or article.source_url
    forms: dict[str, Any] = {
        "wording": WordingForm(formdata=None, data={"claim_reviewed": claim.claim_reviewed,
                                                    "version": claim.version}),
        "claimant": ClaimantForm(formdata=None, data={
            "claimant_name": claim.claimant_name, "claimant_url": claim.claimant_url,
            "claimant_type": claim.claimant_type,
            "claim_date": claim.claim_date,
            # The article is where the claim appeared unless the reviewer says otherwise.
            "appearance_url": claim.appearance_url or article_url,
            "first_appearance_url": claim.first_appearance_url, "version": claim.version}),
        "notes": NotesForm(formdata=None, data={"notes": claim.notes, "version": claim.version}),
        "new_source": SourceForm(formdata=None, data={"accessed_on": date.today(),
                                                      "stance": "context"}),
        "verdict": VerdictForm(
            formdata=None, rating_choices=rating_choices(session), wording=claim.claim_reviewed,
            data={"rating": verdict.rating.label if verdict and verdict.rating else "",
                  "summary": verdict.summary if verdict else "",
                  "write_up": verdict.write_up if verdict else "",
                  "version": verdict.version if verdict else 0}),
        "move": MoveForm(formdata=None, data={"version": claim.version}),
    }
    for source in sources:
        forms[f"source-{source.id}"] = EditSourceForm(formdata=None, obj=source,
                                                      prefix=f"source-{source.id}")
    return forms


def split_points(claim: Claim) -> list[tuple[int, str]]:
    """Where the claim can be split: each word start inside it, as (offset, "…a b | c d…")."""
    text = claim.article.text
    points = []
    for offset in range(claim.start_offset + 1, claim.end_offset):
        if text[offset - 1].isspace() and not text[offset].isspace():
            left = text[claim.start_offset:offset].split()[-SPLIT_LABEL_WORDS:]
            right = text[offset:claim.end_offset].split()[:SPLIT_LABEL_WORDS]
            points.append((offset, f"…{' '.join(left)} | {' '.join(right)}…"))
    return points


def merge_candidates(session, claim: Claim) -> list[Claim]:
    """Other claims of the article that could merge with this one, in text order.

    The merge form sends the chosen one's id with this claim's, and the version
    the user saw of each ("id:version" pairs), as the article page's does.
    """
    return list(session.scalars(
        select(Claim).where(Claim.article_id == claim.article_id, Claim.id != claim.id,
                            Claim.state.in_([s.value for s in RESHAPABLE]))
        .order_by(Claim.start_offset).limit(200)))


def already_checked_context(session, claim: Claim, allowed, *,
                            may_cite: bool) -> dict[str, Any]:
    """The "Already checked" panel: the claim's stored matches and the actions open on them."""
    from factcheck.claims.detection import looks_english
    from factcheck.factchecks.matching import ENGLISH_NOTE, matches_for

    return {
        "already_checked": matches_for(session, [claim.id]).get(claim.id, []),
        "may_mark_duplicate": any(t.name == "mark_duplicate" for t in allowed),
        "may_cite": may_cite,
        "matching_english": looks_english(claim.sentence or ""),
        "english_note": ENGLISH_NOTE,
    }


def claim_context(session, claim: Claim, actor: User, *, tab: str = "work",
                  forms: dict[str, Any] | None = None, preview=None,
                  missing=None) -> dict[str, Any]:
    """Everything the claim page template needs. ``forms`` replace the defaults (errors shown).

    ``missing`` is a refused submit (``workflow.Incomplete``): each missing
    field gets its message next to it, and the page lists them at the top.
    """
    verdict = ops.verdict_of(session, claim)
    sources = list(session.scalars(
        select(Source).where(Source.claim_id == claim.id).order_by(Source.id)))
    all_forms = _default_forms(session, claim, verdict, sources)
    if forms:
        # A form that comes back with errors belongs to the object as last read;
        # the version it carries stays the one the user saw.
        all_forms.update(forms)
    missing_fields = []
    if missing is not None:
        for name, what in missing.missing.items():
            form = all_forms["wording" if name == "claim_reviewed" else "verdict"]
            form[name].errors = [f"Add {what} before submitting."]
            missing_fields.append({"id": name, "what": what})
    sections = ("wording", "claimant", "notes", "sources", "verdict")
    problems = {section: ops.edit_problem(claim, actor, section) for section in sections}
    allowed = allowed_transitions(session, claim, actor)
    moves = [t for t in allowed if t.name in ops.PAGE_TRANSITIONS]
    may_reshape = workflow.may(session, claim, "reshape", actor)
    review_moves = [t for t in allowed if t.name in ("approve", "request_changes")]
    other_moves = [(t, url_for(OTHER_PAGES[t.name], claim_id=claim.id)) for t in allowed
                   if t.name in OTHER_PAGES]
    decision = ops.latest_decision(session, claim)
    return {
        **already_checked_context(session, claim, allowed,
                                  may_cite=problems["sources"] is None),
        "claim": claim,
        "article": claim.article,
        "article_url": _article_url(claim),
        "context": _article_context(claim),
        "verdict": verdict,
        "write_up_html": render_markdown(verdict.write_up) if verdict else None,
        "sources": sources,
        "forms": all_forms,
        "problems": problems,
        "moves": moves,
        "review_moves": review_moves,
        "other_moves": other_moves,
        "decision": decision,
        "sent_back": decision if decision and decision.decision == "changes_requested"
        and claim.state_enum in (ClaimState.CHANGES_REQUESTED, ClaimState.IN_RESEARCH) else None,
        "reopened": ops.standing_reopen(session, claim),
        "reshape": may_reshape,
        "split_points": split_points(claim) if may_reshape else [],
        "merge_candidates": merge_candidates(session, claim)
        if may_reshape else [],
        "preview": preview,
        "missing": missing_fields,
        "tab": "history" if tab == "history" else "work",
        "history": history_entries(session, claim) if tab == "history" else [],
        "claim_max": 75,
    }


CLAIMANT_TYPE_LABELS = {"Person": "a person", "Organization": "an organisation"}


def _readable_value(key: str, value: Any) -> Any:
    """A stored value as people say it: states and types by their labels, scores rounded."""
    if value is None:
        return None
    if key == "state" and value in {s.value for s in ClaimState}:
        return ClaimState(value).label
    if key == "claimant_type":
        return CLAIMANT_TYPE_LABELS.get(value, value)
    if key == "score" and isinstance(value, int | float):
        return f"{value:.2f}"
    if key == "not_checkable_reason" and isinstance(value, str):
        return value.replace("_", " ").capitalize()
    if key == "origin" and isinstance(value, str):
        return {"detected": "automatic detection"}.get(value, value.replace("_", " "))
    if key in ("merged", "new_claims") and isinstance(value, list):
        return ", ".join(f"#{item}" for item in value)
    return value


def _with_names(values: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    """Show people by name, not by id (assignments are recorded as user ids), values readable."""
    if values.get("assignee_id") in names:
        values = {**values, "assignee_id": names[values["assignee_id"]]}
    return {key: _readable_value(key, value) for key, value in values.items()}


def history_entries(session, claim: Claim) -> list[dict[str, Any]]:
    """The claim's audit records as readable entries with word-level diffs."""
    entries = []
    records = ops.claim_history(session, claim)
    assignee_ids = {values.get("assignee_id") for record in records
                    for values in (record.before or {}, record.after or {})} - {None}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(assignee_ids)))
                 .all()) if assignee_ids else {}
    for record in records:
        action = record.action
        label = ACTION_LABELS.get(action)
        if label is None and action.startswith("claim.") and action[6:] in TRANSITIONS:
            label = TRANSITIONS[action[6:]].label
        before = _with_names({k: v for k, v in (record.before or {}).items()
                              if k not in HIDDEN_AUDIT_KEYS}, names)
        after = _with_names({k: v for k, v in (record.after or {}).items()
                             if k not in HIDDEN_AUDIT_KEYS}, names)
        entries.append({
            "record": record,
            "label": label or _action_label(action),
            "actor": record.actor.name if record.actor else "system",
            "changes": field_changes(before, after),
            "content_hash": (record.after or {}).get("content_hash"),
        })
    return entries


def _action_label(action: str) -> str:
    """An audit action without its own label, made readable ("claim.edit_x" → "Edit x")."""
    return action.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def conflict_fields(form, names, current: dict[str, Any] | None, *,
                    plain_names: bool = False) -> list[dict[str, Any]]:
    """The rows of the 409 page: the user's text (editable) beside the current text."""
    rows = []
    for name in names:
        field = form[name]
        mine = field.raw_data[0] if field.raw_data else (field.data or "")
        theirs = (current or {}).get(name)
        if isinstance(theirs, date):
            theirs = theirs.isoformat()
        kind = {"TextAreaField": "textarea", "DateField": "date",
                "SelectField": "select"}.get(field.type, "text")
        rows.append({
            "name": name if plain_names else field.name,
            "label": field.label.text,
            "mine": str(mine),
            "theirs": "" if theirs is None else str(theirs),
            "kind": kind,
            "choices": [(c.value, c.label) for c in field.choices if c.value]
            if kind == "select" else [],
        })
    return rows


# --- the approval page --------------------------------------------------------------------------


def claim_review_preview(session, claim: Claim, content: dict[str, Any], config) -> dict:
    """The ClaimReview that publishing would build from ``content``, and the validator's findings.

    The page address is a stand-in on our site (the real slug is chosen when
    publishing); everything else is what would be published.
    """
    from factcheck.claimreview.builder import build_claim_review
    from factcheck.claimreview.validator import ERROR, validate_claim_review

    site = config["SITE_URL"].rstrip("/")
    fact_check = fact_check_of(
        session, claim, content, url=f"{site}/fact-checks/claim-{claim.id}",
        date_published=utcnow(), org_name=config["ORG_NAME"], org_url=config.get("ORG_URL"))
    node = build_claim_review(fact_check)
    findings = validate_claim_review(node, site_url=site)
    return {
        "node": node,
        "errors": [f for f in findings if f.severity == ERROR],
        "warnings": [f for f in findings if f.severity != ERROR],
    }


def approval_context(session, claim: Claim, actor: User, config, *,
                     send_back_form: SendBackForm | None = None) -> dict[str, Any]:
    """Everything the approval page shows: the content, its hash, changes, findings, forms."""
    content, digest = ops.current_content(session, claim)
    earlier_kind, earlier = ops.earlier_decision_content(session, claim)
    approve_problem = transition_problem(session, claim, "approve", actor)
    send_back_problem = transition_problem(session, claim, "request_changes", actor)
    decisions = list(session.scalars(
        select(Approval).where(Approval.claim_id == claim.id).order_by(Approval.id.desc())))
    from factcheck.factchecks.matching import verdict_conflicts

    verdict = content["verdict"]["rating"]
    return {
        "conflicts": verdict_conflicts(session, claim, verdict),
        "verdict": verdict,
        "claim": claim,
        "content": content,
        "content_hash": digest,
        "write_up_html": render_markdown(content["verdict"]["write_up"]),
        "earlier": earlier,
        "earlier_kind": earlier_kind,
        "sent_back": ops.latest_decision(session, claim)
        if earlier_kind == "changes_requested" else None,
        "changes": content_changes(earlier, content),
        "markup": claim_review_preview(session, claim, content, config),
        "approve_form": ApproveForm(formdata=None, data={"version": claim.version,
                                                         "content_hash": digest}),
        "send_back_form": send_back_form or SendBackForm(formdata=None,
                                                         data={"version": claim.version}),
        "approve_problem": approve_problem,
        "send_back_problem": send_back_problem,
        "decisions": decisions,
    }
