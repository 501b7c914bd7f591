"""What a note must look like, for the HTTP API and the queue alike."""

from .models import BODY_MAX, TITLE_MAX


class InvalidNote(ValueError):
    """The message says which field is wrong and why."""


def clean_note(data: object) -> tuple[str, str]:
    """The (title, body) of a note from decoded JSON, or InvalidNote."""
    if not isinstance(data, dict):
        raise InvalidNote("expected a JSON object with a title")
    title, body = data.get("title"), data.get("body", "")
    if not isinstance(title, str) or not title.strip():
        raise InvalidNote("title: required, a non-blank string")
    if len(title.strip()) > TITLE_MAX:
        raise InvalidNote(f"title: at most {TITLE_MAX} characters")
    if not isinstance(body, str):
        raise InvalidNote("body: must be a string")
    if len(body) > BODY_MAX:
        raise InvalidNote(f"body: at most {BODY_MAX} characters")
    return title.strip(), body
