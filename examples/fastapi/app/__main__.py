"""`python -m app`: serves the app with uvicorn on PORT (all interfaces), as the image's CMD."""

import uvicorn

from .settings import Settings

if __name__ == "__main__":
    settings = Settings.from_env()
    # Behind the load balancer: trust its X-Forwarded-* headers (the task is reachable only from it).
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host="0.0.0.0",
        port=settings.port,
        proxy_headers=True,
        forwarded_allow_ips="*",
    )
