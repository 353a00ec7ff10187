"""The Flask extensions, created once here and bound to the app in ``create_app``."""

from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from factcheck.csrf import MaskedCSRFProtect
from factcheck.database import Base


def client_address() -> str:
    """The client's address as the limiter and the security log see it."""
    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = MaskedCSRFProtect()  # Flask-WTF's, reading masked tokens (factcheck.csrf)
limiter = Limiter(key_func=client_address, headers_enabled=True)
