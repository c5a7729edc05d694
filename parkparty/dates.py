"""Dates at a time of day in the park's time zone (Asia/Shanghai, settings.TIME_ZONE)."""

from datetime import date, datetime, time

from django.utils import timezone


def local_datetime(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())
