"""Strict parsing of settings from the environment.

A malformed value is an error at start-up: a typo such as ``DEBUG=ture`` must never
silently become ``False`` (or worse, ``True``) on a government portal.
"""

import os


class ImproperSetting(Exception):
    """An environment variable is present but cannot be understood."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, environ=None) -> str | None:
    environ = os.environ if environ is None else environ
    return environ.get(name, default)


def env_bool(name: str, default: bool, environ=None) -> bool:
    raw = env_str(name, None, environ)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperSetting(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, environ=None) -> int:
    raw = env_str(name, None, environ)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperSetting(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str], environ=None) -> list[str]:
    raw = env_str(name, None, environ)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
