from django.urls import path

from parkparty.imports import views

urlpatterns = [
    path("", views.import_start, name="import-start"),
    path("templates/<slug:kind>.xlsx", views.import_template, name="import-template-file"),
    path("<int:pk>/", views.import_batch, name="import-batch"),
    path("<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
]
