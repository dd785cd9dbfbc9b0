"""What the fuzzers share: how many examples, repeatable or not, and what must never show."""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

EXAMPLES = int(os.environ.get("JIUYE_FUZZ_EXAMPLES", "12"))
# The same examples on every run (a red CI run is one anybody can repeat); JIUYE_FUZZ_RANDOM=1
# explores afresh, as a nightly run should.
DERANDOMIZE = os.environ.get("JIUYE_FUZZ_RANDOM", "") != "1"
# A stack trace, SQL or a file path in a response body.
LEAKS = re.compile(r"Traceback|psycopg|django\.db|sqlite3|/work/|site-packages|\.py\", line", re.I)


def fuzz_settings() -> hypothesis_settings:
    return hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
