"""The paths people actually take (issue 14), measured cold: registry searches nobody asked
before, deep pages of the registry, the queue of every regional office and every division, the
matches of open requests and the coordinator's text search over requests.

Each metric asks its paths one at a time (each search word or page once, with the registry's
cached results emptied before each one) and reports, beside its p95, the ratio of the HTTP
median to the median of the raw SQL returning the same rows, run once per path in the same
minute. Used by ``run.py``.
"""

import statistics
import time

# At least 30 distinct words or phrases per cold metric, none shared between the metrics (and
# none of them in ``run.py``'s warm rotation): single words of the generated texts, phrases,
# country names, and words that match nothing.
COLD_API_WORDS = [
    "energy", "forest", "ozone", "coastal", "drought", "urban", "soil", "wetland",
    "desertification", "plastic", "pollution", "health", "renewable", "solar", "transport",
    "cities", "finance", "legislation", "enforcement", "monitoring", "indicators", "inventory",
    "emissions", "montreal", "ramsar", "invasive", "taxonomy", "mangrove", "coral reef",
    "air quality", "green economy", "Kenya", "Nepal", "kailash", "solar wind efficiency",
]  # fmt: skip
COLD_PAGE_WORDS = [
    "marine", "mitigation", "chemicals", "waste", "quality", "wind", "efficiency", "green",
    "economy", "policy", "law", "compliance", "assessment", "data", "reporting", "basel",
    "rotterdam", "stockholm", "cites", "species", "ecosystem", "restoration", "fisheries",
    "reef", "scaling", "piloting", "marine species", "forest restoration", "Thailand",
    "Bangladesh", "tanganyika", "ozone montreal",
]  # fmt: skip
COLD_FACETED_WORDS = [
    "climate", "adaptation", "water", "biodiversity", "mercury", "minamata", "biosafety",
    "designing", "reviewing", "air", "coastal marine", "drought soil", "energy policy",
    "waste plastic", "health air", "urban transport", "finance law", "data indicators",
    "emissions inventory", "species invasive", "ecosystem restoration", "mangrove coral",
    "wetland ramsar", "chemicals basel", "solar energy", "monitoring compliance", "Tonga",
    "Djibouti", "France", "Republic of Korea", "zanzibar",
]  # fmt: skip
# (office, theme) pairs the faceted searches rotate over.
FACET_PAIRS = [("ROAP", "T03"), ("ROA", "T01"), ("ROLAC", "T05"), ("ROE", "T02"),
               ("ROWA", "T07"), ("RONA", "T04")]  # fmt: skip
# Deep pages of the registry list: the page (20 rows) and the API (50 rows), each asked once.
DEEP_PAGES = [1000 + 67 * i for i in range(30)]  # 1,000 .. 2,943 (rows 20,000 .. 147,000)
# The coordinator's words over requests; references are added from the database.
REQUEST_WORDS = [
    "water", "mercury", "biodiversity climate", "coral", "ozone montreal", "finance",
    "minamata", "legislation enforcement", "restoration", "solar", "pollution plastic",
    "monitoring", "ramsar wetland", "taxonomy", "emissions", "desertification drought",
    "health air quality", "invasive species", "kailash", "zanzibar", "Benchmark",
]  # fmt: skip


def tsquery(words: str) -> str:
    """The registry's prefix query for ``words`` (as ``registry.search`` builds it)."""
    import re

    terms = re.findall(r"[^\W_]+", words.casefold())
    return " & ".join(f"{term}:*" for term in terms)


