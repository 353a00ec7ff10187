"""Sign-in limits (audit finding 6): the delays that grow with consecutive failures.

The per-account count itself is tested through the login form in
tests/foundation/test_csrf_and_limits.py."""

from __future__ import annotations

from factcheck.accounts import throttle


def test_delays_grow_with_failures():
    assert throttle.delay_after(9) == throttle.delay_after(0) == throttle.timedelta(0)
    assert [throttle.delay_after(n).total_seconds() for n in (10, 11, 12, 13)] == [1, 2, 4, 8]
    assert throttle.delay_after(40) == throttle.MAX_DELAY
