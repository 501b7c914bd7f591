"""The container health check: exits 0 when GET /health on PORT answers 200 within 2 s.

Python's standard library only: the slim image has no curl or wget. The Dockerfile's HEALTHCHECK
and the ECS task definition (slipway.config.ts `healthCheck`) both run it.
"""

import os
import sys
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health"
try:
    with urllib.request.urlopen(url, timeout=2) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception:
    sys.exit(1)
