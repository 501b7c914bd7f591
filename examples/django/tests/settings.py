"""The tests' settings: the service's, with a scratch database on the repository's test server.

The server is 127.0.0.1:5432 as `postgres` without a password, or TEST_DATABASE_URL
(postgres://user:password@host:port/db). pytest-django creates `test_<DB_NAME>` before the first
test and drops it after the last; the name is unique per run so parallel runs never collide.
"""

import os
import uuid
from urllib.parse import unquote, urlsplit

_url = urlsplit(os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
os.environ.update(
    {
        "DB_HOST": _url.hostname or "127.0.0.1",
        "DB_PORT": str(_url.port or 5432),
        "DB_USER": unquote(_url.username or "postgres"),
        "DB_PASSWORD": unquote(_url.password or ""),
        "DB_NAME": f"slipway_django_{uuid.uuid4().hex[:12]}",
        "DB_SSL": "disable",
        "DJANGO_SECRET_KEY": "test-only",
        "QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/111111111111/notes-worker",
    }
)

from notes_site.settings import *  # noqa: E402,F403
