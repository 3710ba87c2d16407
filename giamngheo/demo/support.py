"""Demo funds, donations, disbursements, support to registry households and one model.

Figures and donors are invented. Idempotent: the city fund is seeded once, when it has no entry.
"""

import datetime as dt
import random

from django.db import transaction

from giamngheo.accounts.models import Organisation, OrganisationKind
from giamngheo.demo.programs import HAI_DUONG_TITLE, seed_actor
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.selectors import scope_roots
from giamngheo.households.models import Household
from giamngheo.programs.models import Activity
from giamngheo.reviews.models import Assessment
from giamngheo.support.models import (
    ContributionKind,
    Fund,
    FundingSource,
    FundKind,
    ReductionModel,
    SupportKind,
    SupportSource,
)
from giamngheo.support.services import (
    campaign_create,
    contribution_receive,
    disbursement_create,
    model_participants_add,
    pledge_create,
    reduction_model_create,
    sponsorship_create,
    support_record_create,
)

DONORS = [
    "Công ty Cổ phần Cảng Hải Phòng",
    "Ngân hàng TMCP Công thương chi nhánh Hải Phòng",
    "Công ty TNHH Điện tử Hải Phòng",
    "Tổng công ty Điện lực miền Bắc",
    "Hội Doanh nhân trẻ thành phố",
    "Ông Nguyễn Văn Thành",
    "Bà Trần Thị Thu",
    "Cán bộ, công chức Sở Nông nghiệp và Môi trường",
]


def _poor_households(province: AdminUnit, commune: AdminUnit | None, limit: int) -> list[Household]:
    """Households found poor in the 2024 round (the commune's first), else any of the province."""
    roots = scope_roots(province)
    poor = Assessment.objects.filter(
        AdminUnit.objects.within(roots, field="household__unit"),
        round__year=2024,
        poverty_class="poor",
    ).select_related("household__unit")
    chosen: list[Household] = []
    if commune is not None:
        local = AdminUnit.objects.within(scope_roots(commune), field="household__unit")
        chosen = [a.household for a in poor.filter(local).order_by("household_id")[:limit]]
    seen = {h.pk for h in chosen}
    for assessment in poor.order_by("household_id")[: limit * 2]:
        if len(chosen) >= limit:
            break
        if assessment.household_id not in seen:
            chosen.append(assessment.household)
    if chosen:
        return chosen
    return list(
        Household.objects.filter(AdminUnit.objects.within(roots, field="unit"))
        .select_related("unit")
        .order_by("pk")[:limit]
    )


