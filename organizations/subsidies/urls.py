from django.urls import path

from organizations.subsidies import setup_views, views

urlpatterns = [
    path("", views.subsidy_list, name="subsidy-list"),
    path("export/", views.subsidy_export, name="subsidy-export"),
    path("new/", views.subsidy_new, name="subsidy-new"),
    path("allowances/", views.allowances_propose_view, name="subsidy-allowances"),
    path("rules/", setup_views.rule_list, name="subsidy-rules"),
    path("rules/new/", setup_views.rule_new, name="subsidy-rule-new"),
    path("rules/<int:pk>/edit/", setup_views.rule_edit, name="subsidy-rule-edit"),
    path("<int:pk>/", views.subsidy_detail, name="subsidy-detail"),
    path("<int:pk>/approve/", views.subsidy_action, {"action": "approve"}, name="subsidy-approve"),
    path("<int:pk>/pay/", views.subsidy_action, {"action": "pay"}, name="subsidy-pay"),
    path("<int:pk>/cancel/", views.subsidy_action, {"action": "cancel"}, name="subsidy-cancel"),
    path("<int:pk>/reverse/", views.subsidy_action, {"action": "reverse"}, name="subsidy-reverse"),
]
