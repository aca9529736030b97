"""The annual report's aggregation against its own SQL (run by run.py in a subprocess).

Times ``reporting.aggregation.compute_snapshot(year)`` (the ORM and Python), capturing every
query it runs; then runs exactly those SQL statements again on a plain cursor and times them:
the practical limit for the same figures. Session settings the aggregation makes (it turns
PostgreSQL's JIT off and restores it) are statements too, so the replay runs under the same
settings. Prints JSON.

    .venv/bin/python bench/report_aggregation.py YEAR
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    year = int(sys.argv[1])
    from bench.common import setup_django

    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reporting.aggregation import compute_snapshot

    as_of = timezone.now()
    compute_snapshot(year, as_of)  # warm
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        compute_snapshot(year, as_of)
    orm_seconds = time.perf_counter() - started
    statements = [q["sql"] for q in ctx.captured_queries]
    best = None
    for _ in range(2):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(
        json.dumps(
            {
                "orm_seconds": orm_seconds,
                "sql_seconds": best,
                "queries": len(statements),
                "ratio": orm_seconds / best if best else None,
            }
        )
    )


if __name__ == "__main__":
    main()
