"""Meetings, matters and the joint bodies in /api/v1/."""

from django.urls import path

from meetings import api

routes = [
    ("meetings", api.MeetingViewSet, "meeting"),
    ("meeting-rules", api.MeetingRuleViewSet, "meeting-rule"),
    ("joint-bodies", api.JointBodyViewSet, "joint-body"),
    ("matters", api.MatterViewSet, "matter"),
    ("required-meetings", api.RequiredMeetingViewSet, "required-meeting"),
]

urlpatterns = [
    path("stats/meetings/", api.MeetingStatsView.as_view(), name="stats-meetings"),
    path("stats/matters/", api.MatterStatsView.as_view(), name="stats-matters"),
]
