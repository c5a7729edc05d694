from django.urls import path

from parkparty.health import healthz

urlpatterns = [path("healthz", healthz, name="healthz")]
