from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("downloads/", views.downloads, name="downloads"),
    # Stable, bookmarkable: /reports/444/2022/summary.pdf, /reports/444/2020-2022/summary.xlsx
    re_path(
        r"^(?P<code>[0-9A-Za-z]{1,20})/(?P<span>[0-9]{4}(?:-[0-9]{4})?)/summary\.(?P<fmt>pdf|xlsx)$",
        views.summary_download,
        name="summary",
    ),
]
