from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("models_registry", "0005_copy_registration_transitions"),
    ]

    operations = [
        migrations.DeleteModel(name="RegistrationTransition"),
    ]
