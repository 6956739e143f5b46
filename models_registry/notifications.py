"""Formal, short e-mails about registrations and result reports (sent after commit)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from doanthanhnien.models import User

from .models import PeriodYear


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


def workflow_changed(*, obj, actor, transition) -> int:
    """Mail about one workflow step: a step the unit took (submit, withdraw) goes to the
    reviewing unit's officers; a decision (approve, return, accept, reopen) to the unit's
    secretaries. The template is ``<mail prefix>_<target status or transition.mail>``."""
    from .workflow import spec_for

    spec = spec_for(obj)
    unit = obj.unit
    if transition.by_unit:
        if unit.parent_id is None:
            return 0
        recipients = _people(unit.parent, [User.Role.OFFICER, User.Role.STANDING])
        sender = unit
    else:
        recipients = _people(unit, [User.Role.SECRETARY])
        sender = unit.parent or unit
    registration = getattr(obj, "registration", obj)
    return _send(
        template=f"{spec.mail_prefix}_{transition.mail or transition.target}",
        recipients=recipients,
        context={
            spec.mail_prefix: obj,
            "registration": registration,
            "model": registration.support_model,
            "unit": unit,
            "sender": sender,
            "actor": actor,
            "link": settings.SITE_URL + spec.url(obj),
        },
    )


def reminder(
    *, unit, year: int, recipients, missing_registration=True, missing_report=False
) -> int:
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
            "missing_registration": missing_registration,
            "missing_report": missing_report,
        },
    )
