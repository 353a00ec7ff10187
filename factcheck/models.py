"""Every model, imported in one place so Alembic and the app see the whole schema."""

from factcheck.accounts.models import Role, User, UserSession
from factcheck.accounts.throttle import LoginThrottle
from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim, ClaimKind, ClaimState, NotCheckableReason
from factcheck.comments.models import Comment
from factcheck.factchecks.models import (
    ClaimMatch,
    FactCheckImportRun,
    FactCheckSource,
    KnownFactCheck,
)
from factcheck.intake.drafts import ImportDraft
from factcheck.intake.models import Article
from factcheck.jobs.models import Job, JobState
from factcheck.matching.models import MatchGeneration, MatchItem
from factcheck.notifications.models import EmailPreference, Notification
from factcheck.publishing.models import Publication, PublicationChange, SiteText
from factcheck.review.models import Approval, Source, Stance, Verdict
from factcheck.review.scale.models import RatingLabel, RatingScale
from factcheck.triage.models import SavedView

__all__ = [
    "Approval",
    "Article",
    "AuditRecord",
    "Claim",
    "ClaimKind",
    "ClaimMatch",
    "ClaimState",
    "Comment",
    "EmailPreference",
    "FactCheckImportRun",
    "FactCheckSource",
    "ImportDraft",
    "Job",
    "JobState",
    "KnownFactCheck",
    "LoginThrottle",
    "MatchGeneration",
    "MatchItem",
    "NotCheckableReason",
    "Notification",
    "Publication",
    "PublicationChange",
    "RatingLabel",
    "RatingScale",
    "Role",
    "SavedView",
    "SiteText",
    "Source",
    "Stance",
    "User",
    "UserSession",
    "Verdict",
]
