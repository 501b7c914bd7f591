"""Liveness and readiness.

- /health answers 200 without touching the database, whatever the Host header.
- /ready answers 200 when the database answers and every migration is applied.
- /ready answers 503 listing the pending migrations when the schema is behind, 200 after migrate.
- /ready answers 503 when the database does not answer.
"""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings


@override_settings(ALLOWED_HOSTS=["notes.example.com"])
def test_health_needs_no_database_and_accepts_the_load_balancers_host(client):
    # No django_db mark: pytest-django fails any database access in this test.
    response = client.get("/health", HTTP_HOST="10.0.1.23:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_every_migration_is_applied(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.mark.django_db(transaction=True)
def test_not_ready_until_migrate_has_run(client):
    call_command("migrate", "notes", "zero", verbosity=0)
    try:
        behind = client.get("/ready")
        assert behind.status_code == 503
        assert behind.json()["reason"] == "unapplied migrations; run: python manage.py migrate"
        assert behind.json()["pending"] == ["notes.0001_initial"]
    finally:
        call_command("migrate", verbosity=0)
    assert client.get("/ready").status_code == 200


def test_not_ready_when_the_database_does_not_answer(client):
    refused = OperationalError("connection refused")
    with mock.patch("notes_site.health.connection.ensure_connection", side_effect=refused):
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "reason": "database unreachable: OperationalError"}
