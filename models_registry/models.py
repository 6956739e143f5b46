import os
import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doanthanhnien.models import Unit
from doanthanhnien.text import fold


class TargetGroup(models.Model):
    """One of the guideline's seven groups of disadvantaged youth (reference data)."""

    code = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ModelCategory(models.Model):
    """One of the guideline's four kinds of content a model can have (reference data)."""

    code = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=255)
    examples = models.TextField(_("examples from the guideline"), blank=True)

    class Meta:
        verbose_name = _("model category")
        verbose_name_plural = _("model categories")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Period(models.Model):
    """A programme period such as "Giai đoạn 2020–2022"."""

    name = models.CharField(_("name"), max_length=120)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    is_open = models.BooleanField(
        _("open for changes"),
        default=True,
        help_text=_("When closed, registrations of this period can be read but not changed."),
    )

    class Meta:
        verbose_name = _("programme period")
        verbose_name_plural = _("programme periods")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="period_years"
            ),
        ]

    def __str__(self):
        return self.name


class PeriodYear(models.Model):
    """The settings of one programme year: deadlines and the yearly target."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="years", verbose_name=_("period")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    registration_deadline = models.DateField(_("registration deadline"))
    report_deadline = models.DateField(_("result report deadline"))
    target_share = models.PositiveSmallIntegerField(
        _("target share of grassroots unions with an approved model (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    min_models_per_unit = models.PositiveSmallIntegerField(
        _("minimum models per union"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["period", "year"], name="period_year_unique"),
        ]

    def __str__(self):
        return f"{self.year} ({self.period})"

    @property
    def reference_day(self) -> date:
        """The day on which "which unions must register this year" is decided."""
        return self.registration_deadline


class SupportModel(models.Model):
    """A model or solution (mô hình, giải pháp) of a grassroots union, living across years."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="support_models", verbose_name=_("union")
    )
    name = models.CharField(_("name of the model"), max_length=255)
    category = models.ForeignKey(
        ModelCategory, on_delete=models.PROTECT, verbose_name=_("model category")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="support_models"
    )
    description = models.TextField(
        _("idea and description"),
        help_text=_("What the model does, for whom, and how (guideline III.1: the idea)."),
    )
    area = models.CharField(
        _("area of implementation"),
        max_length=255,
        help_text=_("Villages or residential groups where the model runs."),
    )
    implementers = models.TextField(
        _("implementers / person in charge"),
        help_text=_("People or team who carry it out, with position."),
    )
    contact = models.CharField(_("contact (phone)"), max_length=120, blank=True)
    partner_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="partnered_models",
        verbose_name=_("partner unions"),
        help_text=_("School, agency or bloc unions that coordinate."),
    )
    partners = models.CharField(
        _("other partner units"),
        max_length=255,
        blank=True,
        help_text=_("E.g. commune health station, Red Cross, Women's Union."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    replicated_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replications",
        verbose_name=_("replicated from"),
    )
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("support model")
        verbose_name_plural = _("support models")
        ordering = ["unit__name_sort", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.unit.name}")[:600]
        super().save(*args, **kwargs)


def evidence_upload_to(instance, filename):
    # Random names, as for plans: the original name is kept in the database only.
    ext = os.path.splitext(filename)[1].lower()
    return f"evidence/{uuid.uuid4().hex}{ext}"


class ModelStep(models.Model):
    """The guideline's seven steps of building a model (III.1), as a checklist."""

    class Step(models.IntegerChoices):
        SURVEY = 1, _("Survey the disadvantaged youth and their needs")
        IDEA = 2, _("Build the idea of the model")
        PLAN = 3, _("Draw up the implementation plan")
        CONSULT = 4, _("Consult the beneficiaries")
        APPROVAL = 5, _("Report to the Party committee and get the upper union's approval")
        IMPLEMENT = 6, _("Implement the model")
        REVIEW = 7, _("Review (interim / final) and draw lessons")

    support_model = models.ForeignKey(SupportModel, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    evidence = models.FileField(
        _("evidence"),
        upload_to=evidence_upload_to,
        blank=True,
        max_length=255,
        help_text=_("E.g. survey results or consultation minutes."),
    )
    evidence_name = models.CharField(max_length=255, blank=True, editable=False)

    scope_unit_field = "support_model__unit"

    class Meta:
        verbose_name = _("building step")
        verbose_name_plural = _("building steps")
        ordering = ["step"]
        constraints = [
            models.UniqueConstraint(fields=["support_model", "step"], name="model_step_unique"),
        ]

    def __str__(self):
        return self.get_step_display()


def plan_upload_to(instance, filename):
    # Random names: the original name is kept in the database, never on disk.
    ext = os.path.splitext(filename)[1].lower()
    return f"plans/{uuid.uuid4().hex}{ext}"


class Registration(models.Model):
    """A model's registration for one programme year, reviewed by the direct upper union."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        REOPENED = "reopened", _("Reopened for editing")

    # States in which the unit may still change the content.
    EDITABLE = (Status.DRAFT, Status.RETURNED, Status.REOPENED)

    support_model = models.ForeignKey(
        SupportModel,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("support model"),
    )
    # Denormalised from the model so scoping and completeness are one join away.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("union")
    )
    period_year = models.ForeignKey(
        PeriodYear, on_delete=models.PROTECT, related_name="registrations"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    expected_results = models.TextField(_("expected results"), blank=True)
    planned_budget = models.PositiveBigIntegerField(
        _("planned budget (đồng)"), null=True, blank=True
    )
    budget_sources = models.CharField(
        _("sources of funds"),
        max_length=255,
        blank=True,
        help_text=_("E.g. union funds, mobilised sponsors, commune budget."),
    )
    plan_document = models.FileField(
        _("implementation plan"), upload_to=plan_upload_to, blank=True, max_length=255
    )
    plan_document_name = models.CharField(max_length=255, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("submitted late"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    last_reason = models.TextField(_("reason"), blank=True)
    carried_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_into"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-year", "unit__name_sort"]
        constraints = [
            models.UniqueConstraint(fields=["support_model", "year"], name="registration_per_year"),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.support_model} — {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class RegistrationTarget(models.Model):
    """Planned number of youth to support in one target group."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="targets")
    target_group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT)
    planned_count = models.PositiveIntegerField(_("planned number of youth"), default=0)

    class Meta:
        verbose_name = _("planned beneficiaries")
        verbose_name_plural = _("planned beneficiaries")
        ordering = ["target_group__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "target_group"], name="registration_target_unique"
            ),
        ]

    def __str__(self):
        return f"{self.target_group}: {self.planned_count}"


class RegistrationTransition(models.Model):
    """Audit row of one status change: who, when, from, to, why."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=Registration.Status.choices)
    to_status = models.CharField(max_length=20, choices=Registration.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.registration_id}: {self.from_status} → {self.to_status}"


class ReminderLog(models.Model):
    """One reminder mail run for a unit and year, so nobody is mailed twice a day."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "sent_on"], name="reminder_once_a_day"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year} {self.sent_on}"
