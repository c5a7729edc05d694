"""The test suite: DATABASE_URL and REDIS_URL pick the real services when CI provides them."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; tests serve static files straight from the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
AXES_ENABLED = True
# Unit tests run tasks in-process even when REDIS_URL points at a real Redis; the worker
# integration tests start a real worker and switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
# django-axes logs every login at INFO; the suite logs in hundreds of times.
LOGGING = {"version": 1, "disable_existing_loggers": False, "loggers": {"axes": {"level": "WARNING"}}}
