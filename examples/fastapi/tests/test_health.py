"""Liveness and readiness.

- /health answers 200 whatever the database's state, even with no database server.
- /ready answers 200 with the revision when the database is at the migrations' head.
- /ready answers 503 naming the migrate command when the database is behind, and 200 again after.
- /ready answers 503 when the database server does not answer.
"""

from dataclasses import replace

from fastapi.testclient import TestClient

from app.main import create_app

from .conftest import migrate


def test_health_answers_without_touching_the_database(settings):
    app = create_app(replace(settings, db_port=1))
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_the_schema_is_at_head(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "revision": ["0001"]}


def test_not_ready_until_migrations_reach_head(client):
    migrate("base")
    try:
        behind = client.get("/ready")
        assert behind.status_code == 503
        assert behind.json()["reason"] == "migrations not at head; run: alembic upgrade head"
        assert behind.json()["database"] == []
        assert behind.json()["expected"] == ["0001"]
    finally:
        migrate("head")
    assert client.get("/ready").status_code == 200


def test_not_ready_when_the_database_does_not_answer(settings):
    app = create_app(replace(settings, db_port=1))
    with TestClient(app) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert response.json()["reason"].startswith("database unreachable: ")
