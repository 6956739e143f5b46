"""Demo recognitions, a commendation and a replication (after ``demo.seed_programme``), taken
through the product's own services. Idempotent.

Hương Khê's standing committee (demo_btv) recognises two models for 2021 and refuses one with a
reason; the provincial union (demo_tinh) commends the first; Hương Trạch (demo_xa2) replicates
it. Hương Trà's model (demo_xa) is left alone: the browser journey recognises it.
"""

from datetime import date

from doanthanhnien.models import User

from . import recognition_services, services
from .models import Commendation, Period, Recognition, ResultReport, SupportModel

R = ResultReport.Status
D = Recognition.Decision
# The demo people's own unions: the journeys work on them.
LEFT_ALONE = ("18550", "18553")
REFUSAL_REASON = (
    "Báo cáo tổng kết năm 2021 bị trả lại, chưa được tiếp nhận; mô hình chưa chứng minh được "
    "hiệu quả đối với nhóm đối tượng thụ hưởng. Đề nghị Đoàn xã bổ sung và đề xuất lại."
)


def seed_library(*, stdout) -> None:
    period = Period.objects.filter(name="Giai đoạn 2020–2022").first()
    people = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    btv, tinh, xa2 = people.get("demo_btv"), people.get("demo_tinh"), people.get("demo_xa2")
    if period is None or btv is None:
        return
    finals = list(
        ResultReport.objects.filter(
            year=2021, kind=ResultReport.Kind.FINAL, unit__parent__code="444"
        )
        .exclude(unit__code__in=LEFT_ALONE)
        .select_related("registration__support_model")
        .order_by("unit__code")
    )
    accepted = [r.registration.support_model for r in finals if r.status == R.ACCEPTED][:2]
    returned = [r.registration.support_model for r in finals if r.status == R.RETURNED][:1]
    decided = 0
    plans = [(m, D.RECOGNISED, "") for m in accepted] + [
        (m, D.NOT_RECOGNISED, REFUSAL_REASON) for m in returned
    ]
    for number, (model, decision, reason) in enumerate(plans, start=12):
        if Recognition.objects.filter(support_model=model, period=period, year=2021).exists():
            continue
        recognition_services.recognition_decide(
            actor=btv,
            support_model=model,
            period=period,
            year=2021,
            decision=decision,
            reason=reason,
            decision_number=f"{number}-QĐ/HĐTN",
            decision_date=date(2022, 1, 10),
        )
        decided += 1
    if not accepted:
        return
    best = accepted[0]
    if tinh is not None and not Commendation.objects.filter(support_model=best).exists():
        recognition_services.commendation_create(
            actor=tinh,
            support_model=best,
            level=Commendation.Level.DIPLOMA,
            decision_number="25-QĐ/TĐTN",
            decision_date=date(2022, 3, 26),
            content=(
                "Đã có thành tích xuất sắc trong xây dựng và duy trì mô hình hỗ trợ thanh thiếu "
                "niên yếu thế năm 2021."
            ),
        )
    if xa2 is not None and not SupportModel.objects.filter(replicated_from=best).exists():
        replica = recognition_services.support_model_replicate(actor=xa2, origin=best)
        services.support_model_update(
            actor=xa2,
            model=replica,
            target_groups=list(replica.target_groups.all()),
            area="Thôn 1, thôn 2 và thôn 5, xã Hương Trạch",
            implementers="Ban Chấp hành Đoàn xã Hương Trạch; Bí thư chi đoàn các thôn",
        )
    stdout.write(f"Demo library: {decided} recognition decisions added.")
