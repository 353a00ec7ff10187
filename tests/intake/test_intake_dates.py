"""Dates as real pages carry them, normalised to ISO 8601."""

from __future__ import annotations

import pytest

from factcheck.intake.reading.dates import normalize_date


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2020-06-24 00:03", "2020-06-24T00:03:00"),
        ("2021-01-08T11:33:52+0200", "2021-01-08T11:33:52+02:00"),
        ("Tue Jan 28 15:28:56 CET 2020", "2020-01-28T15:28:56+01:00"),
        ("Sat Jun 20 09:00:00 EDT 2020", "2020-06-20T09:00:00-04:00"),
        ("2017-11-16T14:15+0000", "2017-11-16T14:15:00+00:00"),
        ("2019-05-14T12:34:08+00:00", "2019-05-14T12:34:08+00:00"),
        ("2020-06-24T00:03:00.123Z", "2020-06-24T00:03:00+00:00"),
        ("2020-06-24T00:03:00+05", "2020-06-24T00:03:00+05:00"),
        ("  2022-08-11  ", "2022-08-11"),
        ("2022/8/1", "2022-08-01"),
        ("20200624", "2020-06-24"),
        ("Tue, 28 Jan 2020 15:28:56 +0100", "2020-01-28T15:28:56+01:00"),
        ("Tue, 28 Jan 2020 15:28:56 GMT", "2020-01-28T15:28:56+00:00"),
        ("08 January 2021", "2021-01-08"),
        ("January 8, 2021", "2021-01-08"),
        ("8th Sept. 2021", "2021-09-08"),
    ],
)
def test_real_world_dates(raw, iso):
    assert normalize_date(raw) == iso


@pytest.mark.parametrize(
    "raw",
    ["", "garbage", "2020-02-30", "2020-13-01", "2020-06-24T25:00", "2020-06-24T10:00 XYZ",
     "2020-06-24T10:00+25:00", None, 20200624, ["2020-06-24"], "x" * 500, "Smarch 3, 2020"],
)
def test_unreadable_dates_give_none(raw):
    assert normalize_date(raw) is None
