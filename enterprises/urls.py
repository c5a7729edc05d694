from django.urls import path

from enterprises import manage_views, views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise-list"),
    path("new/", manage_views.enterprise_new, name="enterprise-new"),
    path("export/", views.enterprise_export, name="enterprise-export"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("<int:pk>/edit/", manage_views.enterprise_edit, name="enterprise-edit"),
    path("<int:pk>/leave/", manage_views.enterprise_leave, name="enterprise-leave"),
    # Attaching to an enterprise that is covered already moves it (coverage_start ends the current one).
    path("<int:pk>/coverages/new/", manage_views.coverage_new, name="coverage-new"),
    path("coverages/new/", manage_views.coverage_attach, name="coverage-attach"),
    path("coverages/<int:pk>/end/", manage_views.coverage_end, name="coverage-end"),
    path("instructors/", manage_views.instructor_list, name="instructor-list"),
    path("instructors/new/", manage_views.instructor_new, name="instructor-new"),
    path("instructors/<int:pk>/", manage_views.instructor_detail, name="instructor-detail"),
    path("instructors/<int:pk>/edit/", manage_views.instructor_edit, name="instructor-edit"),
    path("instructors/<int:pk>/assignments/new/", manage_views.assignment_new, name="assignment-new"),
    path("assignments/<int:pk>/end/", manage_views.assignment_end, name="assignment-end"),
]
