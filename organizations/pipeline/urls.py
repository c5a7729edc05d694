from django.urls import path

from organizations.pipeline import views

urlpatterns = [
    path("", views.pipeline_board, name="pipeline-board"),
    path("new/", views.application_new, name="application-new"),
    path("<int:pk>/", views.application_detail, name="application-detail"),
    path("<int:pk>/advance/", views.application_advance_view, name="application-advance"),
    path("<int:pk>/extend/", views.application_extend_view, name="application-extend"),
    path("<int:pk>/withdraw/", views.application_withdraw_view, name="application-withdraw"),
]
