"""The notes resource as JSON views (plain Django, no REST framework).

A JSON API without cookies or sessions: no CSRF middleware (there is no ambient credential to
forge a request with).
"""

import json

from django.http import HttpResponse, JsonResponse
from django.urls import reverse

from .models import Note
from .validation import InvalidNote, clean_note


def error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def notes(request):
    if request.method == "GET":
        return list_notes(request)
    if request.method == "POST":
        return create_note(request)
    return error(405, f"method {request.method} not allowed; use GET or POST")


def list_notes(request):
    try:
        limit = int(request.GET.get("limit", "50"))
        offset = int(request.GET.get("offset", "0"))
    except ValueError:
        return error(422, "limit and offset: must be integers")
    if not 1 <= limit <= 100 or offset < 0:
        return error(422, "limit: 1 to 100; offset: 0 or more")
    items = [n.to_json() for n in Note.objects.all()[offset : offset + limit]]
    return JsonResponse({"items": items, "limit": limit, "offset": offset})


def create_note(request):
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        return error(400, "the body is not valid JSON")
    try:
        title, body = clean_note(data)
    except InvalidNote as invalid:
        return error(422, str(invalid))
    note = Note.objects.create(title=title, body=body)
    response = JsonResponse(note.to_json(), status=201)
    response["Location"] = request.build_absolute_uri(reverse("note", args=[note.id]))
    return response


def note(request, note_id: int):
    found = Note.objects.filter(id=note_id).first()
    if found is None:
        return error(404, f"note {note_id} not found")
    if request.method == "GET":
        return JsonResponse(found.to_json())
    if request.method == "DELETE":
        found.delete()
        return HttpResponse(status=204)
    return error(405, f"method {request.method} not allowed; use GET or DELETE")
