from django.urls import path

from . import recognition_views, report_views, views

app_name = "registry"

urlpatterns = [
    path("my-union/", views.my_unit, name="my-unit"),
    path("models/new/", views.model_create, name="model-create"),
    path("models/<int:pk>/", views.model_detail, name="model-detail"),
    path("models/<int:pk>/edit/", views.model_edit, name="model-edit"),
    path("models/<int:pk>/steps/", views.model_steps, name="model-steps"),
    path("models/<int:model_pk>/register/", views.registration_create, name="registration-create"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration-detail"),
    path("registrations/<int:pk>/edit/", views.registration_edit, name="registration-edit"),
    path("registrations/<int:pk>/plan/", views.registration_plan, name="registration-plan"),
    path(
        "registrations/<int:pk>/plan/remove/",
        views.registration_plan_remove,
        name="registration-plan-remove",
    ),
    path(
        "registrations/<int:pk>/carry-over/",
        views.registration_carry_over,
        name="registration-carry-over",
    ),
    path(
        "registrations/<int:pk>/<str:action>/",
        views.registration_action,
        name="registration-action",
    ),
    path(
        "registrations/<int:registration_pk>/reports/new/",
        report_views.report_create,
        name="report-create",
    ),
    path("reports/", report_views.report_queue, name="report-queue"),
    path("reports/<int:pk>/", report_views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit, name="report-edit"),
    path("reports/<int:pk>/evidence/", report_views.evidence_add, name="report-evidence-add"),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/",
        report_views.evidence_file,
        name="report-evidence-file",
    ),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/delete/",
        report_views.evidence_delete,
        name="report-evidence-delete",
    ),
    path("reports/<int:pk>/<str:action>/", report_views.report_action, name="report-action"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/approve/", views.review_bulk_approve, name="review-bulk-approve"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/remind/", views.completeness_remind, name="completeness-remind"),
    path("recognition/", recognition_views.recognition_queue, name="recognition-queue"),
    path(
        "recognition/models/<int:pk>/",
        recognition_views.recognition_decide,
        name="recognition-decide",
    ),
    path("recognitions/<int:pk>/", recognition_views.recognition_detail, name="recognition-detail"),
    path(
        "recognitions/<int:pk>/<str:action>/",
        recognition_views.recognition_action,
        name="recognition-action",
    ),
    path(
        "models/<int:pk>/commendations/new/",
        recognition_views.commendation_create,
        name="commendation-create",
    ),
]
