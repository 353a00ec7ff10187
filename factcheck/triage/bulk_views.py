"""Bulk triage, undo and saved views (filled in below)."""

from flask import Blueprint

bulk_bp = Blueprint("bulk", __name__)
