"""`make bench`: the portal's pages at national scale, in a throwaway database.

The command never touches the developer's data. It (re)creates a separate database — by
default the SQLite file var/bench.sqlite3, or the PostgreSQL/SQLite database given with
``--database-url`` (its name must contain "bench", because it is dropped) — migrates it, and
re-runs itself in a subprocess whose DATABASE_URL points there. That child fills the database
with a national-scale programme (63 provinces × ~11 districts × ~15 grassroots unions ≈ 10,000
unions; one period of three years; ≈ 45,000 registrations in mixed states; an officer per
district, a secretary per grassroots union, a viewer per province), then requests the pages the
officers use most with the test client and times them. The Markdown table goes to stdout and
into docs/bench.md, where each database vendor keeps its own section.
"""

import argparse
import csv
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

import dj_database_url
import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from doanthanhnien.models import Unit, User
from doanthanhnien.text import fold, sort_key
from models_registry import selectors
from models_registry.management import bench_load
from models_registry.models import (
    ModelCategory,
    Period,
    PeriodYear,
    Registration,
    RegistrationTarget,
    SupportModel,
    TargetGroup,
)

S = Registration.Status
# Set for the child process only; the child refuses to run without it.
BENCH_ENV = "PORTAL_BENCH_DATABASE_URL"
DEFAULT_SQLITE = "var/bench.sqlite3"
YEARS = (2020, 2021, 2022)
SEARCH = "huong"  # what an officer types for "Hương…" on a phone: no accents
# Issue 7's goal: a page's median at most 3× its own SQL time and at most 100 ms; under load,
# the officer's pages at least 40 % of the requests per second of /healthz.
PAGE_MAX_MS = 100
PAGE_MAX_SQL_RATIO = 3
LOAD_MIN_SHARE = 0.40

PROVINCES = [
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lạng Sơn",
    "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
]  # fmt: skip
CITIES = {"Cần Thơ", "Đà Nẵng", "Hà Nội", "Hải Phòng", "Hồ Chí Minh"}
SYLLABLES = [
    "An", "Bình", "Cẩm", "Châu", "Đại", "Điền", "Đông", "Đức", "Gia", "Hà", "Hải", "Hòa",
    "Hồng", "Hưng", "Hương", "Khánh", "Kỳ", "Lâm", "Lộc", "Long", "Minh", "Mỹ", "Nam", "Nghĩa",
    "Phong", "Phú", "Phúc", "Quang", "Sơn", "Tân", "Thạch", "Thanh", "Thành", "Thịnh", "Thủy",
    "Tiến", "Trà", "Trung", "Vĩnh", "Xuân", "Yên", "Hướng",
]  # fmt: skip
# Share of (model, year) pairs never registered, and the mix of states, per year.
SKIP = {2020: 0.05, 2021: 0.07, 2022: 0.12}
PAST_MIX = [(S.APPROVED, 90), (S.RETURNED, 4), (S.SUBMITTED, 2), (S.DRAFT, 4)]
LAST_MIX = [(S.DRAFT, 12), (S.SUBMITTED, 33), (S.RETURNED, 10), (S.REOPENED, 3), (S.APPROVED, 42)]


def _is_bench_name(settings_dict) -> bool:
    return "bench" in Path(str(settings_dict.get("NAME") or "")).name


def _same_database(a, b) -> bool:
    keys = ("ENGINE", "NAME", "HOST", "PORT")
    return all(str(a.get(k) or "") == str(b.get(k) or "") for k in keys)


