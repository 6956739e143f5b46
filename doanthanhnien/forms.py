from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .models import Unit, User
from .scoping import Perm, scoped


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
        self.fields["unit"].queryset = scoped(actor, Unit.objects.all(), Perm.MANAGE)
        self.fields["unit"].label_from_instance = unit_label
        self.fields["unit"].required = True
        self.fields["email"].required = True
        roles = [c for c in User.Role.choices if c[0] != User.Role.ADMIN or actor.is_portal_admin]
        self.fields["role"].choices = roles

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("The username “%(username)s” is already taken. Choose another one."),
                params={"username": username},
                code="duplicate",
            )
        return username


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
