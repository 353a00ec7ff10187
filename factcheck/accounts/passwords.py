"""Password hashing (argon2id) and the password policy.

The policy follows OWASP ASVS 5.0: 8 to 128 characters, no composition
rules, and common passwords refused.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 128

# argon2-cffi's defaults are RFC 9106's low-memory profile for argon2id.
_hasher = PasswordHasher()

# A hash of a random string, verified against when the account does not exist,
# so an unknown e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0c2f9e")


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; spends the same time when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    text = files("factcheck.accounts").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, in words for the user, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in _common_passwords():
        return "This password is too common; choose another."
    if (email and lowered == email.lower()) or (email and lowered == email.split("@")[0].lower()):
        return "The password may not be your e-mail address."
    return None