class Command(BaseCommand):
    help = (
        "Benchmark the main pages on a national-scale dataset built in a separate, throwaway "
        "database (var/bench.sqlite3 unless --database-url); writes docs/bench.md."
    )
    requires_system_checks = []
    child_command = "bench"  # the command the child process runs (reports has its own)

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            help=(
                "Throwaway database to use instead of var/bench.sqlite3, e.g. "
                "postgres://postgres@127.0.0.1:5432/doanthanhnien_bench. Its name must "
                "contain 'bench': it is dropped and recreated."
            ),
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Share of the 63 provinces to build (0.1 for a quick run); default 1.0.",
        )
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument(
            "--load-seconds",
            type=float,
            default=10,
            help="Seconds of load per address in the gunicorn load test (0 skips it).",
        )
        parser.add_argument(
            "--output", default="docs/bench.md", help="Markdown file to update ('' for none)."
        )
        parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["scale"] <= 0 or options["repeat"] < 1 or options["load_seconds"] < 0:
            raise CommandError(
                "--scale must be positive, --repeat at least 1 and --load-seconds not negative."
            )
        if options["child"]:
            self._child(options)
        else:
            self._parent(options)

    # --- Parent: prepare the throwaway database, run the child there -------------------------

    def _parent(self, options):
        url = options["database_url"] or f"sqlite:///{Path(settings.BASE_DIR) / DEFAULT_SQLITE}"
        target = dj_database_url.parse(url)
        if not _is_bench_name(target):
            raise CommandError(
                f"The benchmark database name must contain 'bench' (it is dropped): {url}"
            )
        if _same_database(target, settings.DATABASES["default"]):
            raise CommandError("The benchmark database must not be the portal's own database.")
        self._recreate(target)
        env = {**os.environ, "DATABASE_URL": url, BENCH_ENV: url, "DEBUG": "1"}
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        started = time.monotonic()
        self.stdout.write(f"Migrating the throwaway database {target['NAME']} …")
        self.stdout.flush()
        run = [sys.executable, manage]
        subprocess.run([*run, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
        child = [
            *run,
            self.child_command,
            "--child",
            f"--scale={options['scale']}",
            f"--repeat={options['repeat']}",
            f"--seed={options['seed']}",
            f"--load-seconds={options['load_seconds']}",
            f"--output={options['output']}",
        ]
        result = subprocess.run(child, env=env, check=False)  # noqa: S603
        if result.returncode:
            raise CommandError(f"The benchmark failed (exit code {result.returncode}).")
        self.stdout.write(f"Done in {time.monotonic() - started:.0f} s.")

    def _recreate(self, target):
        engine = target["ENGINE"]
        if engine == "django.db.backends.sqlite3":
            path = Path(target["NAME"])
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        if engine != "django.db.backends.postgresql":
            raise CommandError(f"Unsupported database engine for the benchmark: {engine}")
        import psycopg2
        from psycopg2 import sql

        admin = psycopg2.connect(
            dbname="postgres",
            user=target.get("USER") or None,
            password=target.get("PASSWORD") or None,
            host=target.get("HOST") or None,
            port=target.get("PORT") or None,
        )
        admin.autocommit = True
        name = sql.Identifier(target["NAME"])
        try:
            with admin.cursor() as cursor:
                try:
                    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
                except psycopg2.errors.SyntaxError:  # PostgreSQL before 13
                    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
        finally:
            admin.close()

    # --- Child: build the dataset in the throwaway database, then measure --------------------

    def _child(self, options):
        current = settings.DATABASES["default"]
        expected = os.environ.get(BENCH_ENV)
        if (
            not expected
            or os.environ.get("DATABASE_URL") != expected
            or not _is_bench_name(current)
            or not _same_database(dj_database_url.parse(expected), current)
        ):
            raise CommandError("--child is internal: run `manage.py bench` without it.")
        rng = random.Random(options["seed"])  # noqa: S311 - reproducible data, not secrets
        self.stdout.write(f"Building the national dataset (scale {options['scale']:g}) …")
        self.stdout.flush()
        started = time.monotonic()
        with transaction.atomic():
            cast = build_dataset(rng=rng, scale=options["scale"])
        if connection.vendor == "postgresql":
            # What autovacuum would have done by the time anyone opens a page.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        build_seconds = time.monotonic() - started
        self.stdout.write(f"Built in {build_seconds:.0f} s. Measuring …")
        self.stdout.flush()
        cast["load"] = _load()
        # DEBUG off as in production: no query log, no template debug information. Queries
        # are counted and timed by measure()'s own execute wrapper instead.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
            rows = measure(cast=cast, repeat=options["repeat"])
        throughput = None
        if options["load_seconds"]:
            self.stdout.write(
                f"Load test: gunicorn, {bench_load.WORKERS} workers, "
                f"{options['load_seconds']:g} s per address with {bench_load.tool()} …"
            )
            self.stdout.flush()
            throughput = measure_load(cast=cast, seconds=options["load_seconds"])
        section = render_section(
            cast=cast,
            rows=rows,
            scale=options["scale"],
            repeat=options["repeat"],
            throughput=throughput,
        )
        self.stdout.write(section)
        if options["output"]:
            path = Path(settings.BASE_DIR) / options["output"]
            update_document(path, vendor=connection.vendor, section=section)
            self.stdout.write(f"Written to {options['output']} ({connection.vendor} section).")


# --- The dataset ------------------------------------------------------------------------------


def _place(rng) -> str:
    first, second = rng.sample(SYLLABLES, 2)
    return f"{first} {second}"


def _unit(*, code, name, kind, parent=None) -> Unit:
    return Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        name_sort=sort_key(name),
        search_text=fold(f"{name} {code}"),
    )


def _settle_paths(units: list[Unit]) -> None:
    """Give freshly inserted units the path Unit.save() would give them ("/<pk>/<pk>/")."""
    for unit in units:
        unit.path = (unit.parent.path if unit.parent_id else "/") + f"{unit.pk}/"
        unit.depth = unit.path.count("/") - 2
    Unit.objects.bulk_update(units, ["path", "depth"], batch_size=500)


def _pick(rng, mix):
    states, weights = zip(*mix, strict=True)
    return rng.choices(states, weights=weights)[0]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime(9, 0)))


