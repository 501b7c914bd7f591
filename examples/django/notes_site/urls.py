from django.urls import path

from notes import views

# /health and /ready are answered by notes_site.health.HealthMiddleware, before the host check.
urlpatterns = [
    path("notes", views.notes, name="notes"),
    path("notes/<int:note_id>", views.note, name="note"),
]
