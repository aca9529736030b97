"""The full stack's files say what the README promises (no Docker engine runs here)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_runs_database_broker_web_worker_and_beat_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    environment = services["web"]["environment"]
    assert environment["DEBUG"] == "0"
    assert environment["REDIS_URL"].startswith("redis://redis")
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])


def test_readme_gives_the_two_commands_and_ci_calls_the_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "sh scripts/serve" in readme
    assert "sh scripts/test" in readme
    assert "docker compose up" in readme
    assert "sh scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_every_service_restarts_and_an_object_store_comes_as_a_profile():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert all(service.get("restart") for service in services.values()), services.keys()
    assert services["minio"]["profiles"] == ["minio"]
    assert services["minio-bucket"]["profiles"] == ["minio"]
    environment = services["web"]["environment"]
    assert environment["MEDIA_STORAGE"] == "${MEDIA_STORAGE:-local}"
    assert {"S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"} <= set(
        environment
    )
