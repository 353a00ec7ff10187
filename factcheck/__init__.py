"""The factcheck desk: a Flask application for newsroom fact-checking."""
