from axes.helpers import get_cool_off, get_failure_limit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core import validators
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import Unit, User

# --- Dates -----------------------------------------------------------------------------------

# Django's stock "Enter a valid date." does not say which way round day and month go.
DATE_INVALID_MESSAGE = _("Enter the date as day/month/year, for example 05/01/2023.")
DATE_ERROR_MESSAGES = {"invalid": DATE_INVALID_MESSAGE}
# For ModelAdmin.formfield_overrides: the admin's date fields say the format too.
DATE_FORMFIELD_OVERRIDES = {models.DateField: {"error_messages": DATE_ERROR_MESSAGES}}


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy, with a numeric keyboard on phones."""

    def __init__(self, attrs=None):
        attrs = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", **(attrs or {})}
        super().__init__(attrs=attrs, format="%d/%m/%Y")


class DateField(forms.DateField):
    """The portal's date field: dd/mm/yyyy input and an error message that states the format.

    Use it instead of ``forms.DateField`` in every form; model forms and the admin get the same
    message from ``DATE_ERROR_MESSAGES`` (``formfield_overrides``/``error_messages``).
    """

    widget = DateInput
    default_error_messages = DATE_ERROR_MESSAGES


# --- Logging in ------------------------------------------------------------------------------


class PortalAuthenticationForm(AuthenticationForm):
    """Django's login form with a plain error message that says how many tries are left
    before django-axes locks the account (it counts the failure before the message is made)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the username's max_length after the field is built, so only the widget
        # knew it: a longer name reached authenticate(), and django-axes then failed to store it
        # in its 255-character column (a 500 on PostgreSQL). Refused here like any long field.
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))

    def get_invalid_login_error(self):
        message = gettext("Wrong username or password.")
        failures = getattr(self.request, "axes_failures_since_start", None)
        credentials = {"username": self.cleaned_data.get("username")}
        cool_off = get_cool_off(self.request)
        if failures is not None and cool_off:
            left = get_failure_limit(self.request, credentials) - failures
            minutes = round(cool_off.total_seconds() / 60)
            if left > 0:
                message += " " + ngettext(
                    "%(count)d more attempt before the account is locked for %(minutes)d minutes.",
                    "%(count)d more attempts before the account is locked for %(minutes)d minutes.",
                    left,
                ) % {"count": left, "minutes": minutes}
        return forms.ValidationError(message, code="invalid_login")


class PortalPasswordResetForm(PasswordResetForm):
    """Also reaches accounts that never had a password (created by an officer or imported):
    the reset link is how they set their first one."""

    def get_users(self, email):
        UserModel = get_user_model()
        return UserModel._default_manager.filter(email__iexact=email, is_active=True).exclude(
            email=""
        )


def unit_label(unit: Unit) -> str:
    return unit.choice_label


class AccountCreateForm(forms.ModelForm):
    """Role and union choices come from ``roles.ACCOUNT_RULES``; the pair is checked too."""

    class Meta:
        model = User
        fields = [
            "username",
            "last_name",
            "first_name",
            "email",
            "phone",
            "position",
            "unit",
            "role",
        ]
        labels = {"last_name": _("Family and middle name"), "first_name": _("Given name")}
        help_texts = {
            "email": _("A link to set the password is sent to this address."),
            "username": _("Letters, digits and @/./+/-/_ only."),
        }

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["unit"].queryset = roles.manageable_units(actor)
        self.fields["unit"].label_from_instance = unit_label
        self.fields["unit"].required = True
        self.fields["email"].required = True
        allowed = roles.manageable_roles(actor)
        self.fields["role"].choices = [c for c in User.Role.choices if c[0] in allowed]
        self.rules_text = _("You may create accounts of: %(rules)s.") % {
            "rules": "; ".join(
                _("%(role)s (%(where)s)") % {"role": role, "where": where}
                for role, where in roles.rules_summary(actor)
            )
        }
        self.fields["role"].help_text = self.rules_text

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("The username “%(username)s” is already taken. Choose another one."),
                params={"username": username},
                code="duplicate",
            )
        return username

    def clean(self):
        cleaned = super().clean()
        role, unit = cleaned.get("role"), cleaned.get("unit")
        if role and unit and not roles.may_manage(self.actor, role=role, unit=unit):
            self.add_error(
                "role",
                forms.ValidationError(
                    _("You cannot create a “%(role)s” account in %(unit)s. %(rules)s"),
                    params={
                        "role": dict(User.Role.choices)[role],
                        "unit": unit.name,
                        "rules": self.rules_text,
                    },
                    code="not_allowed",
                ),
            )
        return cleaned


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
