"""Reports in /api/v1/."""

from reports import api

routes = [
    ("reports", api.ReportViewSet, "report"),
]

urlpatterns = []
