"""`make bench` for the summaries: PDF and workbook exports at national scale.

Same throwaway database and national dataset as ``manage.py bench`` (whose parent process this
command reuses). On top of it the child adds a district of 30 communes in the largest province
and a national root union above the 63 provinces, then measures, each case in a fresh process
so its peak memory is its own:

* the district PDF and workbook of the 30-commune district (year 2022),
* the province workbook of the largest province (2022),
* the national workbook of every registration (2020–2022), and side by side
* a django-import-export export (``ModelResource`` → tablib → xlsx) of the same rows.

Peak memory is the process's resident high-water mark (``VmHWM``; not ``ru_maxrss``, which
Linux carries over from the forking parent, here the process that built the dataset) minus what
it held before the case ran (Django, the libraries and the database connection already loaded).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from import_export import fields, resources

from doanthanhnien.models import Unit, User
from doanthanhnien.services import unit_rewrite_path
from models_registry.management.commands import bench
from models_registry.models import Registration, RegistrationTarget, SupportModel, TargetGroup

CASES = {
    "district_pdf": "District PDF (30 communes, 2022)",
    "district_xlsx": "District workbook (30 communes, 2022)",
    "province_xlsx": "Province workbook (largest province, 2022)",
    "national_xlsx": "National workbook, every registration (2020–2022)",
    "national_import_export": "django-import-export, same rows as the national list",
}


class Command(bench.Command):
    help = (
        "Benchmark the summary exports (PDF, workbooks) on the national dataset, in a "
        "throwaway database; writes the 'reports' sections of docs/bench.md."
    )
    child_command = "bench_reports"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--case", choices=list(CASES), help="internal: measure one case")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Measure again on the dataset a previous run left (skips the ~5 min build).",
        )

    def handle(self, *args, **options):
        if options.get("case"):
            self._guard()
            self._measure(options["case"], options["repeat"])
            return
        if options["reuse"] and not options["child"]:
            url = options["database_url"] or (
                f"sqlite:///{Path(settings.BASE_DIR) / bench.DEFAULT_SQLITE}"
            )
            env = {**os.environ, "DATABASE_URL": url, bench.BENCH_ENV: url, "DEBUG": "1"}
            manage = str(Path(settings.BASE_DIR) / "manage.py")
            child = [sys.executable, manage, "bench_reports", "--child", "--reuse"]
            child += [f"--repeat={options['repeat']}", f"--output={options['output']}"]
            subprocess.run(child, env=env, check=True)  # noqa: S603
            return
        super().handle(*args, **options)

    def _guard(self):
        expected = os.environ.get(bench.BENCH_ENV)
        current = settings.DATABASES["default"]
        if (
            not expected
            or not bench._is_bench_name(current)
            or not bench._same_database(dj_database_url.parse(expected), current)
        ):
            raise CommandError("--child/--case are internal: run `manage.py bench_reports`.")

    # --- The child: build, then run each case in its own process --------------------------

    def _child(self, options):
        self._guard()
        if options["reuse"]:
            cast, extra = _cast_from_database()
        else:
            rng = random.Random(options["seed"])  # noqa: S311 - reproducible data, not secrets
            self.stdout.write(f"Building the national dataset (scale {options['scale']:g}) …")
            self.stdout.flush()
            started = time.monotonic()
            with transaction.atomic():
                cast = bench.build_dataset(rng=rng, scale=options["scale"])
                extra = _add_district_and_root(rng=rng, cast=cast)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(f"Built in {time.monotonic() - started:.0f} s. Measuring …")
            self.stdout.flush()
        load = bench._load()
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        rows = []
        for case in CASES:
            out = subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    manage,
                    "bench_reports",
                    f"--case={case}",
                    f"--repeat={options['repeat']}",
                ],
                env=os.environ.copy(),
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode:
                raise CommandError(f"{case} failed:\n{out.stderr[-3000:]}")
            rows.append({"case": case, **json.loads(out.stdout.strip().splitlines()[-1])})
            self.stdout.write(f"  {CASES[case]}: {rows[-1]}")
            self.stdout.flush()
        section = _render(cast=cast, extra=extra, rows=rows, load=load, options=options)
        self.stdout.write(section)
        if options["output"]:
            path = Path(settings.BASE_DIR) / options["output"]
            bench.update_document(path, vendor=f"reports-{connection.vendor}", section=section)
            self.stdout.write(f"Written to {options['output']}.")

    # --- One case, in a fresh process ------------------------------------------------------

    def _measure(self, case: str, repeat: int):
        import io

        import weasyprint  # noqa: F401 - loaded before the baseline, like in a warm server
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from reports.selectors import Span, summary

        admin = User.objects.get(username="bench_admin")
        district = Unit.objects.get(code="B30")
        province = Unit.objects.filter(pk=district.parent_id).get()
        client = Client()
        client.force_login(admin)
        urls = {
            "district_pdf": reverse("reports:summary", args=[district.code, "2022", "pdf"]),
            "district_xlsx": reverse("reports:summary", args=[district.code, "2022", "xlsx"]),
            "province_xlsx": reverse("reports:summary", args=[province.code, "2022", "xlsx"]),
            "national_xlsx": reverse("reports:summary", args=["TW", "2020-2022", "xlsx"]),
        }
        national = Unit.objects.get(code="TW")
        content = None

        def run():
            nonlocal content
            if case == "national_import_export":
                # The same rows as the workbook's list: the summary decides which they are.
                national_rows = summary(root=national, span=Span(2020, 2022))
                data = RegistrationResource().export(
                    queryset=Registration.objects.filter(
                        national_rows.registration_filter
                    ).order_by("unit__name_sort", "year", "support_model__name", "pk")
                )
                content = data.export("xlsx")
                return len(content)
            response = client.get(urls[case])
            if response.status_code != 200:
                raise CommandError(f"{urls[case]} answered {response.status_code}")
            content = response.content
            return len(content)

        baseline = _rss_mb()
        timings, cpu = [], []
        queries = None
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                size = run()
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            queries = len(captured)
        peak = _peak_mb()
        rows = None  # counted after the timing: registrations listed in the file
        if case.endswith("xlsx") or case == "national_import_export":
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
            names = book.sheetnames
            sheet = book["Danh sách mô hình"] if "Danh sách mô hình" in names else book.active
            counted = sum(1 for _ in sheet.iter_rows(values_only=True))
            rows = counted - (1 if case == "national_import_export" else 4)
        print(  # noqa: T201 - the parent reads this line
            json.dumps(
                {
                    "median_s": round(statistics.median(timings), 2),
                    "max_s": round(max(timings), 2),
                    "cpu_s": round(statistics.median(cpu), 2),
                    "peak_mb": round(peak - baseline, 1),
                    "bytes": size,
                    "rows": rows,
                    "queries": queries,
                }
            )
        )


def _peak_mb() -> float:
    """This process image's resident high-water mark (reset by exec, unlike ``ru_maxrss``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise CommandError("No VmHWM in /proc/self/status.")


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