@transaction.atomic
def support_seed_demo(
    *, province: AdminUnit, rng: random.Random, stdout, commune: AdminUnit | None = None
) -> Fund:
    """`commune`: where the demo's commune officer works, so that they see support records."""
    actor = seed_actor()
    front, _ = Organisation.objects.get_or_create(
        unit=province,
        name="Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hải Phòng",
        defaults={"short_name": "MTTQ Hải Phòng", "kind": OrganisationKind.FATHERLAND_FRONT},
    )
    fund, _ = Fund.objects.get_or_create(
        unit=province,
        name='Quỹ "Vì người nghèo" thành phố Hải Phòng',
        defaults={
            "kind": FundKind.FOR_THE_POOR,
            "managing_organisation": front,
            "opened_on": dt.date(2025, 7, 1),
        },
    )
    if fund.entries.exists():
        stdout.write("Demo funds already seeded.")
        return fund

    campaign = campaign_create(
        actor=actor,
        fund=fund,
        title='Tháng cao điểm "Vì người nghèo" năm 2025',
        starts_on=dt.date(2025, 10, 17),
        ends_on=dt.date(2025, 11, 18),
        target_amount=20_000_000_000,
    )
    big_pledge = pledge_create(
        actor=actor,
        fund=fund,
        campaign=campaign,
        donor_name=DONORS[0],
        amount=2_000_000_000,
        pledged_on=dt.date(2025, 10, 17),
        earmark="Xây nhà Đại đoàn kết",
    )
    contribution_receive(
        actor=actor,
        fund=fund,
        pledge=big_pledge,
        donor_name=DONORS[0],
        amount=1_500_000_000,
        received_on=dt.date(2025, 10, 30),
        earmark="Xây nhà Đại đoàn kết",
        receipt_number="BL-0001",
    )
    for number, donor in enumerate(DONORS[1:], start=2):
        contribution_receive(
            actor=actor,
            fund=fund,
            campaign=campaign,
            donor_name=donor,
            amount=rng.randrange(5, 500) * 1_000_000,
            received_on=dt.date(2025, 10, 17) + dt.timedelta(days=rng.randrange(0, 32)),
            receipt_number=f"BL-{number:04d}",
        )
    contribution_receive(
        actor=actor,
        fund=fund,
        campaign=campaign,
        donor_name="Nhà hảo tâm giấu tên",
        amount=50_000_000,
        received_on=dt.date(2025, 11, 2),
        acknowledge=False,
    )
    contribution_receive(
        actor=actor,
        fund=fund,
        campaign=campaign,
        kind=ContributionKind.IN_KIND,
        donor_name="Siêu thị Co.opmart Hải Phòng",
        amount=120_000_000,
        goods="600 suất quà Tết (gạo, dầu ăn, bánh chưng)",
        received_on=dt.date(2025, 11, 10),
    )
    households = _poor_households(province, commune, 40)
    housing_activity = Activity.objects.filter(
        content_area__program__title=HAI_DUONG_TITLE, content_area__number=2
    ).first()
    for household in households[:12]:
        disbursement_create(
            actor=actor,
            fund=fund,
            amount=rng.choice([40, 50, 60]) * 1_000_000,
            disbursed_on=dt.date(2025, 12, 1) + dt.timedelta(days=rng.randrange(0, 20)),
            purpose="Hỗ trợ xây nhà Đại đoàn kết",
            household=household,
            support_kind=SupportKind.HOUSING_NEW,
            decision_number="25/QĐ-BTT",
        )
    disbursement_create(
        actor=actor,
        fund=fund,
        amount=300_000_000,
        disbursed_on=dt.date(2026, 1, 20),
        purpose="Quà Tết Bính Ngọ cho hộ nghèo",
        recipient="Ủy ban MTTQ các xã, phường",
    )
    # Support given in 2024, before the 2025 round, so that its outcome can be read against it.
    kinds = [
        (SupportKind.HOUSING_REPAIR, 30_000_000, "Dự án 5 — Hỗ trợ nhà ở, Quyết định 90/QĐ-TTg"),
        (SupportKind.HEALTH_INSURANCE, 1_263_600, "Ngân sách nhà nước — thẻ BHYT hộ nghèo"),
        (SupportKind.LIVESTOCK_SEED, 15_000_000, "Dự án 2 — Đa dạng hóa sinh kế"),
        (SupportKind.VOCATIONAL_TRAINING, 4_000_000, "Dự án 4 — Giáo dục nghề nghiệp"),
        (SupportKind.SCHOLARSHIP, 2_000_000, "Ngân sách địa phương"),
    ]
    for household in households[12:]:
        kind, value, line = rng.choice(kinds)
        support_record_create(
            actor=actor,
            household=household,
            kind=kind,
            value=value,
            given_on=dt.date(2024, rng.randrange(1, 10), rng.randrange(1, 28)),
            source=SupportSource.BUDGET,
            budget_line=line,
        )
    if housing_activity is not None and households:
        support_record_create(
            actor=actor,
            household=households[-1],
            kind=SupportKind.HOUSING_NEW,
            value=60_000_000,
            given_on=dt.date(2024, 10, 15),
            source=SupportSource.ACTIVITY,
            activity=housing_activity,
            provider=housing_activity.responsible.organisation,
        )
    if households:
        sponsorship_create(
            actor=actor,
            household=households[0],
            sponsor_organisation=front,
            starts_on=dt.date(2025, 7, 1),
            ends_on=dt.date(2027, 6, 30),
            commitment="Nhận đỡ đầu: hỗ trợ sinh kế và học phí cho con (minh họa).",
            yearly_value=12_000_000,
        )
    commune = commune or (
        households[0].unit.commune()
        if households
        else AdminUnit.objects.filter(level=Level.COMMUNE, parent=province).first()
    )
    if commune is not None and not ReductionModel.objects.filter(unit=commune).exists():
        model = reduction_model_create(
            actor=actor,
            name="Mô hình nuôi bò sinh sản cho hộ nghèo",
            unit=commune,
            starts_on=dt.date(2024, 3, 1),
            ends_on=dt.date(2025, 12, 31),
            funding={
                FundingSource.CENTRAL_BUDGET: 600_000_000,
                FundingSource.LOCAL_BUDGET: 150_000_000,
                FundingSource.PEOPLE: 90_000_000,
            },
            location=str(commune),
        )
        roots = scope_roots(commune)
        local = [h for h in households if any(r.contains(h.unit) for r in roots)]
        model_participants_add(actor=actor, model=model, households=local[:15])
    stdout.write(f"Demo fund seeded with {fund.entries.count()} ledger entries.")
    return fund
