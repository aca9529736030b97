"""Query counts of the main paths, in-process with Django's test client (run by run.py).

For each path it counts the SQL queries of two variants that return different numbers of rows
(or a long and a short timeline): the count is *flat* when both are equal. Prints JSON.

    .venv/bin/python bench/querycount.py '<json spec>'
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    spec = json.loads(sys.argv[1])
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    from bench.common import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bali_portal.accounts.models import User

    results = {}
    for name, item in spec.items():
        user = User.objects.get(email=item["user"])
        client = Client()
        client.force_login(user)
        counts = []
        statuses = []
        for path in item["paths"]:
            client.get(path)  # warm caches (ContentTypes, sessions) out of the count
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            statuses.append(response.status_code)
            counts.append(len(ctx.captured_queries))
        results[name] = {
            "paths": item["paths"],
            "statuses": statuses,
            "queries": counts,
            "flat": len(set(counts)) == 1 and all(s == 200 for s in statuses),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
