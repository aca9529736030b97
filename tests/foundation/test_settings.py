"""The settings parse the environment strictly, and production passes Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bali_portal.env import ImproperSetting, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x" * 40,
    "ALLOWED_HOSTS": "portal.example.org",
}


def manage(*args, **env):
    # Only what the test sets: nothing from the test process (e.g. the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE) may leak into the portal being checked.
    inherited = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "DATABASE_URL",
                 "DJANGO_ALLOW_ASYNC_UNSAFE"}  # fmt: skip
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("NO", False),
        ("off", False),
    ],
)
def test_booleans_parse_the_usual_spellings(raw, expected):
    assert env_bool("DEBUG", not expected, {"DEBUG": raw}) is expected


def test_a_malformed_boolean_is_an_error_not_a_default():
    with pytest.raises(ImproperSetting, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_integers_and_lists():
    assert env_int("PORT", 5, {}) == 5
    assert env_int("PORT", 5, {"PORT": "8000"}) == 8000
    with pytest.raises(ImproperSetting):
        env_int("PORT", 5, {"PORT": "eighty"})
    assert env_list("HOSTS", [], {"HOSTS": "a.org, b.org,"}) == ["a.org", "b.org"]


def test_start_up_fails_on_a_malformed_setting():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_deploy_check_catches_a_weakened_production():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SESSION_COOKIE_SECURE="0"
    )
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr + result.stdout


def print_settings(*names, **env):
    code = (
        "from django.conf import settings; print("
        + ", ".join(f"repr(settings.{name})" for name in names)
        + ", sep='|')"
    )
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split("|")


def test_embedded_default_is_sqlite_eager_tasks_and_console_mail():
    engine, eager, email = print_settings(
        "DATABASES['default']['ENGINE']", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_BACKEND"
    )
    assert "sqlite3" in engine
    assert eager == "True"
    assert "console" in email


def test_redis_url_gives_a_real_broker_and_no_result_backend():
    broker, backend, eager, health_checks = print_settings(
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "CELERY_TASK_ALWAYS_EAGER",
        "DATABASES['default']['CONN_HEALTH_CHECKS']",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/bali",
    )
    assert broker == "'redis://127.0.0.1:6379/3'"
    # Nothing reads task results; a result backend only made publishing wait for Redis.
    assert backend == "None"
    assert eager == "False"
    # A kept connection the server closed is replaced before a request uses it.
    assert health_checks == "True"


def test_database_url_selects_postgresql():
    engine, name = print_settings(
        "DATABASES['default']['ENGINE']",
        "DATABASES['default']['NAME']",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/bali",
    )
    assert "postgresql" in engine
    assert name == "'bali'"


def test_media_storage_is_the_local_folder_by_default_and_an_s3_bucket_when_asked():
    (local,) = print_settings("STORAGES['default']['BACKEND']")
    assert local == "'django.core.files.storage.FileSystemStorage'"
    backend, bucket, endpoint, style = print_settings(
        "STORAGES['default']['BACKEND']",
        "STORAGES['default']['OPTIONS']['bucket_name']",
        "STORAGES['default']['OPTIONS']['endpoint_url']",
        "STORAGES['default']['OPTIONS']['addressing_style']",
        MEDIA_STORAGE="s3",
        S3_BUCKET="bali-media",
        S3_ENDPOINT_URL="http://minio:9000",
    )
    assert backend == "'storages.backends.s3.S3Storage'"
    assert (bucket, endpoint, style) == ("'bali-media'", "'http://minio:9000'", "'path'")


@pytest.mark.parametrize(
    "env,message",
    [
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs S3_BUCKET"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE='ftp': use local or s3"),
    ],
)
def test_a_media_storage_that_cannot_work_stops_the_portal_at_start(env, message):
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr
