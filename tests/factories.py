"""factory_boy factories for the union tree and accounts.

Units get their materialised path from ``Unit.save()``, so a factory-built tree behaves exactly
like one loaded from the Hà Tĩnh fixtures. Users get a known password (``TEST_PASSWORD``) for
tests that log in through the real form; most tests use ``client.force_login`` instead.
"""

import datetime
import io

import factory
from factory.django import DjangoModelFactory
from PIL import Image
from pypdf import PdfWriter

from doanthanhnien.models import Unit, User
from models_registry.models import RegistrationTarget, ResultReportTarget

TEST_PASSWORD = "Thu-nghiem-2025!"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"Đoàn xã Thử Nghiệm {n}")
    kind = Unit.Kind.COMMUNE
    parent = None


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "An"
    last_name = "Nguyễn Văn"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = User.Role.SECRETARY
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password(TEST_PASSWORD)


# --- The programme (models_registry) -------------------------------------------------------


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 94, 184)).save(buffer, format="PNG")
    return buffer.getvalue()


# Small real files that the upload checks (pypdf, Pillow) accept. A PNG made by Pillow comes
# back byte for byte from the upload's re-encoding.
PDF_BYTES = _pdf_bytes()
PNG_BYTES = _png_bytes()


class TargetGroupFactory(DjangoModelFactory):
    """The seven groups come from a data migration: this finds them by code."""

    class Meta:
        model = "models_registry.TargetGroup"
        django_get_or_create = ("code",)

    code = 1
    name = factory.LazyAttribute(lambda o: f"Nhóm đối tượng {o.code}")
    short_name = factory.LazyAttribute(lambda o: f"Nhóm {o.code}")


class ModelCategoryFactory(DjangoModelFactory):
    """The four categories come from a data migration: this finds them by code."""

    class Meta:
        model = "models_registry.ModelCategory"
        django_get_or_create = ("code",)

    code = 1
    name = factory.LazyAttribute(lambda o: f"Nội dung mô hình {o.code}")


class PeriodFactory(DjangoModelFactory):
    class Meta:
        model = "models_registry.Period"

    start_year = 2020
    end_year = 2022
    name = factory.LazyAttribute(lambda o: f"Giai đoạn {o.start_year}–{o.end_year}")
    is_open = True


class PeriodYearFactory(DjangoModelFactory):
    """A programme year whose registration deadline is still ahead (nothing is late)."""

    class Meta:
        model = "models_registry.PeriodYear"
        django_get_or_create = ("period", "year")

    period = factory.SubFactory(PeriodFactory)
    year = factory.LazyAttribute(lambda o: o.period.end_year)
    registration_deadline = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=60)
    )
    report_deadline = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=300)
    )


class SupportModelFactory(DjangoModelFactory):
    """A complete model of a grassroots union; ``target_groups`` defaults to group 1."""

    class Meta:
        model = "models_registry.SupportModel"
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Mô hình hỗ trợ số {n}")
    category = factory.SubFactory(ModelCategoryFactory)
    description = "Hỗ trợ thanh thiếu niên yếu thế trên địa bàn xã."
    area = "Các thôn trong xã"
    implementers = "Ban Chấp hành Đoàn xã"

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if not create:
            return
        groups = [TargetGroupFactory(code=1)] if extracted is None else extracted
        self.target_groups.set(groups)


class RegistrationFactory(DjangoModelFactory):
    """A registration complete enough to submit: expected results, a plan, planned counts.

    ``targets`` takes ``{target group: count}``; by default every target group of the model
    gets 5. Pass ``targets={}`` and ``plan_document=""`` for an incomplete draft.
    """

    class Meta:
        model = "models_registry.Registration"
        skip_postgeneration_save = True

    support_model = factory.SubFactory(SupportModelFactory)
    unit = factory.SelfAttribute("support_model.unit")
    period_year = factory.SubFactory(PeriodYearFactory)
    year = factory.SelfAttribute("period_year.year")
    status = "draft"
    expected_results = "Hỗ trợ thường xuyên 10 thanh thiếu niên yếu thế."
    planned_budget = 5_000_000
    plan_document = factory.django.FileField(filename="ke-hoach.pdf", data=PDF_BYTES)
    plan_document_name = "Kế hoạch triển khai.pdf"

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = dict.fromkeys(self.support_model.target_groups.all(), 5)
        for group, count in extracted.items():
            RegistrationTarget.objects.create(
                registration=self, target_group=group, planned_count=count
            )


class ResultReportFactory(DjangoModelFactory):
    """A final report complete enough to submit, of an approved registration.

    ``targets`` takes ``{target group: (total, female)}``; by default every target group of the
    model gets (6, 2). Pass ``targets={}`` for a report without counts.
    """

    class Meta:
        model = "models_registry.ResultReport"
        skip_postgeneration_save = True

    registration = factory.SubFactory(RegistrationFactory, status="approved")
    unit = factory.SelfAttribute("registration.unit")
    year = factory.SelfAttribute("registration.year")
    kind = "final"
    status = "draft"
    unit_address = "Nhà văn hóa xã, thôn 3"
    area = "Thôn 1, thôn 2 và thôn 3"
    start_date = datetime.date(2022, 4, 1)
    form_and_content = "Sinh hoạt định kỳ hằng tháng, tặng sách và học bổng."
    results = "12 thanh thiếu niên được hỗ trợ thường xuyên; 3 em có việc làm ổn định."
    funds_union = 2_000_000
    funds_sponsors = 5_000_000

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            groups = self.registration.support_model.target_groups.all()
            extracted = dict.fromkeys(groups, (6, 2))
        for group, (total, female) in extracted.items():
            ResultReportTarget.objects.create(
                report=self, target_group=group, total=total, female=female
            )
