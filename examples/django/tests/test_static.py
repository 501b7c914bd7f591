"""Static files: `collectstatic` (run at image build) writes hashed copies and a manifest, and
WhiteNoise serves them from the app with a long cache lifetime for hashed names."""

import json

from django.core.management import call_command
from django.test import Client, override_settings


def test_collected_static_files_are_served_by_whitenoise(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", verbosity=0)
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())
        hashed = manifest["paths"]["site.css"]
        assert hashed != "site.css"
        # A new client loads the middleware, so WhiteNoise scans the STATIC_ROOT above.
        response = Client().get(f"/static/{hashed}")
        assert response.status_code == 200
        assert b"system-ui" in b"".join(response.streaming_content)
        assert "immutable" in response["Cache-Control"]
