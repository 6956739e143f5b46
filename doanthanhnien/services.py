"""Writes for the union tree and accounts."""

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from . import roles
from .models import EMAIL_TAKEN_MESSAGE, Unit, UnitSuccession, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "ha-tinh"
OLD_TREE_START = date(2020, 1, 1)
OLD_TREE_END = date(2025, 6, 30)
NEW_TREE_START = date(2025, 7, 1)
PROVINCE_CODE = "42"


def unit_rewrite_path(*, unit: Unit, new_path: str) -> None:
    """Give ``unit`` a new materialised path and move its whole subtree with it (one UPDATE)."""
    old_path = unit.path
    depth = new_path.count("/") - 2
    shift = depth - unit.depth
    with transaction.atomic():
        Unit.objects.filter(pk=unit.pk).update(path=new_path, depth=depth)
        if old_path:
            # Descendants keep their place below the unit: same suffix, depth moved alike.
            Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + shift,
            )
    unit.path, unit.depth = new_path, depth


# --- Reference data of Hà Tĩnh -------------------------------------------------------------

_DISTRICT_PREFIX = {"thành phố": "Thành đoàn", "thị xã": "Thị đoàn", "huyện": "Huyện đoàn"}
_GRASSROOTS = {
    "xã": ("Đoàn xã", Unit.Kind.COMMUNE),
    "phường": ("Đoàn phường", Unit.Kind.WARD),
    "thị trấn": ("Đoàn thị trấn", Unit.Kind.TOWNSHIP),
}


def _bare(name: str, kind: str) -> str:
    """'Xã Hương Trà' → 'Hương Trà'; 'Thành phố Hà Tĩnh' → 'Hà Tĩnh'."""
    return name[len(kind) :].strip() if name.lower().startswith(kind) else name


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    links: int = 0
    unmatched: list[str] = field(default_factory=list)
    new_units_linked: int = 0
    former_units: int = 0
    former_units_linked: int = 0
    former_unlinked: list[str] = field(default_factory=list)


def _upsert(*, code, valid_from, defaults, report: LoadReport) -> Unit:
    unit, created = Unit.objects.get_or_create(code=code, valid_from=valid_from, defaults=defaults)
    if created:
        report.created += 1
        return unit
    changed = [
        k
        for k, v in defaults.items()
        if getattr(unit, f"{k}_id" if k == "parent" else k) != (v.pk if isinstance(v, Unit) else v)
    ]
    if changed:
        for key in changed:
            setattr(unit, key, defaults[key])
        unit.save()
        report.updated += 1
    return unit


_RESOLUTION = re.compile(r"Số:\s*([^;]+);\s*Ngày:\s*(\d{2})/(\d{2})/(\d{4})")


def parse_predecessors(
    note: str, new_bare_name: str, old_names: list[str]
) -> list[tuple[str, bool]]:
    """Former units named in a reorganisation note, each with whether only part of it merged.

    Longest names match first so that "Kỳ Anh" never steals a match from "Kỳ Anh Mới"; the new
    unit's own name after "thành" ("… thành phường Thành Sen") is not a predecessor.
    """
    text = note.split("Bỏ cấp huyện")[0]
    if text.strip().startswith("Giữ nguyên"):
        return [(new_bare_name, False)] if new_bare_name in old_names else []
    text = re.sub(r"thành (xã|phường|thị trấn) " + re.escape(new_bare_name), " ", text)
    found: list[tuple[int, str]] = []
    taken = [False] * len(text)
    for name in sorted(old_names, key=len, reverse=True):
        for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            if any(taken[match.start() : match.end()]):
                continue
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
            found.append((match.start(), name))
    found.sort()
    result, previous_end = [], 0
    for start, name in found:
        between = text[previous_end:start]
        partial = "phần" in between
        if name not in [n for n, _ in result]:
            result.append((name, partial))
        previous_end = start + len(name)
    return result