def build_dataset(*, rng, scale: float) -> dict:
    """Fill the (empty, migrated) database; returns the people and units to measure with."""
    n_provinces = max(1, min(len(PROVINCES), round(len(PROVINCES) * scale)))
    provinces = [
        _unit(
            code=f"{index + 1:02d}",
            name=("Thành đoàn " if name in CITIES else "Tỉnh đoàn ") + name,
            kind=Unit.Kind.PROVINCE,
        )
        for index, name in enumerate(PROVINCES[:n_provinces])
    ]
    Unit.objects.bulk_create(provinces)
    _settle_paths(provinces)

    districts = []
    for province in provinces:
        for _ in range(rng.randint(8, 14)):
            code = f"{len(districts) + 1:03d}"
            districts.append(
                _unit(
                    code=code,
                    name=f"Huyện đoàn {_place(rng)}",
                    kind=Unit.Kind.DISTRICT,
                    parent=province,
                )
            )
    Unit.objects.bulk_create(districts, batch_size=1000)
    _settle_paths(districts)

    kinds = [
        (Unit.Kind.COMMUNE, "Đoàn xã", 80),
        (Unit.Kind.WARD, "Đoàn phường", 15),
        (Unit.Kind.TOWNSHIP, "Đoàn thị trấn", 5),
    ]
    communes = []
    for district in districts:
        for _ in range(rng.randint(10, 20)):
            kind, prefix, _weight = rng.choices(kinds, weights=[k[2] for k in kinds])[0]
            communes.append(
                _unit(
                    code=f"{len(communes) + 1:05d}",
                    name=f"{prefix} {_place(rng)}",
                    kind=kind,
                    parent=district,
                )
            )
    Unit.objects.bulk_create(communes, batch_size=1000)
    _settle_paths(communes)

    # People: a viewer per province, an officer per district, a secretary per grassroots union.
    users = [User(username=f"tinh{u.code}", unit=u, role=User.Role.PROVINCIAL) for u in provinces]
    users += [User(username=f"huyen{u.code}", unit=u, role=User.Role.OFFICER) for u in districts]
    users += [User(username=f"xa{u.code}", unit=u, role=User.Role.SECRETARY) for u in communes]
    users.append(User(username="bench_admin", is_superuser=True, is_staff=True))
    for user in users:
        user.password = "!bench-no-login"  # an unusable password: force_login only
    User.objects.bulk_create(users, batch_size=1000)
    secretary_of = {u.unit_id: u for u in users if u.role == User.Role.SECRETARY}

    period = Period.objects.create(name="Giai đoạn 2020–2022", start_year=2020, end_year=2022)
    period_years = {
        year: PeriodYear.objects.create(
            period=period,
            year=year,
            registration_deadline=date(year, 3, 31),
            report_deadline=date(year, 12, 15),
        )
        for year in YEARS
    }
    samples_path = Path(settings.BASE_DIR) / "fixtures" / "sample-models.csv"
    with open(samples_path, encoding="utf-8") as handle:
        samples = list(csv.DictReader(handle))
    categories = {c.code: c for c in ModelCategory.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}

    models, model_groups = [], []
    for commune in communes:
        for sample in rng.sample(samples, rng.choice((1, 2))):
            models.append(
                SupportModel(
                    unit=commune,
                    name=sample["name"],
                    category=categories[int(sample["category"])],
                    description=sample["description"],
                    area=f"Các thôn của {commune.name.split(' ', 2)[-1]}",
                    implementers=f"Ban Chấp hành {commune.name}",
                    partners=sample["typical_partners"],
                    start_date=date(2020, 4, 1),
                    search_text=fold(f"{sample['name']} {commune.name}")[:600],
                    created_by=secretary_of[commune.pk],
                )
            )
            model_groups.append([groups[int(c)] for c in sample["target_groups"].split(";")])
    SupportModel.objects.bulk_create(models, batch_size=1000)
    through = SupportModel.target_groups.through
    through.objects.bulk_create(
        [
            through(supportmodel_id=model.pk, targetgroup_id=group.pk)
            for model, its_groups in zip(models, model_groups, strict=True)
            for group in its_groups
        ],
        batch_size=2000,
    )

    registrations, registration_groups = [], []
    for model, its_groups in zip(models, model_groups, strict=True):
        for year in YEARS:
            if rng.random() < SKIP[year]:
                continue
            state = _pick(rng, LAST_MIX if year == YEARS[-1] else PAST_MIX)
            submitted = None if state == S.DRAFT else date(year, 3, rng.randint(1, 31))
            decided = state in (S.APPROVED, S.RETURNED, S.REOPENED)
            registrations.append(
                Registration(
                    support_model=model,
                    unit_id=model.unit_id,
                    period_year=period_years[year],
                    year=year,
                    status=state,
                    expected_results=f"Hỗ trợ {rng.randint(5, 30)} thanh thiếu niên yếu thế.",
                    planned_budget=rng.randint(3, 30) * 1_000_000,
                    budget_sources="Quỹ Đoàn xã; nguồn xã hội hóa",
                    submitted_at=_at(submitted) if submitted else None,
                    is_late=bool(submitted and submitted.day > 28),
                    decided_at=_at(date(year, 4, rng.randint(1, 30))) if decided else None,
                    last_reason=(
                        "Đề nghị bổ sung kế hoạch triển khai."
                        if state in (S.RETURNED, S.REOPENED)
                        else ""
                    ),
                    created_by_id=model.created_by_id,
                )
            )
            registration_groups.append(its_groups)
    Registration.objects.bulk_create(registrations, batch_size=1000)
    RegistrationTarget.objects.bulk_create(
        [
            RegistrationTarget(
                registration=registration, target_group=group, planned_count=rng.randint(2, 15)
            )
            for registration, its_groups in zip(registrations, registration_groups, strict=True)
            for group in its_groups
        ],
        batch_size=2000,
    )

    # Whom to measure with: the largest province, its largest district, and a union there
    # with two models.
    size = {d.pk: 0 for d in districts}
    for commune in communes:
        size[commune.parent_id] += 1
    per_province = {p.pk: 0 for p in provinces}
    for district in districts:
        per_province[district.parent_id] += size[district.pk]
    province = max(provinces, key=lambda p: per_province[p.pk])
    district = max((d for d in districts if d.parent_id == province.pk), key=lambda d: size[d.pk])
    n_models = {}
    for model in models:
        n_models[model.unit_id] = n_models.get(model.unit_id, 0) + 1
    in_district = [c for c in communes if c.parent_id == district.pk]
    commune = next((c for c in in_district if n_models.get(c.pk) == 2), in_district[0])
    # The paths must be exactly what Unit.save() would have written.
    assert Unit.objects.filter(path__startswith=province.path).count() == 1 + sum(
        1 + size[d.pk] for d in districts if d.parent_id == province.pk
    )
    people = {u.username: u for u in users}
    return {
        "period_year": period_years[YEARS[-1]],
        "province": province,
        "district": district,
        "commune": commune,
        "viewer": people[f"tinh{province.code}"],
        "officer": people[f"huyen{district.code}"],
        "secretary": people[f"xa{commune.code}"],
        "admin": people["bench_admin"],
        "sizes": {
            "provinces": len(provinces),
            "districts": len(districts),
            "grassroots unions": len(communes),
            "accounts": len(users),
            "support models": len(models),
            "registrations": len(registrations),
            f"registrations in {YEARS[-1]}": sum(r.year == YEARS[-1] for r in registrations),
            "planned-beneficiary rows": RegistrationTarget.objects.count(),
        },
        "largest": {
            "province": (province.name, per_province[province.pk]),
            "district": (district.name, size[district.pk]),
        },
    }


