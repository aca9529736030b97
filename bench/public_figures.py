"""The public figures (issue 18): ``GET /api/v1/statistics/`` as readers get it, and the refresh
that computes it. Used by ``run.py``'s ``statistics`` section.

Readers never compute the figures: the beat task ``reporting.tasks.refresh_public_statistics``
does, every 5 minutes, and stores them in the cache and in one row (``PublicFigures``). So:

- ``statistics_refresh.seconds``: ``manage.py refresh_public_statistics`` (what the task runs),
  the time the computation took as the row records it (budget 60 s), beside the raw SQL of the
  same grouped counts (``statistics_sql``) run once;
- ``statistics_api``: warm reads of the stored figures (budget 150 ms at the large scale);
- ``statistics_api_cold``: the cache's ``statistics:*`` keys deleted before each request, as
  after a Redis restart: the reader reads the durable row (one query) and the names, never the
  aggregates; beside the raw SQL of that one row (``stored_figures_sql``).

(Not ``bench/statistics.py``: ``run.py`` is started as a script from this folder, and the
name would hide the standard library's ``statistics`` it uses.)
"""

PATH = "/api/v1/statistics/"
# Asked with the cache emptied this many times (each one reads the durable row).
COLD_ASKS = {"tiny": 5, "small": 20, "large": 20}
REFRESH_BUDGET_SECONDS = 60
REFRESH_COMMAND = "refresh_public_statistics"


def clear_statistics_cache(redis_url):
    """Forget the cached figures and names: the next request reads the stored row again."""
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
        FROM r WHERE state IN ('completed', 'closed')
        GROUP BY 2, 4
        UNION ALL
        SELECT 'theme', x."{right}", '', 0, count(x."{left}"), NULL, NULL
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


def stored_figures_sql(t):
    """What a reader does when the cache has nothing: one row, by its key."""
    return f'SELECT figures FROM "{t["public_figures"]}" WHERE id = 1'


def refresh_seconds(sql, t):
    """How long the last refresh took, as it recorded it (``None`` before any)."""
    row = sql.one(f'SELECT compute_seconds FROM "{t["public_figures"]}" WHERE id = 1')
    return row[0] if row else None
