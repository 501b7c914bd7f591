"""Test fixtures: a scratch PostgreSQL database for the session, migrated to head.

The server is the one the repository's tests use: 127.0.0.1:5432 as `postgres` without a password,
or TEST_DATABASE_URL (postgres://user:password@host:port/db) when set. The scratch database gets a
unique name, is created before the first test and dropped after the last.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import unquote, urlsplit

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import db
from app.main import create_app
from app.settings import Settings


def server_env() -> dict[str, str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return {"DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_USER": "postgres", "DB_PASSWORD": ""}
    parts = urlsplit(url)
    return {
        "DB_HOST": parts.hostname or "127.0.0.1",
        "DB_PORT": str(parts.port or 5432),
        "DB_USER": unquote(parts.username or "postgres"),
        "DB_PASSWORD": unquote(parts.password or ""),
    }


@pytest.fixture(scope="session")
def settings() -> Settings:
    name = f"slipway_fastapi_{uuid.uuid4().hex[:12]}"
    env = {**server_env(), "DB_NAME": name, "DB_SSL": "disable"}
    settings = Settings.from_env(env)
    admin = db.make_engine(settings, database="postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    # migrations/env.py reads the same variables as the service.
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        migrate("head")
        yield settings
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(revision: str) -> None:
    """`alembic upgrade <revision>` (or downgrade, for `base`), as the deploy's migrate task runs it."""
    config = db.alembic_config()
    config.attributes["configure_logger"] = False
    if revision == "base":
        command.downgrade(config, "base")
    else:
        command.upgrade(config, revision)


@pytest.fixture
def client(settings: Settings):
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def clean(settings: Settings):
    """Empties the notes table before the test."""
    engine = db.make_engine(settings)
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE notes RESTART IDENTITY"))
    engine.dispose()
