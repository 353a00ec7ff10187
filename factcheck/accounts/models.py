"""Users, their roles and their signed-in sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.database import Base, utcnow


class Role(enum.StrEnum):
    """What a user may do. Each role includes everything of the roles before it."""

    REVIEWER = "reviewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in the order reviewer < editor < admin."""
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """True when this role may do everything ``other`` may."""
        return self.rank >= other.rank


class User(Base):
    """A member of the fact-checking team."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('reviewer', 'editor', 'admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default=Role.REVIEWER.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    sessions: Mapped[list[UserSession]] = relationship(back_populates="user")

    # Flask-Login's interface. The id it stores in the cookie is the session
    # token, not the user id, so revoking the session row signs the cookie out.
    current_session = None  # the UserSession this request was loaded through
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        """Flask-Login: only a user loaded through a live session is signed in."""
        return self.current_session is not None

    @property
    def is_active(self) -> bool:
        """Flask-Login: disabled users cannot sign in."""
        return self.active

    def get_id(self) -> str | None:
        """Flask-Login: the token of the session this user was loaded through."""
        return self.current_session.token if self.current_session else None

    @property
    def role_enum(self) -> Role:
        """The role as an enum."""
        return Role(self.role)

    def has_role(self, role: Role | str) -> bool:
        """True when the user's role includes ``role``."""
        return self.role_enum.includes(Role(role))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserSession(Base):
    """One signed-in browser. Only a hash of its token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship(back_populates="sessions")

    # The clear token exists only in the cookie and, for one request, here.
    token = None
