"""The HTTP service: liveness, readiness, and the notes resource."""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from . import db
from .models import BODY_MAX, TITLE_MAX, Note
from .settings import Settings


class NoteIn(BaseModel):
    # Constraints both Pydantic 1 (Debian's FastAPI) and Pydantic 2 (the image's) understand.
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    body: str = Field("", max_length=BODY_MAX)


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = db.make_engine(settings)
    sessions = db.make_sessionmaker(engine)
    # Read once: the scripts are part of the image and do not change while it runs.
    expected_heads = db.script_heads()

    app = FastAPI(title="slipway-fastapi-example")
    app.state.engine = engine

    def session():
        yield from db.session_scope(sessions)

    @app.get("/health")
    def health() -> dict:
        """Liveness: the process answers. Never touches the database, so a database outage does
        not get healthy tasks replaced."""
        return {"status": "ok"}

    @app.get("/ready")
    def ready() -> JSONResponse:
        """Readiness: the database answers and its schema is at the migrations' head."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            current = db.database_heads(engine)
        except SQLAlchemyError as error:
            reason = f"database unreachable: {type(getattr(error, 'orig', None) or error).__name__}"
            return JSONResponse({"status": "not ready", "reason": reason}, status_code=503)
        if current != expected_heads:
            return JSONResponse(
                {
                    "status": "not ready",
                    "reason": "migrations not at head; run: alembic upgrade head",
                    "database": sorted(current),
                    "expected": sorted(expected_heads),
                },
                status_code=503,
            )
        return JSONResponse({"status": "ready", "revision": sorted(current)})

    @app.post("/notes", status_code=201)
    def create_note(note: NoteIn, request: Request, response: Response, s: Session = Depends(session)):
        if not note.title.strip():
            raise HTTPException(status_code=422, detail="title: must not be blank")
        row = Note(title=note.title.strip(), body=note.body)
        s.add(row)
        s.commit()
        s.refresh(row)
        response.headers["Location"] = str(request.url_for("get_note", note_id=row.id))
        return row.to_json()

    @app.get("/notes")
    def list_notes(
        limit: int = Query(50, ge=1, le=100),
        offset: int = Query(0, ge=0),
        s: Session = Depends(session),
    ) -> dict:
        rows = s.execute(select(Note).order_by(Note.id).limit(limit).offset(offset)).scalars()
        return {"items": [row.to_json() for row in rows], "limit": limit, "offset": offset}

    @app.get("/notes/{note_id}", name="get_note")
    def get_note(note_id: int, s: Session = Depends(session)) -> dict:
        return _find(s, note_id).to_json()

    @app.delete("/notes/{note_id}", status_code=204)
    def delete_note(note_id: int, s: Session = Depends(session)) -> Response:
        s.delete(_find(s, note_id))
        s.commit()
        return Response(status_code=204)

    return app


def _find(s: Session, note_id: int) -> Note:
    row = s.get(Note, note_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"note {note_id} not found")
    return row
