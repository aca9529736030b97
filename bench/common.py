"""Shared settings of the benchmark: scales, the bench database, the bench users."""

import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bali_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"

# Every user the generator creates has this password (hashed once), so the runner can log in.
BENCH_PASSWORD = "bench-Portal-pass-2026"  # noqa: S105 (a benchmark fixture, never production)

SCALES = {
    # 1/100 of large: the CI-sized run.
    "small": {"requests": 10_000, "activities": 2_000, "organizations": 200, "years": 20},
    "large": {"requests": 1_000_000, "activities": 200_000, "organizations": 20_000, "years": 20},
    # For the test suite: seconds, every state.
    "tiny": {"requests": 600, "activities": 120, "organizations": 40, "years": 5},
}


def setup_django(database_url: str | None = None) -> None:
    """Configure Django against the bench database (``DATABASE_URL`` unless given)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali_portal.settings")
    import django

    django.setup()
