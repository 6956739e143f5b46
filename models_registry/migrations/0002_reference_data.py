"""The guideline's seven target groups and four model categories, in every deployment."""

from django.db import migrations

from models_registry.reference import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        apps.get_model("models_registry", "TargetGroup"),
        apps.get_model("models_registry", "ModelCategory"),
    )


class Migration(migrations.Migration):
    dependencies = [("models_registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