# --- The measurements -------------------------------------------------------------------------


def _scope_units(user, period_year) -> int:
    return selectors.grassroots_units(user=user, period_year=period_year).count()


def _queue_rows(user, year, status="", q="") -> int:
    filters = selectors.QueueFilters(year=year, status=status, q=q)
    return selectors.review_queue(user=user, filters=filters).count()


def cases(cast: dict) -> list[dict]:
    py = cast["period_year"]
    y = py.year
    viewer, officer, secretary, admin = (
        cast["viewer"],
        cast["officer"],
        cast["secretary"],
        cast["admin"],
    )
    province = cast["province"]
    review = f"/registry/review/?year={y}&status=submitted"
    done = f"/registry/completeness/?year={y}"

    def unions(user):
        return lambda: f"{_scope_units(user, py):,} unions"

    def queue(user, **kw):
        return lambda: f"{_queue_rows(user, y, **kw):,} registrations"

    return [
        {
            "page": "Home `/`",
            "role": "commune secretary",
            "user": secretary,
            "url": "/",
            "rows": lambda: (
                f"{Registration.objects.filter(unit=cast['commune']).count()} registrations"
            ),
        },
        {"page": "Home `/`", "role": "district officer", "user": officer, "url": "/"},
        {"page": "Home `/`", "role": "provincial viewer", "user": viewer, "url": "/"},
        {
            "page": "Review queue, submitted",
            "role": "district officer",
            "user": officer,
            "url": review,
            "rows": queue(officer, status=S.SUBMITTED),
        },
        {
            "page": "Review queue, submitted",
            "role": "provincial viewer",
            "user": viewer,
            "url": review,
            "rows": queue(viewer, status=S.SUBMITTED),
        },
        {
            "page": f"Review queue, search `q={SEARCH}`",
            "role": "provincial viewer",
            "user": viewer,
            "url": f"/registry/review/?year={y}&status=&q={SEARCH}",
            "rows": queue(viewer, q=SEARCH),
        },
        {"page": "Completeness", "role": "district officer", "user": officer, "url": done},
        {"page": "Completeness", "role": "provincial viewer", "user": viewer, "url": done},
        {
            "page": "Unit page `/units/<district>/`",
            "role": "district officer",
            "user": officer,
            "url": f"/units/{cast['district'].pk}/",
        },
        {
            "page": "Unit page `/units/<province>/`",
            "role": "provincial viewer",
            "user": viewer,
            "url": f"/units/{province.pk}/",
            "rows": lambda: (
                f"{Unit.objects.filter(path__startswith=province.path).count():,} units"
            ),
        },
        {
            "page": "selector `completeness()`",
            "role": "provincial viewer",
            "user": viewer,
            "call": lambda: selectors.completeness(user=viewer, period_year=py),
            "rows": unions(viewer),
        },
        # The whole country at once: what an administrator (superuser) sees.
        {
            "page": "Review queue, submitted",
            "role": "administrator (national)",
            "user": admin,
            "url": review,
            "rows": queue(admin, status=S.SUBMITTED),
        },
        {
            "page": f"Review queue, search `q={SEARCH}`",
            "role": "administrator (national)",
            "user": admin,
            "url": f"/registry/review/?year={y}&status=&q={SEARCH}",
            "rows": queue(admin, q=SEARCH),
        },
        {"page": "Completeness", "role": "administrator (national)", "user": admin, "url": done},
        {
            "page": "selector `completeness()`",
            "role": "administrator (national)",
            "user": admin,
            "call": lambda: selectors.completeness(user=admin, period_year=py),
            "rows": unions(admin),
        },
    ]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]  # nearest rank