def clear_registry_cache(redis_url):
    """Forget the registry's cached counts and page keys: the next search is a first one."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match="*registry:*", count=1000))
    if keys:
        client.delete(*keys)


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(results, name, asks, budget_ms, *, before=None, sql=None, repeat=1, warmup=0):
    """``asks``: (client, path, raw SQL, params) tuples, each asked ``repeat`` times after
    ``warmup`` rounds; ``before()`` runs before each request (out of the timing).

    Reports ``<name>.p95`` and ``<name>.ratio_to_sql`` (HTTP median / raw SQL median, each
    raw statement run once per path in the same run)."""
    times, sql_times, failures, timed = [], [], [], []
    for round_ in range(warmup + repeat):
        for client, path, _statement, _params in asks:
            if before:
                before()
            resp = client.get(path, gzip_ok=True)
            if resp.status != 200:
                failures.append(f"HTTP {resp.status} for {path}")
                continue
            if round_ >= warmup:
                times.append(resp.elapsed)
                timed.append((resp.elapsed, path))
    if failures and not times:
        results.unavailable(name, failures[0])
        return None
    if sql is not None:
        # As often as the paths were asked, after as many rounds of warm-up.
        for round_ in range(warmup + repeat):
            for _client, _path, statement, params in asks:
                started = time.perf_counter()
                sql.all(statement, params)
                if round_ >= warmup:
                    sql_times.append(time.perf_counter() - started)
    ms = [t * 1000 for t in times]
    stats = {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2),
             "max_ms": round(max(ms), 2), "n": len(ms)}  # fmt: skip
    results.add(f"{name}.p95", stats["p95_ms"], "ms", budget_ms, paths=[a[1] for a in asks],
                failures=failures[:5],
                slowest=[(round(e * 1000, 1), p) for e, p in sorted(timed, reverse=True)[:6]],
                **stats)  # fmt: skip
    if sql_times:
        sql_p50 = statistics.median(sql_times) * 1000
        results.add(f"{name}.ratio_to_sql", stats["p50_ms"] / sql_p50, "x", None,
                    http_p50_ms=stats["p50_ms"], sql_p50_ms=round(sql_p50, 2),
                    sql_p95_ms=round(percentile(sql_times, 95) * 1000, 2),
                    note="HTTP median / raw SQL median (the same rows), same run")  # fmt: skip
    return stats


# --- the raw SQL of each path ---------------------------------------------------------------


def search_page_sql(t, size, *, facets=False):
    """What a first search shows, read as the portal reads it: the matches counted up to
    1,001 with the facets of those (``registry.selectors``), and the page of ``size``: the
    titles naming a word first (ranked), then the other matches by title."""
    a = t["activity"]
    themes, t_left, t_right = t["a_themes"]
    offices, o_left, o_right = t["a_offices"]
    countries = t["a_country"]
    match = "is_published AND search_vector @@ to_tsquery('english', %(query)s)"
    if facets:
        match += f"""
            AND id IN (SELECT "{o_left}" FROM "{offices}" WHERE "{o_right}" = %(office)s)
            AND id IN (SELECT "{t_left}" FROM "{themes}" WHERE "{t_right}" = %(theme)s)"""
    titled = "search_title_vector @@ to_tsquery('english', %(any)s)"
    return f"""
        WITH capped AS MATERIALIZED (SELECT id, status FROM "{a}" WHERE {match} LIMIT 1001),
        titled AS (
            SELECT id, title FROM "{a}" WHERE {match} AND {titled}
            ORDER BY ts_rank(search_title_vector, to_tsquery('english', %(any)s)) DESC, title, id
            LIMIT {size}),
        others AS (
            SELECT id, title FROM "{a}" WHERE {match} AND NOT ({titled})
            ORDER BY title, id LIMIT {size})
        SELECT 'row', id::text, title FROM (
            SELECT * FROM titled UNION ALL SELECT * FROM others LIMIT {size}) page
        UNION ALL SELECT 'count', count(*)::text, '' FROM capped
        UNION ALL SELECT 'status', status, count(*)::text FROM capped GROUP BY status
        UNION ALL SELECT 'theme', x."{t_right}", count(*)::text FROM capped c
                  JOIN "{themes}" x ON x."{t_left}" = c.id GROUP BY x."{t_right}"
        UNION ALL SELECT 'office', x."{o_right}", count(*)::text FROM capped c
                  JOIN "{offices}" x ON x."{o_left}" = c.id GROUP BY x."{o_right}"
        UNION ALL SELECT 'country', x.country_id, count(*)::text FROM capped c
                  JOIN "{countries}" x ON x.activity_id = c.id GROUP BY x.country_id
    """


def deep_page_sql(t, size):
    """A page of the published activities in title order, its keys first (index-only)."""
    a = t["activity"]
    return f"""
        SELECT a.id, a.title, a.status, a.modality, a.lead_division_id FROM "{a}" a
        WHERE a.id IN (SELECT id FROM "{a}" WHERE is_published ORDER BY title, id
                       OFFSET %(offset)s LIMIT {size})
        ORDER BY a.title, a.id
    """


def division_queue_sql(t, order):
    """A division's 50 most urgent open requests, lead or supporting: the union of the two
    index-served sets, then the page's rows."""
    supporting, s_left, s_right = t["r_supporting"]
    return f"""
        SELECT r.*, c.name, d.name FROM "{t["request"]}" r
        JOIN "{t["country"]}" c ON c.code = r.country_id
        LEFT JOIN "{t["division"]}" d ON d.code = r.lead_division_id
        WHERE r.state = ANY(%(states)s) AND r.id IN (
            SELECT id FROM "{t["request"]}" WHERE lead_division_id = %(division)s
                AND state = ANY(%(states)s)
            UNION ALL SELECT "{s_left}" FROM "{supporting}" WHERE "{s_right}" = %(division)s)
        ORDER BY {order}
        LIMIT 50
    """


