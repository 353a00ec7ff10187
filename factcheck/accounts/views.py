"""Sign-in, sign-out, the user's own account page, and the admin's user pages.

URL rules:

| rule                                 | endpoint                 | who        |
|--------------------------------------|--------------------------|------------|
| GET/POST /login                      | auth.login               | anyone     |
| POST     /logout                     | auth.logout              | signed in  |
| GET/POST /account                    | auth.account             | signed in  |
| GET/POST /admin/users                | admin.users              | admin      |
| GET/POST /admin/users/<id>           | admin.edit_user          | admin      |
| POST     /admin/users/<id>/password  | admin.reset_password     | admin      |
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as browser_session
from flask_login import current_user, login_user, logout_user
from limits.storage import MemoryStorage
from sqlalchemy import select

from factcheck.accounts import operations, throttle
from factcheck.accounts.forms import (
    ChangePasswordForm,
    EditUserForm,
    LoginForm,
    NewUserForm,
    ResetPasswordForm,
    UnlockForm,
)
from factcheck.accounts.models import Role, User
from factcheck.accounts.sessions import role_required
from factcheck.database import WRITE_INTENT
from factcheck.extensions import client_address, db, limiter
from factcheck.form_rules import INVALID_FORM, form_status
from factcheck.security import leave_session_untouched, log_security_event
from factcheck.text_rules import local_redirect

auth_bp = Blueprint("auth", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign the user in.

    Every attempt is counted before its password is checked, per address (in
    the limiter's store) and per account (in the database), each with one
    atomic step: attempts that run at once in several workers cannot all slip
    under a limit. A busy database while counting is a 503 (``busy``): the
    attempt is refused, never let through uncounted.
    """
    if current_user.is_authenticated:
        return redirect(url_for("desk.home"))
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        email = operations.normalise_email(form.email.data)[:320]
        address = client_address()
        wait = _reserve_address_attempt(address)
        if wait is not None:
            return _refuse_login(form, email, throttle.Refusal(locked=False, retry_after=wait),
                                 per_address=True)
        limits = {"free_attempts": config["LOGIN_FREE_ATTEMPTS"],
                  "lock_after": config["LOGIN_LOCK_AFTER"]}
        reserved = throttle.reserve_attempt(db.session, email, **limits)
        if isinstance(reserved, throttle.Refusal):
            return _refuse_login(form, email, reserved)
        if reserved.locks_now:
            log_security_event("login.locked", email=email)
        # The password check is slow (argon2id): it reads in a DEFERRED
        # transaction, so it never holds the write lock other sign-ins need.
        intent = WRITE_INTENT.set(False)
        try:
            user = operations.authenticate(db.session, form.email.data, form.password.data)
            db.session.commit()
        finally:
            WRITE_INTENT.reset(intent)
        if user is None:
            log_security_event("login.failed", email=form.email.data)
            flash("Wrong e-mail or password.", "error")
            # The form was valid and the password wrong: not INVALID_FORM.
            return render_template("accounts/login.html", form=form), 200
        throttle.record_success(db.session, email)
        _refund_address_attempt(address)
        operations.renew_password_hash(user, form.password.data)
        operations.start_session(
            db.session, user, address=request.remote_addr,
            user_agent=request.headers.get("User-Agent"),
        )
        # A new session at sign-in: nothing from before it (the CSRF token
        # above all) stays valid after it.
        browser_session.clear()
        g.pop("csrf_token", None)
        login_user(user)
        db.session.commit()
        log_security_event("login.ok", user=user.id)
        return redirect(local_redirect(request.args.get("next")) or url_for("desk.home"))
    return render_template("accounts/login.html", form=form), form_status(form)


def _reserve_address_attempt(address: str) -> int | None:
    return _count_address_attempt(throttle.reserve_address_attempt, address)


def _refund_address_attempt(address: str) -> None:
    _count_address_attempt(throttle.refund_address_attempt, address)


def _count_address_attempt(operation, address: str):
    # The store may be a Redis that is down. Sign-in stays possible, the outage
    # is logged, and addresses are still counted, in this process's memory: a
    # guesser gets at most one limit per worker instead of none.
    limit = current_app.config["LOGIN_RATE_LIMIT"]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    try:
        return operation(limiter.storage, address, limit, prefix=prefix)
    except Exception as error:  # any failure of the store (the redis client raises its own)
        log_security_event("login.address_limit_unavailable", error=type(error).__name__)
        fallback = current_app.extensions.setdefault("login_address_fallback", MemoryStorage())
        return operation(fallback, address, limit, prefix=prefix)


