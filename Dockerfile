# The Bali portal: one image for the web app (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango; CJK fonts print the Chinese report; gettext compiles translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-noto-cjk fonts-noto-core gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bali_portal ./bali_portal
COPY registry ./registry
COPY requests_app ./requests_app
COPY reporting ./reporting
RUN pip install .
COPY . .

# Static files are collected at build time and served by WhiteNoise (compressed, hashed).
RUN DEBUG=0 SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
 && python manage.py compilemessages --ignore=.venv >/dev/null

RUN useradd --create-home --uid 10001 portal && mkdir -p /app/media && chown portal /app/media
USER portal

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# gunicorn's rule, 2 x cores + 1, for the 2 cores the portal is sized for (bench/README.md): a
# sync worker waits on PostgreSQL's commit, and the fifth keeps both cores busy meanwhile.
# Set WEB_CONCURRENCY for another machine.
ENV WEB_CONCURRENCY=5
CMD ["gunicorn", "bali_portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--timeout", "60"]
