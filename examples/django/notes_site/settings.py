"""Settings from the environment: the DB_* variables and PORT Slipway's task definitions set, plus
DJANGO_SECRET_KEY (an ECS secret), DJANGO_DEBUG and DJANGO_ALLOWED_HOSTS."""

import os
from pathlib import Path

import django
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() == "true"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY: not set; give the service a secret (slipway.config.ts `secrets`), "
            "or set DJANGO_DEBUG=true for local use"
        )
    SECRET_KEY = "insecure-local-only"

# The load balancer's health checks reach /health and /ready before the host check (HealthMiddleware
# answers them first), so a strict list here does not fail them. Set it to your domain.
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "*").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "notes",
]

MIDDLEWARE = [
    "notes_site.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files from the image, compressed and with far-future cache headers.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "notes_site.urls"
WSGI_APPLICATION = "notes_site.wsgi.application"

DB_SSL = os.environ.get("DB_SSL", "disable")
if DB_SSL not in ("disable", "require"):
    raise ImproperlyConfigured(f'DB_SSL: got "{DB_SSL}"; expected one of disable, require')

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DB_PORT", "5432"),
        "NAME": os.environ.get("DB_NAME", "app"),
        "USER": os.environ.get("DB_USER", "postgres"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "OPTIONS": {"sslmode": DB_SSL, "connect_timeout": 5},
        # Keep connections between requests; checked before reuse (health checks run every 10 s).
        "CONN_MAX_AGE": 60,
    }
}
if django.VERSION >= (4, 1):
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
if django.VERSION >= (4, 2):
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": _STATIC_STORAGE},
    }
else:
    STATICFILES_STORAGE = _STATIC_STORAGE

# The worker's queue (a `worker` service gets QUEUE_URL from Slipway).
QUEUE_URL = os.environ.get("QUEUE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
}
