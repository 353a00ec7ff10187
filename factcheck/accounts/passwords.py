"""Password hashing (argon2id) and the password policy.

The policy follows OWASP ASVS 5.0: 8 to 128 characters, no composition
rules, and weak passwords refused. Strength is zxcvbn's estimate (Dropbox's
estimator, maintained on PyPI as ``zxcvbn``): it knows tens of thousands of
common passwords, names and words, and sees through ``Passw0rd!``-style
substitutions, which a short list of our own never could. A password below
``MIN_SCORE`` is refused with zxcvbn's own explanation.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 128
# zxcvbn's scale: 0 too guessable … 4 very unguessable. 3 is "safely
# unguessable: moderate protection from an offline slow-hash scenario".
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching is quadratic); the first 72
# characters of a longer password decide already.
_ZXCVBN_MAX = 72

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


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, in words for the user, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if (email and lowered == email.lower()) or (email and lowered == email.split("@")[0].lower()):
        return "The password may not be your e-mail address."
    return _weakness(password, email)


def _weakness(password: str, email: str) -> str | None:
    from zxcvbn import zxcvbn

    inputs = [part for part in (email, email.split("@")[0], "factcheck", "desk") if part]
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    why = feedback.get("warning") or "This password would be easy to guess."
    advice = " ".join(feedback.get("suggestions") or []) or \
        "A few uncommon words together make a strong password that is easy to remember."
    return f"{why.rstrip('.')}. {advice}"