@transaction.atomic
def units_load_ha_tinh(fixtures: Path = FIXTURES) -> LoadReport:
    """Load (or refresh) Hà Tĩnh's union tree before and after the 2025 reorganisation.

    Idempotent: units are keyed by (code, valid_from); running it again updates names and
    parents in place and adds missing succession links.
    """
    report = LoadReport()
    province = _upsert(
        code=PROVINCE_CODE,
        valid_from=OLD_TREE_START,
        defaults={
            "name": "Tỉnh đoàn Hà Tĩnh",
            "kind": Unit.Kind.PROVINCE,
            "parent": None,
            "doc_symbol": "TĐTN",
            "address": "Thành phố Hà Tĩnh, tỉnh Hà Tĩnh",
            "signer_title": "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN\nBÍ THƯ",
        },
        report=report,
    )

    old_by_bare: dict[str, Unit] = {}
    districts: dict[str, Unit] = {}
    with open(fixtures / "units-2023.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            district = districts.get(row["district_code"])
            if district is None:
                kind = row["district_kind"]
                name = f"{_DISTRICT_PREFIX[kind]} {_bare(row['district_name'], kind)}"
                district = _upsert(
                    code=row["district_code"],
                    valid_from=OLD_TREE_START,
                    defaults={
                        "name": name,
                        "kind": Unit.Kind.DISTRICT,
                        "parent": province,
                        "valid_to": OLD_TREE_END,
                        "doc_symbol": "HĐTN" if kind == "huyện" else "ĐTN",
                        "address": row["district_name"] + ", tỉnh Hà Tĩnh",
                        "signer_title": f"TM. BAN THƯỜNG VỤ {name.upper()}\nBÍ THƯ",
                    },
                    report=report,
                )
                districts[row["district_code"]] = district
            prefix, unit_kind = _GRASSROOTS[row["kind"]]
            bare = _bare(row["name"], row["kind"])
            unit = _upsert(
                code=row["code"],
                valid_from=OLD_TREE_START,
                defaults={
                    "name": f"{prefix} {bare}",
                    "kind": unit_kind,
                    "parent": district,
                    "valid_to": OLD_TREE_END,
                    "doc_symbol": "ĐTN",
                    "address": f"{row['name']}, {row['district_name']}, tỉnh Hà Tĩnh",
                    "signer_title": f"TM. BAN CHẤP HÀNH {prefix.upper()} {bare.upper()}\nBÍ THƯ",
                },
                report=report,
            )
            old_by_bare[bare] = unit

    old_names = list(old_by_bare)
    new_by_code: dict[str, Unit] = {}
    resolutions: dict[str, tuple[str, date | None]] = {}
    with open(fixtures / "units-2025.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            prefix, unit_kind = _GRASSROOTS[row["kind"]]
            bare = _bare(row["name"], row["kind"])
            unit = _upsert(
                code=row["code"],
                valid_from=NEW_TREE_START,
                defaults={
                    "name": f"{prefix} {bare}",
                    "kind": unit_kind,
                    "parent": province,
                    "valid_to": None,
                    "doc_symbol": "ĐTN",
                    "address": f"{row['name']}, tỉnh Hà Tĩnh",
                    "signer_title": f"TM. BAN CHẤP HÀNH {prefix.upper()} {bare.upper()}\nBÍ THƯ",
                },
                report=report,
            )
            note = row["reorganisation_note"]
            resolution = _RESOLUTION.search(note)
            number, when = "", None
            if resolution:
                number = resolution.group(1).strip()
                day, month, year = (int(g) for g in resolution.group(2, 3, 4))
                when = date(year, month, day)
            new_by_code[row["code"]] = unit
            resolutions[row["code"]] = (number, when)
            predecessors = parse_predecessors(note, bare, old_names)
            if not predecessors:
                report.unmatched.append(unit.name)
                continue
            report.new_units_linked += 1
            for name, partial in predecessors:
                _, created = UnitSuccession.objects.update_or_create(
                    successor=unit,
                    predecessor=old_by_bare[name],
                    defaults={
                        "partial": partial,
                        "resolution_number": number,
                        "resolution_date": when,
                    },
                )
                report.links += created
    report.links += _link_merged_before_2025(fixtures, old_by_bare, new_by_code, resolutions)
    report.former_units = len(old_by_bare)
    linked = set(
        UnitSuccession.objects.filter(predecessor__in=old_by_bare.values()).values_list(
            "predecessor", flat=True
        )
    )
    report.former_units_linked = len(linked)
    report.former_unlinked = sorted(u.name for u in old_by_bare.values() if u.pk not in linked)
    return report


def _link_merged_before_2025(fixtures, old_by_bare, new_by_code, resolutions) -> int:
    """Links the 2025 notes cannot give: former unions merged on 1/1/2025 under another name,
    or spelled differently in the resolution (see fixtures/ha-tinh/README.md)."""
    path = fixtures / "merged-2025-01.csv"
    if not path.exists():
        return 0
    old_by_code = {u.code: u for u in old_by_bare.values()}
    created_links = 0
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            former = old_by_code.get(row["former_code"])
            successor = new_by_code.get(row["successor_code"])
            if former is None or successor is None:
                continue
            # A row names the former unit too: refuse a code that points somewhere else.
            bare = re.sub(r"^(Xã|Phường|Thị trấn)\s+", "", row["former_name"])
            if not former.name.endswith(f" {bare}"):
                raise ValueError(f"{path.name}: {row['former_code']} is not {row['former_name']}")
            number, when = resolutions[row["successor_code"]]
            _, created = UnitSuccession.objects.update_or_create(
                successor=successor,
                predecessor=former,
                defaults={"partial": False, "resolution_number": number, "resolution_date": when},
            )
            created_links += created
    return created_links


# --- Accounts --------------------------------------------------------------------------------


def account_create(*, actor: User, unit: Unit, request=None, **fields) -> User:
    """Create an account of ``fields["role"]`` in ``unit`` and mail a set-password link; the
    officer never learns or sets the password.

    Who may create whom is ``roles.ACCOUNT_RULES``: anything else is PermissionDenied, whatever
    the form offered. A taken e-mail address is a ValidationError on ``email``, also when a
    concurrent request took it between the check and the insert.
    """
    role = fields.setdefault("role", User.Role.SECRETARY)
    if not roles.may_manage(actor, role=role, unit=unit):
        raise PermissionDenied
    user = User(unit=unit, **fields)
    user.set_unusable_password()
    # The e-mail constraint is checked by User.clean() (with the message on the field) and
    # enforced by the database; its own check would only repeat it without the field.
    user.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Lost a race on the username or the e-mail address: say which, like the form does.
        user.pk = None
        user.full_clean(validate_constraints=False)
        raise
    if user.email:
        transaction.on_commit(lambda: account_send_password_link(user=user, request=request))
    return user


def account_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate ``user``; the same rule as creating, and never oneself."""
    if user.pk == actor.pk or not roles.may_manage_account(actor, user):
        raise PermissionDenied
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


def account_send_link(*, actor: User, user: User, request=None) -> bool:
    """Send ``user`` a link to set a new password, if ``actor`` manages that account."""
    if not roles.may_manage_account(actor, user):
        raise PermissionDenied
    return account_send_password_link(user=user, request=request)


def account_import_email_errors(*, user: User, seen: dict[str, str]) -> dict:
    """Field errors for an account read from an import file: its e-mail address may be used
    neither by another account nor by an earlier row of the same file (``seen``: casefolded
    address → username, filled as rows go by; a preview saves nothing the database could see).
    """
    if not user.email:
        return {}
    try:
        user.validate_email_unique()
    except ValidationError as error:
        return error.message_dict
    first = seen.setdefault(user.email.casefold(), user.username)
    if first != user.username:
        return {"email": [EMAIL_TAKEN_MESSAGE]}
    return {}


def account_send_password_link(*, user: User, request=None) -> bool:
    """Send the standard Django set/reset-password e-mail; False when the user has no e-mail."""
    if not user.email:
        return False
    from .forms import PortalPasswordResetForm

    form = PortalPasswordResetForm({"email": user.email})
    form.is_valid()
    domain = settings.SITE_URL.split("://", 1)[-1]
    form.save(
        request=request,
        domain_override=None if request else domain,
        use_https=settings.SITE_URL.startswith("https") if not request else request.is_secure(),
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
        # Imported and newly created accounts have no usable password yet: include them.
        extra_email_context={"portal_name": "Hỗ trợ TTN yếu thế"},
    )
    return True
