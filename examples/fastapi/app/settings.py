"""Settings from the environment: the variables Slipway's task definitions give a service."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

SSL_MODES = ("disable", "require")


class SettingsError(ValueError):
    """A variable with a value the service cannot use; the message names it and what is allowed."""


@dataclass(frozen=True)
class Settings:
    db_host: str
    db_port: int
    db_name: str
    db_user: str
    db_password: str
    db_ssl: str
    port: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Reads DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, DB_SSL and PORT.

        The defaults suit a local PostgreSQL (`postgres` on 127.0.0.1:5432, no TLS); on ECS Slipway
        sets every DB_* variable from the database's secret, with DB_SSL=require.
        """
        env = os.environ if env is None else env
        ssl = env.get("DB_SSL", "disable")
        if ssl not in SSL_MODES:
            raise SettingsError(f'DB_SSL: got "{ssl}"; expected one of {", ".join(SSL_MODES)}')
        return cls(
            db_host=env.get("DB_HOST", "127.0.0.1"),
            db_port=_port(env, "DB_PORT", 5432),
            db_name=env.get("DB_NAME", "app"),
            db_user=env.get("DB_USER", "postgres"),
            db_password=env.get("DB_PASSWORD", ""),
            db_ssl=ssl,
            port=_port(env, "PORT", 8000),
        )


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(f'{name}: got "{raw}"; expected a port number from 1 to 65535')
    return int(raw)
