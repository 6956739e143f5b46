import os
import uuid
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doanthanhnien.filters import MAX_YEAR, MIN_YEAR
from doanthanhnien.models import Unit
from doanthanhnien.text import fold

# Sane bounds for the numbers people type (issue 6 §3). A commune has a few thousand young
# people; a hundred thousand in one target group of one model is beyond any union. Money is in
# đồng: a thousand billion is far above any model's budget and far below 64 bits.
MAX_YOUTH_COUNT = 100_000
MAX_MONEY_DONG = 10**12
# A union's yearly minimum of models.
MAX_MODELS_PER_UNIT = 20
YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


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
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
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
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    registration_deadline = models.DateField(_("registration deadline"))
    report_deadline = models.DateField(_("result report deadline"))
    target_share = models.PositiveSmallIntegerField(
        _("target share of grassroots unions with an approved model (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    min_models_per_unit = models.PositiveSmallIntegerField(
        _("minimum models per union"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MODELS_PER_UNIT)],
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

    @classmethod
    def scope_published(cls) -> models.Q:
        """What the library shows (see doanthanhnien.scoping): models with a recognition in
        force."""
        return models.Q(models.Exists(Recognition.in_force_recognised(OuterRef("pk"))))


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
        _("planned budget (đồng)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_MONEY_DONG)],
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
    transitions = GenericRelation("WorkflowTransition", related_query_name="registration")

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
    planned_count = models.PositiveIntegerField(
        _("planned number of youth"), default=0, validators=[MaxValueValidator(MAX_YOUTH_COUNT)]
    )

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


class WorkflowTransition(models.Model):
    """Audit row of one workflow step of any reviewed object (registration, result report…):
    who, when, which action, from which state to which, and why.

    One table for every workflow (see ``workflow.py``); the object is named by content type
    and id, and each reviewed model reaches its rows through a ``transitions`` GenericRelation.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.content_type_id}/{self.object_id}: {self.from_status} → {self.to_status}"


# Money mobilised per source: at most 1.000 tỷ đồng each — far beyond any commune's model, far
# below what a 64-bit column holds, so a typo of extra digits is refused, not stored.
MAX_DONG = 10**12
# Youth supported per target group by one model: generous, but a bound.
MAX_YOUTH = 100_000


def evidence_upload_to(instance, filename):
    # Random names, as for plans: the original name is kept in the database only.
    ext = os.path.splitext(filename)[1].lower()
    return f"evidence/{uuid.uuid4().hex}{ext}"


class ResultReport(models.Model):
    """A result report (báo cáo kết quả, guideline IV) of an approved registration: interim
    (sơ kết) or final (tổng kết), reviewed by the direct upper union."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("registration"),
    )
    # Denormalised from the registration so scoping and queues are one join away.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="result_reports", verbose_name=_("union")
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    kind = models.CharField(_("kind of report"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    unit_address = models.CharField(_("address of the implementing union"), max_length=255)
    area = models.CharField(
        _("area of implementation"),
        max_length=255,
        help_text=_("Villages or residential groups where the model ran."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    form_and_content = models.TextField(_("form and content"), blank=True)
    results = models.TextField(_("concrete results"), blank=True)
    # Resources mobilised (money, and in-kind support valued in đồng), by the guideline's four
    # sources. Four fixed columns rather than a child table: the sources are the guideline's
    # closed list, each is bounded by its own constraint, and summaries add them in one query.
    funds_union = models.PositiveBigIntegerField(
        _("union funds (đồng)"), default=0, validators=[MaxValueValidator(MAX_DONG)]
    )
    funds_state = models.PositiveBigIntegerField(
        _("state budget (đồng)"), default=0, validators=[MaxValueValidator(MAX_DONG)]
    )
    funds_sponsors = models.PositiveBigIntegerField(
        _("sponsors (đồng)"), default=0, validators=[MaxValueValidator(MAX_DONG)]
    )
    funds_people = models.PositiveBigIntegerField(
        _("contributions of people (đồng)"), default=0, validators=[MaxValueValidator(MAX_DONG)]
    )
    in_kind_note = models.CharField(
        _("in-kind support"),
        max_length=255,
        blank=True,
        help_text=_("What was given in kind (its value is counted in the amounts above)."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("submitted late"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    last_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    transitions = GenericRelation("WorkflowTransition", related_query_name="result_report")

    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("result report")
        verbose_name_plural = _("result reports")
        ordering = ["-year", "unit__name_sort", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="report_per_kind"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__lte": MAX_DONG}), name=f"report_{field}_max"
                )
                for field in ("funds_union", "funds_state", "funds_sponsors", "funds_people")
            ],
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.registration} — {self.get_kind_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def funds_total(self) -> int:
        return self.funds_union + self.funds_state + self.funds_sponsors + self.funds_people


class ResultReportTarget(models.Model):
    """How many disadvantaged youth of one target group the model supported, and how many of
    them female."""

    report = models.ForeignKey(ResultReport, on_delete=models.CASCADE, related_name="targets")
    target_group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, verbose_name=_("target group")
    )
    total = models.PositiveIntegerField(
        _("youth supported"), default=0, validators=[MaxValueValidator(MAX_YOUTH)]
    )
    female = models.PositiveIntegerField(
        _("of whom female"), default=0, validators=[MaxValueValidator(MAX_YOUTH)]
    )

    class Meta:
        verbose_name = _("youth supported")
        verbose_name_plural = _("youth supported")
        ordering = ["target_group__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "target_group"], name="report_target_unique"),
            models.CheckConstraint(
                condition=models.Q(female__lte=models.F("total")), name="report_female_le_total"
            ),
            models.CheckConstraint(
                condition=models.Q(total__lte=MAX_YOUTH), name="report_target_total_max"
            ),
        ]

    def __str__(self):
        return f"{self.target_group}: {self.total} ({self.female})"


class ResultReportEvidence(models.Model):
    """A photo or document attached to a report. It shows in the public library only when the
    unit marked it publishable *and* confirmed the consent of the people in it (Decree
    13/2023); otherwise only the unit and its upper unions see it."""

    report = models.ForeignKey(ResultReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(max_length=255, editable=False)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    publishable = models.BooleanField(
        _("may be shown in the library of good models"), default=False
    )
    consent_confirmed = models.BooleanField(
        _("the people shown agreed to publication"), default=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "report__unit"

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            # Publishing without consent is impossible, whatever the form or admin does.
            models.CheckConstraint(
                condition=models.Q(publishable=False) | models.Q(consent_confirmed=True),
                name="evidence_publish_needs_consent",
            ),
        ]

    def __str__(self):
        return self.caption or self.original_name

    @property
    def is_image(self) -> bool:
        return os.path.splitext(self.file.name)[1].lower() in (".jpg", ".jpeg", ".png")

    @classmethod
    def scope_published(cls) -> models.Q:
        """A photo or document reaches the library only when the unit marked it publishable
        with the people's consent, and its model is recognised."""
        return models.Q(
            models.Exists(
                Recognition.in_force_recognised(OuterRef("report__registration__support_model"))
            ),
            publishable=True,
            consent_confirmed=True,
        )


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


# --- Recognition and commendation (guideline IV) ---------------------------------------------


class Recognition(models.Model):
    """The standing committee's decision (công nhận) on a model, for one year or for the whole
    period, against the guideline's criteria (a) maintained, (b) a plan, (c) a result report.

    The portal computes each criterion from data; what the committee decided is stored here as
    well as what the data said, with the written reason of every override. A decision stays in
    force until it is revoked with a reason (through the one workflow mechanism); only then can
    a new decision for the same model and span be taken.
    """

    class Decision(models.TextChoices):
        RECOGNISED = "recognised", _("Recognised")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        REVOKED = "revoked", _("Revoked")

    CRITERIA = ("maintained", "plan", "report")

    support_model = models.ForeignKey(
        SupportModel,
        on_delete=models.PROTECT,
        related_name="recognitions",
        verbose_name=_("support model"),
    )
    # Denormalised from the model: the reviewing union is this union's direct parent.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("period")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Empty: the whole period.")
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    maintained_computed = models.BooleanField(_("maintained (from data)"), default=False)
    maintained_met = models.BooleanField(_("maintained (as decided)"), default=False)
    maintained_override_reason = models.TextField(blank=True)
    plan_computed = models.BooleanField(_("implementation plan (from data)"), default=False)
    plan_met = models.BooleanField(_("implementation plan (as decided)"), default=False)
    plan_override_reason = models.TextField(blank=True)
    report_computed = models.BooleanField(_("result report (from data)"), default=False)
    report_met = models.BooleanField(_("result report (as decided)"), default=False)
    report_override_reason = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_FORCE
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    last_reason = models.TextField(_("reason for revoking"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    transitions = GenericRelation("WorkflowTransition", related_query_name="recognition")

    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-decision_date", "-pk"]
        constraints = [
            # One decision in force per model and span: for a year, or for the whole period.
            models.UniqueConstraint(
                fields=["support_model", "period", "year"],
                condition=models.Q(status="in_force", year__isnull=False),
                name="recognition_in_force_per_year",
            ),
            models.UniqueConstraint(
                fields=["support_model", "period"],
                condition=models.Q(status="in_force", year__isnull=True),
                name="recognition_in_force_per_period",
            ),
            # A refusal always says why; a recognition needs every criterion met.
            models.CheckConstraint(
                condition=models.Q(decision="recognised") | ~models.Q(reason=""),
                name="recognition_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="not_recognised")
                | models.Q(maintained_met=True, plan_met=True, report_met=True),
                name="recognition_needs_criteria",
            ),
        ]

    def __str__(self):
        return f"{self.support_model} — {self.span_label}"

    @property
    def span_label(self) -> str:
        return str(self.year) if self.year else str(self.period)

    @property
    def is_in_force(self) -> bool:
        return self.status == self.Status.IN_FORCE

    @classmethod
    def scope_published(cls) -> models.Q:
        """The library shows recognitions in force (see doanthanhnien.scoping)."""
        return models.Q(decision=cls.Decision.RECOGNISED, status=cls.Status.IN_FORCE)

    @classmethod
    def in_force_recognised(cls, support_model):
        return cls.objects.filter(
            support_model=support_model,
            decision=cls.Decision.RECOGNISED,
            status=cls.Status.IN_FORCE,
        )


class Commendation(models.Model):
    """A commendation (biểu dương, khen thưởng) recorded by an upper union for a model: of the
    model's union, or of a person who carried it out."""

    class Level(models.TextChoices):
        PRAISE = "praise", _("Public praise")
        CERTIFICATE = "certificate", _("Certificate of merit")
        DIPLOMA = "diploma", _("Diploma of merit")

    support_model = models.ForeignKey(
        SupportModel,
        on_delete=models.PROTECT,
        related_name="commendations",
        verbose_name=_("support model"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )
    awarded_by = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("commending union")
    )
    recipient_name = models.CharField(
        _("person commended"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty when the union itself is commended."),
    )
    level = models.CharField(_("form of commendation"), max_length=20, choices=Level.choices)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    content = models.TextField(_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-decision_date", "-pk"]

    def __str__(self):
        return f"{self.get_level_display()} {self.decision_number}"

    @classmethod
    def scope_published(cls) -> models.Q:
        """Commendations of recognised models are shown in the library."""
        return models.Q(models.Exists(Recognition.in_force_recognised(OuterRef("support_model"))))

    @property
    def recipient(self) -> str:
        return self.recipient_name or self.unit.name
