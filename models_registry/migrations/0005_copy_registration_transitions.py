"""Copy the registrations' own audit rows into the one audit table of every workflow.

The action of each old row is read off its target status (the registration workflow has one
action per target status). Reversible: going back copies the registration rows home again.
"""

from django.db import migrations

ACTIONS = {
    "submitted": "submit",
    "approved": "approve",
    "returned": "return",
    "reopened": "reopen",
    "draft": "withdraw",
}


def _registration_type(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="models_registry", model="registration"
    )
    return content_type


def forwards(apps, schema_editor):
    Old = apps.get_model("models_registry", "RegistrationTransition")
    New = apps.get_model("models_registry", "WorkflowTransition")
    content_type = _registration_type(apps)
    rows = [
        New(
            content_type_id=content_type.pk,
            object_id=old.registration_id,
            action=ACTIONS.get(old.to_status, old.to_status),
            from_status=old.from_status,
            to_status=old.to_status,
            actor_id=old.actor_id,
            at=old.at,
            reason=old.comment,
        )
        for old in Old.objects.order_by("at", "pk").iterator(chunk_size=2000)
    ]
    New.objects.bulk_create(rows, batch_size=2000)


def backwards(apps, schema_editor):
    Old = apps.get_model("models_registry", "RegistrationTransition")
    New = apps.get_model("models_registry", "WorkflowTransition")
    content_type = _registration_type(apps)
    # Keep the original times: this historical copy of the field must not stamp "now".
    Old._meta.get_field("at").auto_now_add = False
    rows = New.objects.filter(content_type_id=content_type.pk).order_by("at", "pk")
    Old.objects.bulk_create(
        [
            Old(
                registration_id=row.object_id,
                from_status=row.from_status,
                to_status=row.to_status,
                actor_id=row.actor_id,
                at=row.at,
                comment=row.reason,
            )
            for row in rows.iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("models_registry", "0004_resultreport_workflowtransition"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
