"""The notes resource against PostgreSQL.

- POST creates a note (201, Location, the stored fields); GET by id returns it.
- GET /notes lists in creation order, paginated by limit and offset.
- Invalid input answers 400 (not JSON) or 422 (invalid note, bad limit) with a JSON `detail`.
- An unknown id answers 404 with a JSON `detail`; DELETE answers 204 once; other methods 405.
"""

import pytest

pytestmark = pytest.mark.django_db


def post(client, payload):
    return client.post("/notes", payload, content_type="application/json")


def test_creates_and_reads_a_note(client):
    created = post(client, {"title": " Ship it ", "body": "on Friday"})
    assert created.status_code == 201
    note = created.json()
    assert (note["title"], note["body"]) == ("Ship it", "on Friday")
    assert created["Location"] == f"http://testserver/notes/{note['id']}"
    fetched = client.get(f"/notes/{note['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == note


def test_lists_notes_in_creation_order_with_pagination(client):
    for title in ["one", "two", "three"]:
        assert post(client, {"title": title}).status_code == 201
    page = client.get("/notes", {"limit": 2, "offset": 1}).json()
    assert [n["title"] for n in page["items"]] == ["two", "three"]
    assert (page["limit"], page["offset"]) == (2, 1)


@pytest.mark.parametrize(
    "payload, detail",
    [
        ({}, "title: required, a non-blank string"),
        ({"title": "   "}, "title: required, a non-blank string"),
        ({"title": "x" * 201}, "title: at most 200 characters"),
        ({"title": "ok", "body": 3}, "body: must be a string"),
        ({"title": "ok", "body": "x" * 10_001}, "body: at most 10000 characters"),
        (["a list"], "expected a JSON object with a title"),
    ],
)
def test_rejects_invalid_notes(client, payload, detail):
    response = post(client, payload)
    assert response.status_code == 422
    assert response.json() == {"detail": detail}
    assert client.get("/notes").json()["items"] == []


def test_rejects_a_body_that_is_not_json(client):
    response = client.post("/notes", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "the body is not valid JSON"}


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "ten"}])
def test_rejects_a_page_out_of_range(client, query):
    assert client.get("/notes", query).status_code == 422


def test_unknown_note_is_404(client):
    response = client.get("/notes/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "note 999 not found"}
    assert client.delete("/notes/999").status_code == 404


def test_deletes_a_note_once(client):
    note_id = post(client, {"title": "temporary"}).json()["id"]
    assert client.delete(f"/notes/{note_id}").status_code == 204
    assert client.get(f"/notes/{note_id}").status_code == 404
    assert client.delete(f"/notes/{note_id}").status_code == 404


def test_other_methods_are_405(client):
    assert client.put("/notes").status_code == 405
    note_id = post(client, {"title": "x"}).json()["id"]
    assert client.patch(f"/notes/{note_id}").json()["detail"] == "method PATCH not allowed; use GET or DELETE"
