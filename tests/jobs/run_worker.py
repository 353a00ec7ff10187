"""Start ``factcheck worker`` with the tests' job kinds registered (used by the worker tests)."""

import job_kinds  # noqa: F401  (registers the test kinds)

from factcheck.cli import main

if __name__ == "__main__":
    main()
