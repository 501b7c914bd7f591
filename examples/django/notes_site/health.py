"""Liveness and readiness, answered before any other middleware (and before the host check: the
load balancer's checks use the task's IP address as the host)."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse


def health(_request):
    """Liveness: the process answers. Never touches the database."""
    return JsonResponse({"status": "ok"})


def ready(_request):
    """Readiness: the database answers and no migration is left to apply."""
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        reason = f"database unreachable: {type(error).__name__}"
        return JsonResponse({"status": "not ready", "reason": reason}, status=503)
    if plan:
        pending = [f"{m.app_label}.{m.name}" for m, backwards in plan if not backwards]
        return JsonResponse(
            {
                "status": "not ready",
                "reason": "unapplied migrations; run: python manage.py migrate",
                "pending": pending,
            },
            status=503,
        )
    return JsonResponse({"status": "ready"})


class HealthMiddleware:
    PATHS = {"/health": health, "/ready": ready}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.PATHS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
