"""The public figures (issue 18): ``GET /api/v1/statistics/`` as readers ask for it (the cached
figures, budget 150 ms at the large scale) and computed afresh (the cache emptied before each
request: what the first reader after each expiry waits for), beside the raw SQL of the same
grouped counts. Used by ``run.py``'s ``statistics`` section.

(Not ``bench/statistics.py``: ``run.py`` is started as a script from this folder, and the
name would hide the standard library's ``statistics`` it uses.)
"""

PATH = "/api/v1/statistics/"
# Asked afresh this many times (each one recomputes every figure).
COLD_ASKS = {"tiny": 3, "small": 5, "large": 5}


def clear_statistics_cache(redis_url):
    """Forget the cached figures and names: the next request computes them from the database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match="*statistics:*", count=1000))
    if keys:
        client.delete(*keys)


def statistics_sql(t):
    """The grouped counts ``reporting.statistics.compute_figures`` takes, in one statement."""
    themes, left, right = t["r_themes"]
    return f"""
        WITH r AS (
            SELECT * FROM "{t["request"]}" WHERE state <> 'draft' AND submitted_at IS NOT NULL
        )
        SELECT 'received' AS kind, regional_office_id AS code, state,
               extract(year FROM submitted_at)::int AS year, count(*)::numeric AS n,
               sum(estimated_budget_usd) AS amount, count(estimated_budget_usd)::numeric AS m
        FROM r GROUP BY 2, 3, 4
        UNION ALL
        SELECT 'completed', regional_office_id, '', extract(year FROM completed_at)::int,
               count(*), sum(cost_usd),
               sum(coalesce(people_trained_female, 0) + coalesce(people_trained_male, 0)
                   + coalesce(people_trained_other, 0))
        FROM r WHERE state IN ('completed', 'closed') AND completed_at IS NOT NULL
        GROUP BY 2, 4
        UNION ALL
        SELECT 'theme', x."{right}", '', 0, count(DISTINCT x."{left}"), NULL, NULL
        FROM "{themes}" x JOIN r ON r.id = x."{left}" GROUP BY 2
        UNION ALL
        SELECT 'country', country_id, '', 0, count(*), NULL, NULL
        FROM r WHERE country_id IS NOT NULL GROUP BY 2
        UNION ALL
        SELECT 'activities', status, '', 0, count(*), NULL,
               sum(coalesce(people_trained_female, 0) + coalesce(people_trained_male, 0)
                   + coalesce(people_trained_other, 0))
        FROM "{t["activity"]}" WHERE is_published GROUP BY 2
        UNION ALL
        SELECT 'funding', f.source_kind_id, '', f.year, count(*), sum(f.amount_usd),
               count(f.amount_usd)
        FROM "{t["funding"]}" f JOIN "{t["activity"]}" a ON a.id = f.activity_id
        WHERE a.is_published GROUP BY 2, 4
    """