class RegistrationResource(resources.ModelResource):
    """The national list as django-import-export would export it: the same columns as the
    workbook's "Danh sách mô hình" sheet, through its usual field declarations."""

    unit_name = fields.Field(attribute="unit__name", column_name="Đơn vị đăng ký")
    model_name = fields.Field(attribute="support_model__name", column_name="Tên mô hình")
    category = fields.Field(
        attribute="support_model__category__name", column_name="Nội dung mô hình"
    )
    implementers = fields.Field(
        attribute="support_model__implementers", column_name="Người thực hiện"
    )
    contact = fields.Field(attribute="support_model__contact", column_name="Liên hệ")
    area = fields.Field(attribute="support_model__area", column_name="Địa bàn")
    partners = fields.Field(attribute="support_model__partners", column_name="Phối hợp")
    start_date = fields.Field(
        attribute="support_model__start_date", column_name="Thời gian bắt đầu"
    )
    targets = fields.Field(column_name="Nhóm đối tượng")

    class Meta:
        model = Registration
        # With prefetch_related, django-import-export pages through the queryset with
        # OFFSET/LIMIT (default 100 rows a page: 440 sorted queries nationally, quadratic);
        # pages of 2,000 rows are what one would configure for an export of this size.
        chunk_size = 2000
        fields = [
            "unit_name",
            "year",
            "model_name",
            "category",
            "targets",
            "implementers",
            "contact",
            "area",
            "partners",
            "start_date",
            "expected_results",
            "planned_budget",
            "budget_sources",
            "status",
            "submitted_at",
            "is_late",
        ]

    def get_queryset(self):
        return Registration.objects.all()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("unit", "support_model__category").prefetch_related(
            "targets__target_group"
        )

    def dehydrate_targets(self, registration):
        return "; ".join(
            f"{t.target_group.short_name}: {t.planned_count}" for t in registration.targets.all()
        )


# --- Extra data: a 30-commune district and a national root -----------------------------------