def _refuse_login(form, email: str, refusal: throttle.Refusal, *, per_address: bool = False):
    # Not even tried: the account is locked, or must wait (growing delays), or
    # this address tried too often.
    leave_session_untouched()
    if refusal.locked:
        log_security_event("login.refused_locked", email=email)
        message = ("This account is locked after too many failed sign-ins. "
                   "Ask an admin to unlock it.")
        headers = {}
    else:
        log_security_event("refused.429", email=email, retry_after=refusal.retry_after,
                           limit="address" if per_address else "account")
        whom = "from this address" if per_address else "for this account"
        message = (f"Too many failed sign-ins {whom}. Wait {refusal.retry_after} "
                   "seconds, then try again.")
        headers = {"Retry-After": str(refusal.retry_after)}
    form.email.errors = [*form.email.errors, message]
    return render_template("accounts/login.html", form=form), 429, headers


@auth_bp.route("/logout", methods=["POST"])
def logout():
    """Revoke this browser's session and sign out."""
    user_id = current_user.id
    operations.end_session(db.session, current_user, address=request.remote_addr)
    db.session.commit()
    logout_user()
    log_security_event("logout", user=user_id)
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@auth_bp.route("/account", methods=["GET", "POST"])
def account():
    """The user's own account: change the password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(
                db.session, current_user, current=form.current_password.data,
                new=form.new_password.data,
            )
        except operations.AccountError as error:
            form.current_password.errors = [str(error)]
        else:
            db.session.commit()
            log_security_event("password.changed", user=current_user.id)
            flash("Your password is changed. Your other sessions are signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("accounts/account.html", form=form), form_status(form)


@admin_bp.route("/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users():
    """List users and add one."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                db.session, email=form.email.data, name=form.name.data, role=form.role.data,
                password=form.new_password.data, actor=current_user,
            )
        except operations.AccountError as error:
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{user.email} can now sign in as {user.role}.", "success")
            return redirect(url_for("admin.users"))
    people = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("accounts/users.html", form=form, users=people), form_status(form)


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    """Change a user's role, or disable or enable them."""
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        try:
            if form.role.data != user.role:
                operations.change_role(db.session, user, role=form.role.data, actor=current_user)
            if form.active.data != user.active:
                operations.set_user_active(
                    db.session, user, active=form.active.data, actor=current_user
                )
        except operations.AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            log_security_event("user.changed", user=user.id, by=current_user.id)
            flash(f"Saved the changes to {user.email}.", "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "accounts/user_edit.html", user=user, form=form, reset_form=ResetPasswordForm(),
        lock=throttle.lock_of(db.session, operations.normalise_email(user.email)),
        unlock_form=UnlockForm(),
    ), form_status(form)


@admin_bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@role_required(Role.ADMIN)
def unlock_user(user_id: int):
    """Lift the lock that too many failed sign-ins put on the account."""
    user = db.session.get(User, user_id) or abort(404)
    if UnlockForm().validate_on_submit() and throttle.unlock(
            db.session, operations.normalise_email(user.email)):
        db.session.commit()
        log_security_event("login.unlocked", user=user.id, by=current_user.id)
        flash(f"{user.email} may sign in again.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@admin_bp.route("/users/<int:user_id>/password", methods=["POST"])
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    """Set a new password for a user and sign out all their sessions."""
    user = db.session.get(User, user_id) or abort(404)
    reset_form = ResetPasswordForm()
    if reset_form.validate_on_submit():
        operations.reset_password(
            db.session, user, new=reset_form.new_password.data, actor=current_user
        )
        db.session.commit()
        log_security_event("password.reset", user=user.id, by=current_user.id)
        flash(f"New password set for {user.email}; their sessions are signed out.", "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "accounts/user_edit.html", user=user, form=EditUserForm(obj=user), reset_form=reset_form,
        lock=throttle.lock_of(db.session, operations.normalise_email(user.email)),
        unlock_form=UnlockForm(),
    ), INVALID_FORM
