"""gunicorn's settings for the image's CMD (`gunicorn notes_site.wsgi`)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Two sync workers per task suit 0.25-1 vCPU; WEB_CONCURRENCY overrides.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# In-flight requests get SHUTDOWN_TIMEOUT_MS (Slipway's drain budget, 10 s by default) after SIGTERM.
graceful_timeout = int(os.environ.get("SHUTDOWN_TIMEOUT_MS", "10000")) // 1000
# Worker heartbeat files: /tmp is the task's one writable place (its root filesystem is read-only).
worker_tmp_dir = "/tmp"
accesslog = "-"
# Trust X-Forwarded-* from the load balancer (the task is reachable only from it).
forwarded_allow_ips = "*"