class QueryTimer:
    """An execute wrapper: counts the queries and adds up the time spent executing them."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def meets_page_goal(median_ms: float, sql_ms: float) -> bool:
    return median_ms <= PAGE_MAX_MS and median_ms <= PAGE_MAX_SQL_RATIO * sql_ms


def measure(*, cast: dict, repeat: int) -> list[dict]:
    results = []
    py = cast["period_year"]
    for case in cases(cast):
        user = case["user"]
        # Reload: the request's user comes from the database too, with no cached relations.
        user = User.objects.select_related("unit").get(pk=user.pk)
        client = Client()
        client.force_login(user)

        def once(case=case, client=client, user=user):
            if "call" in case:
                case["call"]()
                return
            response = client.get(case["url"])
            if response.status_code != 200:
                raise CommandError(f"{case['url']} answered {response.status_code} for {user}")
            # Read the body like a browser would; streaming responses are not used here.
            len(response.content)

        once()  # warm-up: templates, translations, the database's caches
        timings, sql, counts = [], [], []
        for _ in range(repeat):
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                once()
                timings.append((time.perf_counter() - started) * 1000)
            sql.append(timer.seconds * 1000)
            counts.append(timer.count)
        rows = case.get("rows") or (lambda user=user: f"{_scope_units(user, py):,} unions")
        results.append(
            {
                "page": case["page"],
                "role": case["role"],
                "rows": rows(),
                "queries": f"{max(counts)}"
                if min(counts) == max(counts)
                else f"{min(counts)}–{max(counts)}",
                "median": statistics.median(timings),
                "sql": statistics.median(sql),
                "p95": _percentile(timings, 0.95),
            }
        )
    return results


def load_targets(cast: dict) -> list[dict]:
    """The addresses the load test requests, and whose session it sends."""
    y = cast["period_year"].year
    pages = [
        ("Home `/`", "/"),
        ("Review queue, submitted", f"/registry/review/?year={y}&status=submitted"),
        ("Completeness", f"/registry/completeness/?year={y}"),
    ]
    targets = [
        {"page": "`/healthz`", "role": "district officer", "url": "/healthz"},
        # Not part of the goal: the floor of any logged-in page (session, user, the layout, a
        # three-field form, no query of the programme's own), to read the other rows against.
        {
            "page": "Change password (smallest logged-in page, for reference)",
            "role": "district officer",
            "url": "/accounts/password_change/",
            "reference": True,
        },
    ]
    for role, user, unit in (
        ("district officer", cast["officer"], cast["district"]),
        ("provincial viewer", cast["viewer"], cast["province"]),
    ):
        for page, url in [*pages, (f"Unit page `/units/<{unit.kind}>/`", None)]:
            targets.append(
                {"page": page, "role": role, "url": url or f"/units/{unit.pk}/", "user": user}
            )
    for target in targets:
        target.setdefault("user", cast["officer"])
    return targets


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)  # a session row in the benchmark database, as a log-in makes
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def measure_load(*, cast: dict, seconds: float) -> dict:
    """Requests per second of each load target, served by gunicorn (see bench_load)."""
    targets = load_targets(cast)
    cookies = {}
    for target in targets:
        user = target["user"]
        if user.pk not in cookies:
            cookies[user.pk] = _session_cookie(user)
        target["cookie"] = cookies[user.pk]
    results = []
    with bench_load.serve(base_dir=Path(settings.BASE_DIR), secret_key=settings.SECRET_KEY) as port:
        for target in targets:
            # The session must really be logged in: a redirect to the log-in page would be
            # counted by wrk as a fast, successful answer.
            status, _body = bench_load.get(port, target["url"], target["cookie"])
            if status != 200:
                raise CommandError(f"gunicorn answered {status} for {target['url']}")
            figures = bench_load.drive(
                port=port, path=target["url"], cookie=target["cookie"], seconds=seconds
            )
            if figures["failed"] or figures["timeouts"]:
                raise CommandError(f"Failed requests under load for {target['url']}: {figures}")
            results.append(
                {
                    "page": target["page"],
                    "role": target["role"],
                    "reference": target.get("reference", False),
                    **figures,
                }
            )
    return {
        "rows": results,
        "tool": bench_load.tool(),
        "seconds": seconds,
        "gunicorn": _version("gunicorn"),
        "load": _load(),  # the machine may be shared: what else ran shows here
    }


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def load_share(rps: float, healthz_rps: float) -> float:
    return rps / healthz_rps if healthz_rps else 0.0


# --- The report -------------------------------------------------------------------------------


def _database_label() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version.split()[0]}"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def render_section(
    *, cast: dict, rows: list[dict], scale: float, repeat: int, throughput: dict | None = None
) -> str:
    sizes = ", ".join(f"{value:,} {name}" for name, value in cast["sizes"].items())
    largest_p, largest_d = cast["largest"]["province"], cast["largest"]["district"]
    pages = [row for row in rows if not row["page"].startswith("selector")]
    passed = sum(meets_page_goal(row["median"], row["sql"]) for row in pages)
    lines = [
        f"## {_database_label()}",
        "",
        f"- Date: {timezone.localdate().isoformat()}; commit {_commit()}; "
        f"scale {scale:g}; {repeat} timed requests per row after one warm-up.",
        f"- Machine: {os.cpu_count()} CPUs ({_cpu()}), {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, Django {django.get_version()}"
        f"; load average {cast['load']} before measuring.",
        f"- Dataset: {sizes}; programme year {cast['period_year'].year}.",
        f"- Measured in the largest province ({largest_p[0]}, {largest_p[1]:,} grassroots "
        f"unions) and its largest district ({largest_d[0]}, {largest_d[1]} unions).",
        '- Pages: Django\'s test client with DEBUG=False, in one process. "SQL ms" is the '
        "median over the timed requests of the time spent inside the database driver's "
        "`execute()` (an execute wrapper around every query"
        + (
            "; SQLite produces rows while they are fetched, so on SQLite it is only the time "
            "to each query's first row"
            if connection.vendor == "sqlite"
            else "; psycopg2 receives the whole result in `execute()`"
        )
        + f"). Goal: median ≤ {PAGE_MAX_SQL_RATIO}× SQL and ≤ {PAGE_MAX_MS} ms — "
        f"{passed} of {len(pages)} pages meet it.",
        "",
        "| page | role | rows in scope | queries | median ms | SQL ms | median ÷ SQL | p95 ms "
        "| goal |",
        "|---|---|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for row in rows:
        ratio = f"{row['median'] / row['sql']:.1f}" if row["sql"] else "—"
        lines.append(
            f"| {row['page']} | {row['role']} | {row['rows']} | {row['queries']} | "
            f"{row['median']:.1f} | {row['sql']:.1f} | {ratio} | {row['p95']:.1f} | "
            f"{_mark(meets_page_goal(row['median'], row['sql']))} |"
        )
    if throughput:
        lines += ["", *render_throughput(throughput)]
    return "\n".join(lines) + "\n"


def render_throughput(throughput: dict) -> list[str]:
    rows = throughput["rows"]
    healthz = rows[0]["rps"]
    officer = [
        row for row in rows[1:] if row["role"] == "district officer" and not row.get("reference")
    ]
    passed = sum(load_share(row["rps"], healthz) >= LOAD_MIN_SHARE for row in officer)
    client = (
        f"wrk, {bench_load.WRK_THREADS} threads"
        if throughput["tool"] == "wrk"
        else "a Python client, one process per connection (wrk was not installed)"
    )
    lines = [
        f"Throughput under load: gunicorn {throughput['gunicorn']}, {bench_load.WORKERS} sync "
        "workers on 127.0.0.1, DEBUG=0 (collected static files, persistent database "
        f"connections); {client}, {bench_load.CONNECTIONS} connections, "
        f"{throughput['seconds']:g} s per address, each with the session cookie of the role "
        f"shown; load average {throughput.get('load', 'unknown')} at the end. Goal: the "
        f"district officer's pages ≥ {LOAD_MIN_SHARE:.0%} of `/healthz`'s requests per second "
        f"— {passed} of {len(officer)} meet it.",
        "",
        "| address | session | requests/s | median ms | p99 ms | share of `/healthz` | goal |",
        "|---|---|---:|---:|---:|---:|:-:|",
    ]
    for index, row in enumerate(rows):
        share = load_share(row["rps"], healthz)
        p50 = "—" if row["p50"] is None else f"{row['p50']:.1f}"
        p99 = "—" if row["p99"] is None else f"{row['p99']:.1f}"
        lines.append(
            f"| {row['page']} | {row['role']} | {row['rps']:.1f} | {p50} | {p99} | "
            f"{share:.0%} | "
            f"{'—' if index == 0 or row.get('reference') else _mark(share >= LOAD_MIN_SHARE)} |"
        )
    return lines


HEADER = """# Benchmark at national scale

