"""The library of good models, at /library/ (a stable address other tools rely on)."""

from django.urls import path

from . import recognition_views

app_name = "library"

urlpatterns = [
    path("", recognition_views.library, name="index"),
    path("<int:pk>/", recognition_views.library_detail, name="detail"),
    path("<int:pk>/files/<int:evidence_pk>/", recognition_views.library_file, name="file"),
    path("<int:pk>/replicate/", recognition_views.library_replicate, name="replicate"),
]
