from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("my-union/", views.my_unit, name="my-unit"),
    path("models/new/", views.model_create, name="model-create"),
    path("models/<int:pk>/", views.model_detail, name="model-detail"),
    path("models/<int:pk>/edit/", views.model_edit, name="model-edit"),
    path("models/<int:pk>/steps/", views.model_steps, name="model-steps"),
    path(
        "models/<int:pk>/steps/<int:step>/evidence/",
        views.model_step_evidence,
        name="model-step-evidence",
    ),
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
    path("review/", views.review_queue, name="review-queue"),
    path("review/approve/", views.review_bulk_approve, name="review-bulk-approve"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/remind/", views.completeness_remind, name="completeness-remind"),
]
