"""Formal, short e-mails about registrations (sent after the transaction commits)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from doanthanhnien.models import User

from .models import PeriodYear, Registration


def _send(*, template: str, recipients, context: dict) -> int:
    messages = []
    # Mail goes out in the union's language whatever the sender's browser uses.
    with translation.override(settings.LANGUAGE_CODE):
        for user in recipients:
            ctx = {**context, "recipient": user}
            subject = render_to_string(f"models_registry/mail/{template}_subject.txt", ctx)
            body = render_to_string(f"models_registry/mail/{template}.txt", ctx)
            subject = settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def _people(unit, roles):
    return list(User.objects.filter(unit=unit, role__in=roles, is_active=True).exclude(email=""))


def registration_changed(*, registration: Registration, actor) -> int:
    """Submit → the reviewing unit's officers; return, approve, reopen → the unit's secretaries."""
    S = Registration.Status
    unit = registration.unit
    if registration.status == S.SUBMITTED:
        if unit.parent_id is None:
            return 0
        recipients = _people(unit.parent, [User.Role.OFFICER, User.Role.STANDING])
        sender = unit
    else:
        recipients = _people(unit, [User.Role.SECRETARY])
        sender = unit.parent or unit
    link = settings.SITE_URL + reverse("registry:registration-detail", args=[registration.pk])
    return _send(
        template=f"registration_{registration.status}",
        recipients=recipients,
        context={
            "registration": registration,
            "model": registration.support_model,
            "unit": unit,
            "sender": sender,
            "actor": actor,
            "link": link,
        },
    )


def reminder(*, unit, year: int, recipients) -> int:
    period_year = PeriodYear.objects.filter(year=year).order_by("-period__start_year").first()
    link = settings.SITE_URL + reverse("registry:my-unit") + f"?year={year}"
    return _send(
        template="reminder",
        recipients=recipients,
        context={
            "unit": unit,
            "year": year,
            "period_year": period_year,
            "sender": unit.parent or unit,
            "link": link,
        },
    )
