"""`make run`: DEBUG on, SQLite under var/, eager tasks — unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403
