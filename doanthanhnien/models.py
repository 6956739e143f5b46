from datetime import date

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import fold, sort_key

# The first day the portal holds records for; a unit valid since then needs no year in its label.
RECORDS_START = date(2020, 1, 1)


class Unit(models.Model):
    """A union (Đoàn) in the tree: the province, district-level unions, grassroots unions.

    The tree is stored as a materialised path ("/1/14/230/"), chosen over django-treebeard and
    django-tree-queries because scoping needs "everything under unit X" inside *other* tables'
    querysets (registrations, reports, users): with a path that is one indexed prefix filter
    across a join, the same single query for a commune as for the province, on SQLite and
    PostgreSQL alike, and no recursive CTE to compose. Moves are rare (a reorganisation) and
    rewrite the descendants' paths in one UPDATE (see services.unit_move).
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Provincial union")
        DISTRICT = "district", _("District-level union")
        COMMUNE = "commune", _("Commune union")
        WARD = "ward", _("Ward union")
        TOWNSHIP = "township", _("Township union")
        BLOC = "bloc", _("Bloc union")
        SCHOOL = "school", _("School union")
        AGENCY = "agency", _("Agency union")
        ENTERPRISE = "enterprise", _("Enterprise union")

    # The guideline's target counts these: every Đoàn xã, phường, thị trấn.
    GRASSROOTS_KINDS = (Kind.COMMUNE, Kind.WARD, Kind.TOWNSHIP)
    scope_unit_field = ""  # see doanthanhnien.scoping
    UPPER_KINDS = (Kind.PROVINCE, Kind.DISTRICT, Kind.BLOC)

    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Official administrative code for territorial unions (e.g. 42, 444, 18550)."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("direct upper union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    valid_from = models.DateField(_("valid from"), default=RECORDS_START)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    doc_symbol = models.CharField(
        _("document symbol"),
        max_length=30,
        blank=True,
        help_text=_("Used in document numbers, e.g. HĐTN, TĐTN, ĐTN."),
    )
    signer_title = models.CharField(
        _("signer's title"),
        max_length=120,
        blank=True,
        help_text=_("E.g. TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN / BÍ THƯ"),
    )
    formed_from = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        through_fields=("successor", "predecessor"),
        symmetrical=False,
        related_name="succeeded_by",
        blank=True,
        verbose_name=_("formed from"),
    )
    name_sort = models.CharField(max_length=260, editable=False, default="", db_index=True)
    search_text = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        verbose_name = _("union")
        verbose_name_plural = _("unions")
        ordering = ["name_sort"]
        constraints = [
            # Official codes are reused after a reorganisation (the new Phường Thành Sen has
            # the code of the former Phường Nam Hà), so a code is unique per validity start.
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_valid_from"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_sort = sort_key(self.name)
        self.search_text = fold(f"{self.name} {self.code}")
        super().save(*args, **kwargs)
        # The path needs the primary key, so it is settled after the first insert.
        path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if path != self.path:
            from .services import unit_rewrite_path

            unit_rewrite_path(unit=self, new_path=path)

    @property
    def choice_label(self) -> str:
        """The unit's name as every choice list shows it: the years it existed, so that the
        "Đoàn xã Xuân Lộc" of 2020–2025 and the one formed in 2025 can be told apart."""
        if self.valid_to is not None:
            return _("%(name)s (%(first)s–%(last)s)") % {
                "name": self.name,
                "first": self.valid_from.year,
                "last": self.valid_to.year,
            }
        if self.valid_from > RECORDS_START:
            return _("%(name)s (from %(first)s)") % {
                "name": self.name,
                "first": self.valid_from.year,
            }
        return self.name

    @property
    def is_grassroots(self) -> bool:
        return self.kind in self.GRASSROOTS_KINDS

    @property
    def is_retired(self) -> bool:
        return self.valid_to is not None and self.valid_to < timezone.localdate()

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class UnitSuccession(models.Model):
    """A new unit was formed (wholly or partly) from a former unit."""

    successor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="predecessor_links", verbose_name=_("new unit")
    )
    predecessor = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("former unit"),
    )
    partial = models.BooleanField(
        _("part of the area only"),
        default=False,
        help_text=_("Only part of the former unit's area went to the new unit."),
    )
    resolution_number = models.CharField(_("resolution number"), max_length=60, blank=True)
    resolution_date = models.DateField(_("resolution date"), null=True, blank=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["successor", "predecessor"], name="unit_succession"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username):
        # Usernames are typed on phones: accept them case-insensitively.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


EMAIL_TAKEN_MESSAGE = _(
    "This e-mail address is already used by another account. Each person needs their own "
    "address: the link to set the password is sent to it."
)


class User(AbstractUser):
    class Role(models.TextChoices):
        SECRETARY = "secretary", _("Grassroots union secretary / officer")
        OFFICER = "officer", _("Upper-union officer")
        STANDING = "standing", _("Standing committee member")
        PROVINCIAL = "provincial", _("Provincial union officer (read-only)")
        ADMIN = "admin", _("System administrator")

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SECRETARY)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)

    objects = PortalUserManager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["username"]
        constraints = [
            # The set-password link goes to the address: two accounts sharing one (in any
            # letter case) would let one person set the other's password.
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_ci_unique",
                violation_error_message=EMAIL_TAKEN_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        self.validate_email_unique()

    def validate_email_unique(self):
        """Raise a ValidationError on ``email`` when another account uses the address.

        The database constraint has the last word; this gives forms and imports the message
        next to the field.
        """
        if not self.email:
            return
        # Compared with the constraint's own Lower() so that both agree on every letter.
        others = User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower=Lower(Value(self.email))
        )
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                {"email": ValidationError(EMAIL_TAKEN_MESSAGE, code="email_taken")}
            )

    def get_full_name(self):
        # Vietnamese order: family and middle name first ("Phan Văn Tú").
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_read_only(self) -> bool:
        return self.role == self.Role.PROVINCIAL

    @property
    def is_reviewer(self) -> bool:
        return self.role in (self.Role.OFFICER, self.Role.STANDING, self.Role.ADMIN)

    @property
    def is_portal_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN
