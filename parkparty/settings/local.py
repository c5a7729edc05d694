"""`make run`: DEBUG on, SQLite under var/, eager tasks — unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403

# The demo parks and the bench: never in production (production.py builds on base.py alone).
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