Produced by `make bench` (`manage.py bench`; `--database-url postgres://…/…bench` for
PostgreSQL, `--scale 0.1` for a quick run). The command builds a throwaway national dataset in
its own database — 63 provinces × ~11 districts × ~15 grassroots unions, one period of three
years, ~1.5 models and their registrations per union and year in mixed states, an account per
union — then requests each page with Django's test client (logged in, sessions in the
database, full template rendering, DEBUG off) and counts its SQL queries and the time spent
executing them, with an execute wrapper ("SQL ms"), against issue 7's goal: a page's median at
most 3× its own SQL and at most 100 ms. "queries" includes the session, user and savepoint
queries every request makes; p95 is the nearest-rank value (with the default 20 timed
requests, the second slowest). Then it serves the same database with gunicorn (3 sync workers,
DEBUG off) and loads `/healthz` and the officers' pages with wrk, each with a logged-in
session, for the other half of the goal: the district officer's pages at least 40 % of
`/healthz`'s requests per second (`--load-seconds 0` skips this); the smallest logged-in page
(change password) is loaded too, as a reference that does not count for the goal. Each
database below is rewritten by its own run; the rest of this file is kept.
"""


def update_document(path: Path, *, vendor: str, section: str) -> None:
    start, end = f"<!-- bench:{vendor}:start -->", f"<!-- bench:{vendor}:end -->"
    block = f"{start}\n{section}{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
