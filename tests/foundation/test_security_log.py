"""Security events are logged with time (UTC), event and address; CR/LF cannot forge lines."""

from __future__ import annotations

import logging
import re


def test_failed_login_is_logged_without_forged_lines_or_password(client, users, caplog):
    caplog.set_level(logging.WARNING, logger="factcheck.security")
    client.post("/login", data={"email": "evil@example.org\r\nevent='login.ok'",
                                "password": "the secret typed"})
    messages = [record.getMessage() for record in caplog.records
                if record.name == "factcheck.security"]
    assert len(messages) == 1
    message = messages[0]
    assert "\n" not in message
    assert "\r" not in message
    assert "\\r\\n" in message
    assert "event='login.failed'" in message
    assert "address='127.0.0.1'" in message
    assert re.search(r"at='\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00'", message)
    assert "the secret typed" not in message