def _add_district_and_root(*, rng, cast) -> dict:
    province = cast["province"]
    district = Unit(
        code="B30", name="Huyện đoàn Ba Mươi Xã", kind=Unit.Kind.DISTRICT, parent=province
    )
    district.save()
    template = list(
        SupportModel.objects.filter(unit__parent=cast["district"]).select_related("category")[:40]
    )
    years = {py.year: py for py in cast["period_year"].period.years.all()}
    regs, targets = [], []
    for index in range(30):
        commune = Unit(
            code=f"B30{index:02d}",
            name=f"Đoàn xã Thứ {index + 1}",
            kind=Unit.Kind.COMMUNE,
            parent=district,
        )
        commune.save()
        for source in rng.sample(template, rng.choice((1, 2))):
            model = SupportModel.objects.create(
                unit=commune,
                name=source.name,
                category=source.category,
                description=source.description,
                area=source.area,
                implementers=f"Ban Chấp hành {commune.name}",
                partners=source.partners,
                start_date=date(2020, 4, 1),
            )
            for year, py in years.items():
                regs.append(
                    Registration(
                        support_model=model,
                        unit=commune,
                        period_year=py,
                        year=year,
                        status=bench._pick(rng, bench.PAST_MIX),
                        expected_results=f"Hỗ trợ {rng.randint(5, 30)} thanh thiếu niên yếu thế.",
                        planned_budget=rng.randint(3, 30) * 1_000_000,
                        budget_sources="Quỹ Đoàn xã; nguồn xã hội hóa",
                        submitted_at=bench._at(date(year, 3, rng.randint(1, 28))),
                    )
                )
    Registration.objects.bulk_create(regs)
    group_ids = list(TargetGroup.objects.values_list("pk", flat=True))
    for reg in regs:
        for group in rng.sample(group_ids, 2):
            targets.append(
                RegistrationTarget(
                    registration=reg, target_group_id=group, planned_count=rng.randint(2, 15)
                )
            )
    RegistrationTarget.objects.bulk_create(targets)

    national = Unit(code="TW", name="Trung ương Đoàn", kind=Unit.Kind.BLOC)
    national.save()
    for province_unit in Unit.objects.filter(kind=Unit.Kind.PROVINCE, parent=None):
        province_unit.parent = national
        Unit.objects.filter(pk=province_unit.pk).update(parent=national)
        unit_rewrite_path(unit=province_unit, new_path=f"{national.path}{province_unit.pk}/")
    return {"district_registrations": len(regs)}


def _cast_from_database() -> tuple[dict, dict]:
    """What the report says about the dataset, read back from a previous run's database."""
    if not Unit.objects.filter(code="TW").exists():
        raise CommandError("No dataset from a previous run here: run without --reuse.")
    district = Unit.objects.get(code="B30")
    province = Unit.objects.get(pk=district.parent_id)
    grassroots = Unit.objects.filter(kind__in=Unit.GRASSROOTS_KINDS)
    sizes = {
        "provinces": Unit.objects.filter(kind=Unit.Kind.PROVINCE).count(),
        "districts": Unit.objects.filter(kind=Unit.Kind.DISTRICT).count(),
        "grassroots unions": grassroots.count(),
        "support models": SupportModel.objects.count(),
        "registrations": Registration.objects.count(),
        "planned-beneficiary rows": RegistrationTarget.objects.count(),
    }
    in_province = grassroots.filter(path__startswith=province.path).count()
    cast = {"sizes": sizes, "largest": {"province": (province.name, in_province)}}
    extra = {"district_registrations": Registration.objects.filter(unit__parent=district).count()}
    return cast, extra


def _render(*, cast, extra, rows, load, options) -> str:
    sizes = ", ".join(f"{value:,} {name}" for name, value in cast["sizes"].items())
    lines = [
        f"## Summaries (PDF, workbooks) — {bench._database_label()}",
        "",
        f"- Date: {timezone.localdate().isoformat()}; commit {bench._commit()}; scale "
        f"{options['scale']:g}{' (dataset reused)' if options['reuse'] else ''}; "
        f"{options['repeat']} timed runs per row, each case in a fresh "
        "process.",
        f"- Machine: {os.cpu_count()} CPUs ({bench._cpu()}); load average {load} before measuring.",
        f"- Dataset: {sizes}; plus a 30-commune district ({extra['district_registrations']} "
        f"registrations) in {cast['largest']['province'][0]} and a national root union.",
        "- peak MB: resident high-water mark of the process minus what it held before the case; "
        "CPU s: the process's own CPU time (the machine is shared, so wall time includes "
        "waiting for a core).",
        "",
        "| export | rows listed | queries | median s | max s | CPU s | peak MB | file KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        listed = f"{row['rows']:,}" if row["rows"] is not None else "—"
        lines.append(
            f"| {CASES[row['case']]} | {listed} | {row['queries']} | {row['median_s']:.2f} | "
            f"{row['max_s']:.2f} | {row['cpu_s']:.2f} | {row['peak_mb']:.1f} | "
            f"{row['bytes'] / 1024:,.0f} |"
        )
    return "\n".join(lines) + "\n"
