"""The notes resource against PostgreSQL.

- POST creates a note (201, Location, the stored fields); GET by id returns it.
- GET /notes lists in creation order, paginated by limit and offset.
- Invalid input answers 422 with a JSON `detail`: missing, blank or too long title, bad limit.
- An unknown id answers 404 with a JSON `detail` on GET and DELETE; DELETE answers 204 once.
"""

import pytest

pytestmark = pytest.mark.usefixtures("clean")


def test_creates_and_reads_a_note(client):
    created = client.post("/notes", json={"title": " Ship it ", "body": "on Friday"})
    assert created.status_code == 201
    note = created.json()
    assert note["title"] == "Ship it"
    assert note["body"] == "on Friday"
    assert created.headers["location"].endswith(f"/notes/{note['id']}")
    fetched = client.get(f"/notes/{note['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == note


def test_lists_notes_in_creation_order_with_pagination(client):
    for title in ["one", "two", "three"]:
        assert client.post("/notes", json={"title": title}).status_code == 201
    page = client.get("/notes", params={"limit": 2, "offset": 1}).json()
    assert [n["title"] for n in page["items"]] == ["two", "three"]
    assert (page["limit"], page["offset"]) == (2, 1)
    assert [n["body"] for n in client.get("/notes").json()["items"]] == ["", "", ""]


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"title": "ok", "body": "x" * 10_001}],
    ids=["missing title", "empty title", "blank title", "title too long", "body too long"],
)
def test_rejects_invalid_notes(client, payload):
    response = client.post("/notes", json=payload)
    assert response.status_code == 422
    assert "detail" in response.json()
    assert client.get("/notes").json()["items"] == []


def test_rejects_a_limit_out_of_range(client):
    assert client.get("/notes", params={"limit": 0}).status_code == 422
    assert client.get("/notes", params={"limit": 101}).status_code == 422


def test_unknown_note_is_404(client):
    response = client.get("/notes/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "note 999 not found"}
    assert client.delete("/notes/999").status_code == 404


def test_deletes_a_note_once(client):
    note_id = client.post("/notes", json={"title": "temporary"}).json()["id"]
    assert client.delete(f"/notes/{note_id}").status_code == 204
    assert client.get(f"/notes/{note_id}").status_code == 404
    assert client.delete(f"/notes/{note_id}").status_code == 404
