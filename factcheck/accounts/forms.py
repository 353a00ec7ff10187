"""Forms of the sign-in and admin pages. Forms validate; they never write."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError

from factcheck.accounts.models import Role
from factcheck.accounts.passwords import MAX_LENGTH, password_problem
from factcheck.csrf import DeskForm

ROLE_CHOICES = [SelectChoice(role.value, role.value.capitalize()) for role in Role]


class LoginForm(DeskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])


class NewPasswordMixin:
    """A new password checked against the policy."""

    def validate_new_password(self, field):
        """Apply the password policy."""
        email = getattr(getattr(self, "email", None), "data", "") or ""
        problem = password_problem(field.data or "", email=email)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordMixin, DeskForm):
    """A user changes their own password."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired()])


class NewUserForm(NewPasswordMixin, DeskForm):
    """An admin adds a user."""

    email = EmailField("E-mail", validators=[DataRequired(), Email(check_deliverability=False),
                                             Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.REVIEWER.value)
    new_password = PasswordField("Password", validators=[DataRequired()])


class EditUserForm(DeskForm):
    """An admin changes a user's role or enables or disables them."""

    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("Active (may sign in)")


class ResetPasswordForm(NewPasswordMixin, DeskForm):
    """An admin sets a new password for a user."""

    new_password = PasswordField("New password", validators=[DataRequired()])


class UnlockForm(DeskForm):
    """Lift a sign-in lock (only the CSRF token)."""
