from django.urls import path

from meetings import setup_views, views

urlpatterns = [
    path("new/", views.meeting_log, name="meeting-log"),
    path("export/", views.meeting_export, name="meeting-export"),
    path("calendar/", views.meeting_calendar, name="meeting-calendar"),
    path("compliance/", views.meeting_compliance, name="meeting-compliance"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/confirm/", views.meeting_confirm_view, name="meeting-confirm"),
    path("attachments/<int:pk>/", views.meeting_attachment, name="meeting-attachment"),
    path("joint-bodies/", views.joint_body_list, name="joint-body-list"),
    path("joint-bodies/<int:pk>/", views.joint_body_detail, name="joint-body-detail"),
    path("joint-bodies/<int:pk>/schedule/", views.joint_body_schedule, name="joint-body-schedule"),
    path("matters/", views.matter_board, name="matter-board"),
    path("matters/export/", views.matter_export, name="matter-export"),
    path("matters/new/", views.matter_new, name="matter-new"),
    path("matters/<int:pk>/status/", views.matter_status, name="matter-status"),
    path("rules/", setup_views.rule_list, name="meeting-rules"),
    path("rules/new/", setup_views.rule_new, name="meeting-rule-new"),
    path("rules/<int:pk>/edit/", setup_views.rule_edit, name="meeting-rule-edit"),
    path("rules/defaults/", setup_views.rules_defaults, name="meeting-rules-defaults"),
]