def request_search_sql(t, sql, words):
    """The coordinator's search: the newest 50 non-draft requests whose reference, title or
    description contains every word, and their number counted up to 1,001. The text is the
    trigram index's own expression, one ``LIKE`` per word, so that the raw SQL can use it."""
    r = t["request"]
    (text,) = sql.one(
        "SELECT pg_get_expr(indexprs, indrelid) FROM pg_index "
        "WHERE indexrelid = 'request_text_trigrams'::regclass"
    )
    likes = " AND ".join(f"{text} LIKE %(p{i})s" for i in range(len(words.split())))
    return f"""
        WITH found AS (
            SELECT id, reference, title, created_at FROM "{r}"
            WHERE state <> 'draft' AND {likes}
        )
        SELECT 'row', id, reference FROM (
            SELECT * FROM found ORDER BY created_at DESC, id DESC LIMIT 50) page
        UNION ALL SELECT 'count', count(*), '' FROM (SELECT 1 FROM found LIMIT 1001) capped
    """


def request_patterns(words: str) -> dict:
    return {f"p{i}": f"%{term.upper()}%" for i, term in enumerate(words.split())}


def matches_sql(t):
    """The shortlist of a request's matches: activities sharing its themes, types of support
    or region, added up per activity, best 200 (``registry.matching``)."""
    themes, t_left, t_right = t["a_themes"]
    support, s_left, s_right = t["a_support"]
    offices, o_left, o_right = t["a_offices"]
    r_themes, rt_left, rt_right = t["r_themes"]
    r_support, rs_left, rs_right = t["r_support"]
    return f"""
        SELECT a.id, p.score, a.title FROM (
            SELECT activity_id, sum(points) AS score FROM (
                SELECT "{t_left}" AS activity_id, 3 AS points FROM "{themes}"
                WHERE "{t_right}" IN (SELECT "{rt_right}" FROM "{r_themes}"
                                      WHERE "{rt_left}" = %(request)s)
                UNION ALL SELECT "{s_left}", 2 FROM "{support}"
                WHERE "{s_right}" IN (SELECT "{rs_right}" FROM "{r_support}"
                                      WHERE "{rs_left}" = %(request)s)
                UNION ALL SELECT "{o_left}", 2 FROM "{offices}" WHERE "{o_right}" = %(office)s
            ) shared GROUP BY activity_id
        ) p JOIN "{t["activity"]}" a ON a.id = p.activity_id
        WHERE a.is_published AND a.status <> 'cancelled'
        ORDER BY p.score DESC, a.title, a.id LIMIT 200
    """
