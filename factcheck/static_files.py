"""Static files: every address carries the file's version, so a browser may keep it a year.

``url_for('static', filename=…)`` adds ``?v=`` and the first 12 hex digits of
the file's SHA-256. A response to an address whose version is the file's
current one is marked ``public, max-age=31536000, immutable``: a changed file
gets a new address, so a year-long cache never serves an old one. Without
the version (or with an old one) the file is sent as Flask does, to be
revalidated on every use. On a phone this saves the stylesheets and scripts
on every page after the first.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, current_app, request
from werkzeug.security import safe_join

LONG_CACHE = "public, max-age=31536000, immutable"
# (path, modification time, size) -> version; a file changed on disk in
# development is hashed again.
_versions: dict[tuple[str, int, int], str] = {}


def file_version(filename: str) -> str | None:
    """The version of a static file (12 hex digits of its SHA-256), or None if there is none."""
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    version = _versions.get(key)
    if version is None:
        with open(path, "rb") as handle:
            version = hashlib.file_digest(handle, "sha256").hexdigest()[:12]
        _versions[key] = version
    return version


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = file_version(values["filename"])
        if version is not None:
            values["v"] = version


def _cache_versioned(response):
    if (request.endpoint == "static" and response.status_code in (200, 304)
            and request.view_args and request.args.get("v")
            and request.args["v"] == file_version(request.view_args["filename"])):
        response.headers["Cache-Control"] = LONG_CACHE
        response.headers.pop("Expires", None)
    return response


def init_app(app: Flask) -> None:
    """Version the static addresses and cache the versioned files."""
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
