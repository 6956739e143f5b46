from django.db import migrations, models
from django.db.models.functions import Lower


def keep_each_address_on_one_account(apps, schema_editor):
    """Before the constraint: an address shared by several accounts stays with one of them.

    It stays with the account most likely to be its owner — an active one before a
    deactivated one, then the oldest — and is cleared on the others, which can get their own
    address from an officer or the admin. Each cleared address is printed for the record.
    """
    User = apps.get_model("doanthanhnien", "User")
    rows = (
        User.objects.exclude(email="")
        .annotate(email_lower=Lower("email"))
        .order_by("email_lower", "-is_active", "date_joined", "pk")
        .values_list("pk", "username", "email", "email_lower")
    )
    seen = set()
    cleared = []
    for pk, username, email, email_lower in rows.iterator():
        if email_lower in seen:
            cleared.append((pk, username, email))
        seen.add(email_lower)
    if cleared:
        User.objects.filter(pk__in=[pk for pk, _, _ in cleared]).update(email="")
        print()
        for _, username, email in cleared:
            print(f"  Account {username}: e-mail {email} cleared (another account uses it).")


class Migration(migrations.Migration):
    dependencies = [
        ("doanthanhnien", "0002_wording"),
    ]

    operations = [
        migrations.RunPython(keep_each_address_on_one_account, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="user_email_ci_unique",
                violation_error_message=(
                    "This e-mail address is already used by another account. Each person needs"
                    " their own address: the link to set the password is sent to it."
                ),
            ),
        ),
    ]
