"""The SQLAlchemy engine, sessions and the migration state (Alembic's revision against the scripts)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import sqlalchemy
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session, sessionmaker

from .settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def driver() -> str:
    """The DBAPI driver: psycopg 3 on SQLAlchemy 2 (the image), psycopg2 on SQLAlchemy 1.4, which
    has no psycopg 3 dialect (Debian 12's packages)."""
    return "psycopg" if int(sqlalchemy.__version__.split(".")[0]) >= 2 else "psycopg2"


def database_url(settings: Settings, database: str | None = None) -> URL:
    return URL.create(
        f"postgresql+{driver()}",
        username=settings.db_user,
        password=settings.db_password or None,
        host=settings.db_host,
        port=settings.db_port,
        database=database or settings.db_name,
    )


def make_engine(settings: Settings, database: str | None = None) -> Engine:
    # `future=True` gives SQLAlchemy 1.4 the 2.0 API (and is accepted, and ignored, by 2.0).
    return create_engine(
        database_url(settings, database),
        future=True,
        pool_pre_ping=True,
        connect_args={"sslmode": settings.db_ssl, "connect_timeout": 5},
    )


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def session_scope(factory: sessionmaker) -> Iterator[Session]:
    with factory() as session:
        yield session


def alembic_config() -> Config:
    """alembic.ini beside this package, wherever the process was started from."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def script_heads() -> set[str]:
    """The newest revisions in migrations/versions (what `alembic upgrade head` would reach)."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def database_heads(engine: Engine) -> set[str]:
    """The revisions the database is at (empty before the first migration)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())
