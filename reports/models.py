from django.db import models
from django.utils.translation import gettext_lazy as _

from doanthanhnien.models import Unit


class ReportSettings(models.Model):
    """How a union's official summary report is headed and signed (29-HD/TWĐTN-VP).

    Every field may stay blank: the report then derives a sensible value from the union tree
    (see ``reports.selectors.report_heading``).
    """

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="report_settings", verbose_name=_("union")
    )
    upper_body = models.CharField(
        _("upper body line"),
        max_length=200,
        blank=True,
        help_text=_("First line of the issuing body, e.g. BCH TỈNH ĐOÀN HÀ TĨNH."),
    )
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=200,
        blank=True,
        help_text=_("Second line, in bold, e.g. BCH HUYỆN ĐOÀN HƯƠNG KHÊ."),
    )
    place = models.CharField(
        _("place name in the date line"), max_length=80, blank=True, help_text=_("E.g. Hương Khê")
    )
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    recipients = models.TextField(
        _("recipients"),
        blank=True,
        help_text=_("One per line, without the leading dash; “Lưu VP.” is always added last."),
    )

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self):
        return str(self.unit)


class ReportNumber(models.Model):
    """The per-union yearly register of report numbers ("Số: 12-BC/HĐTN").

    Used when ``settings.REPORT_NUMBERING`` is "register": the first time a union's officer
    downloads the summary for a span, it gets the next number of the issuing year; later
    downloads of the same summary show the same number and date.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    issued_year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    issued_on = models.DateField()

    class Meta:
        verbose_name = _("report number")
        verbose_name_plural = _("report numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "issued_year", "number"], name="report_number_unique"
            ),
            models.UniqueConstraint(
                fields=["unit", "first_year", "last_year"], name="report_number_per_span"
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.unit}, {self.issued_year})"
