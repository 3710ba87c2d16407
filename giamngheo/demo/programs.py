"""The two real coordination programs of coordination-programs.md, with plausible follow-up.

Facts (parties, dates, periods, legal bases, content areas) are the reports'; plans, activities,
figures and the inspection are invented for the demo. Idempotent: a program already present
(same unit and title) is left as it is.
"""

import datetime as dt
import random
from collections.abc import Sequence

from django.db import transaction

from giamngheo.accounts.models import Organisation, OrganisationKind, Role, User
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.programs.models import (
    ActivityStatus,
    AwardForm,
    ConferenceKind,
    ContentCategory,
    CoordinationProgram,
    ReviewKind,
)
from giamngheo.programs.services import (
    AreaSpec,
    IndicatorSpec,
    LegalBasisSpec,
    PartySpec,
    activity_create,
    activity_report,
    commendation_award,
    conference_hold,
    inspection_plan,
    inspection_record,
    plan_create,
    program_create,
    recommendation_add,
    recommendation_follow_up,
    review_hold,
)

HAI_DUONG_TITLE = (
    "Chương trình phối hợp thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững "
    "giai đoạn 2021–2025 trên địa bàn tỉnh Hải Dương"
)
HAI_PHONG_TITLE = (
    "Chương trình phối hợp giữa Hội Nông dân thành phố và Sở Lao động - Thương binh và Xã hội "
    "thành phố Hải Phòng giai đoạn 2019–2023"
)

HAI_DUONG_AREAS = [
    (
        "propaganda",
        "Tuyên truyền chủ trương của Đảng, chính sách, pháp luật của Nhà nước về Chương trình",
    ),
    (
        "resource-mobilisation",
        "Vận động nguồn lực giúp đỡ người nghèo, hộ nghèo thoát nghèo bền vững",
    ),
    ("poverty-reduction-models", "Xây dựng các mô hình giảm nghèo"),
    ("inspection-supervision", "Kiểm tra, giám sát việc thực hiện"),
    ("review-commendation", "Sơ kết, tổng kết, biểu dương, khen thưởng"),
    ("conferences", "Tổ chức hội nghị, hội thảo"),
]
HAI_PHONG_AREAS = [
    (
        "propaganda",
        "Tuyên truyền, vận động, giáo dục cán bộ, hội viên, nông dân về chính sách an sinh xã hội",
    ),
    ("vocational-training", "Đào tạo nghề cho lao động nông thôn"),
    ("employment", "Giáo dục nghề nghiệp và việc làm"),
    ("sustainable-poverty-reduction", "Giảm nghèo bền vững"),
    ("labour-safety", "An toàn, vệ sinh lao động"),
    ("child-protection", "Bảo vệ, chăm sóc trẻ em"),
    ("social-protection", "Bảo trợ xã hội"),
    ("gender-equality", "Bình đẳng giới"),
    ("social-evils-prevention", "Phòng, chống tệ nạn xã hội"),
    ("social-insurance", "Bảo hiểm xã hội"),
    (None, ""),  # the eleventh is not named in the report: left for an officer to fill in
]


def seed_actor() -> User:
    """An active system administrator; a password-less one if the demo has none yet."""
    actor = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True, unit__isnull=True).first()
    if actor is None:
        actor, _ = User.objects.get_or_create(
            username="he-thong", defaults={"role": Role.SYSTEM_ADMIN, "first_name": "Hệ thống"}
        )
        actor.set_unusable_password()
        actor.save()
    return actor


def _organisation(unit: AdminUnit, name: str, short: str, kind: str, valid_to=None) -> Organisation:
    """The same rows as the demo province's organisations (same unit and name)."""
    organisation, _ = Organisation.objects.get_or_create(
        unit=unit, name=name, defaults={"short_name": short, "kind": kind, "valid_to": valid_to}
    )
    return organisation


def _former_province(code: str) -> AdminUnit | None:
    return (
        AdminUnit.objects.filter(level=Level.PROVINCE, code=code, valid_to__isnull=False)
        .order_by("-valid_to")
        .first()
    )


def _areas(specs: Sequence[tuple[str | None, str]]) -> list[AreaSpec]:
    categories = {c.code: c for c in ContentCategory.objects.all()}
    return [AreaSpec(title, categories.get(code) if code else None) for code, title in specs]


def _seed_hai_duong(former_hd: AdminUnit, actor: User, rng: random.Random) -> CoordinationProgram:
    dolisa = _organisation(
        former_hd,
        "Sở Lao động - Thương binh và Xã hội tỉnh Hải Dương",
        "Sở LĐTBXH Hải Dương",
        OrganisationKind.DEPARTMENT,
        dt.date(2025, 2, 28),
    )
    front = _organisation(
        former_hd,
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Hải Dương",
        "MTTQ Hải Dương",
        OrganisationKind.FATHERLAND_FRONT,
        dt.date(2025, 6, 30),
    )
    program = program_create(
        actor=actor,
        title=HAI_DUONG_TITLE,
        signed_on=dt.date(2023, 8, 7),
        start_year=2021,
        end_year=2025,
        unit=former_hd,
        purpose=(
            "Phối hợp tổ chức thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững "
            "giai đoạn 2021–2025 trên địa bàn tỉnh."
        ),
        coordination_method=(
            "Chương trình quy định phương thức phối hợp và trách nhiệm của mỗi bên; "
            "đầu mối của Sở là Phòng Bảo trợ xã hội."
        ),
        parties=[
            PartySpec(
                dolisa,
                "Chủ trì tham mưu tổ chức thực hiện Chương trình; cung cấp thông tin về chính "
                "sách giảm nghèo và kết quả rà soát hộ nghèo (đầu mối: Phòng Bảo trợ xã hội).",
            ),
            PartySpec(
                front,
                'Tuyên truyền, vận động Quỹ "Vì người nghèo" và các nguồn lực xã hội; giám sát '
                "việc thực hiện chính sách giảm nghèo.",
            ),
        ],
        legal_bases=[
            LegalBasisSpec(
                "05-CT/TW",
                dt.date(2021, 6, 23),
                "Ban Bí thư Trung ương Đảng",
                "Chỉ thị về tăng cường sự lãnh đạo của Đảng đối với công tác giảm nghèo bền "
                "vững đến năm 2030",
            ),
            LegalBasisSpec(
                "24/2021/QH15",
                dt.date(2021, 7, 28),
                "Quốc hội",
                "Nghị quyết phê duyệt chủ trương đầu tư Chương trình mục tiêu quốc gia giảm "
                "nghèo bền vững giai đoạn 2021–2025",
            ),
            LegalBasisSpec(
                "109/CTr-BLĐTBXH-MTTQVN",
                dt.date(2023, 1, 11),
                "Bộ Lao động - Thương binh và Xã hội và Ban Thường trực Ủy ban Trung ương "
                "MTTQ Việt Nam",
                "Chương trình phối hợp",
            ),
        ],
        content_areas=_areas(HAI_DUONG_AREAS),
    )
    area = {a.number: a for a in program.content_areas.all()}
    plans = {
        year: plan_create(
            actor=actor, program=program, year=year, title=f"Kế hoạch phối hợp năm {year}"
        )
        for year in (2024, 2025)
    }
    specs = [
        (
            1,
            "Tuyên truyền trên Báo Hải Dương và Đài Phát thanh - Truyền hình tỉnh",
            dolisa,
            [front],
            dt.date(2024, 2, 1),
            dt.date(2024, 12, 31),
            120_000_000,
            [("Tin, bài, phóng sự", 48, "tin bài")],
            ActivityStatus.DONE,
            52,
        ),
        (
            2,
            'Vận động Quỹ "Vì người nghèo", hỗ trợ xây mới, sửa chữa nhà ở cho hộ nghèo',
            front,
            [dolisa],
            dt.date(2024, 3, 1),
            dt.date(2024, 11, 18),
            6_000_000_000,
            [("Hộ nghèo được hỗ trợ nhà ở", 120, "hộ")],
            ActivityStatus.DONE,
            108,
        ),
        (
            3,
            "Nhân rộng mô hình chăn nuôi bò sinh sản cho hộ nghèo",
            dolisa,
            [front],
            dt.date(2024, 4, 1),
            dt.date(2025, 6, 30),
            900_000_000,
            [("Hộ tham gia mô hình", 60, "hộ")],
            ActivityStatus.IN_PROGRESS,
            41,
        ),
        (
            4,
            "Giám sát việc thực hiện chính sách hỗ trợ nhà ở tại cấp xã",
            front,
            [dolisa],
            dt.date(2024, 9, 1),
            dt.date(2024, 10, 31),
            40_000_000,
            [("Xã được giám sát", 6, "xã")],
            ActivityStatus.DONE,
            6,
        ),
        (
            5,
            "Sơ kết 2 năm thực hiện Chương trình phối hợp",
            dolisa,
            [front],
            dt.date(2025, 1, 10),
            dt.date(2025, 1, 20),
            30_000_000,
            [],
            ActivityStatus.DONE,
            None,
        ),
        (
            6,
            "Hội thảo chia sẻ kinh nghiệm giảm nghèo bền vững",
            front,
            [dolisa],
            dt.date(2025, 5, 5),
            dt.date(2025, 5, 5),
            25_000_000,
            [],
            ActivityStatus.PLANNED,
            None,
        ),
    ]
    for number, title, lead, helpers, start, end, budget, indicators, status, achieved in specs:
        activity = activity_create(
            actor=actor,
            content_area=area[number],
            plan=plans[start.year],
            title=title,
            responsible=lead,
            cooperating=helpers,
            unit=former_hd,
            planned_start=start,
            planned_end=end,
            budget=budget,
            indicators=[IndicatorSpec(n, t, m) for n, t, m in indicators],
        )
        if status != ActivityStatus.PLANNED:
            first = activity.indicators.first()
            activity_report(
                actor=actor,
                activity=activity,
                status=status,
                result_summary="Báo cáo kết quả thực hiện (số liệu minh họa).",
                achieved={first.pk: achieved} if first and achieved is not None else {},
                reported_on=min(end, dt.date(2025, 6, 30)),
            )
    review = review_hold(
        actor=actor,
        program=program,
        kind=ReviewKind.PRELIMINARY,
        held_on=dt.date(2025, 1, 17),
        period_label="2023–2024",
        summary="Sơ kết 2 năm thực hiện Chương trình phối hợp (nội dung minh họa).",
    )
    commendation_award(
        actor=actor,
        program=program,
        review=review,
        decision_number="15/QĐ-SLĐTBXH",
        decided_on=dt.date(2025, 1, 17),
        issuer="Giám đốc Sở Lao động - Thương binh và Xã hội",
        award_form=AwardForm.CERTIFICATE,
        recipient_organisation=front,
        reason='Có thành tích trong vận động Quỹ "Vì người nghèo" (minh họa).',
    )
    conference_hold(
        actor=actor,
        program=program,
        kind=ConferenceKind.CONFERENCE,
        title="Hội nghị sơ kết Chương trình phối hợp",
        held_on=dt.date(2025, 1, 17),
        location="Hải Dương",
        participant_count=rng.randint(80, 140),
        minutes="Biên bản hội nghị (minh họa).",
    )
    inspection = inspection_plan(
        actor=actor,
        title="Giám sát hỗ trợ nhà ở cho hộ nghèo",
        unit=former_hd,
        planned_on=dt.date(2024, 9, 10),
        kind="supervision",
        program=program,
        lead_organisation=front,
    )
    inspection_record(
        actor=actor,
        inspection=inspection,
        conducted_on=dt.date(2024, 9, 12),
        findings="Một số nhà chưa hoàn thiện đúng tiến độ; hồ sơ thanh toán chậm (minh họa).",
    )
    done = recommendation_add(
        actor=actor,
        inspection=inspection,
        text="Hoàn thiện hồ sơ thanh toán hỗ trợ nhà ở",
        responsible=dolisa,
        deadline=dt.date(2024, 12, 31),
    )
    recommendation_follow_up(
        actor=actor,
        recommendation=done,
        status="done",
        follow_up="Đã hoàn thiện",
        resolved_on=dt.date(2024, 12, 20),
    )
    recommendation_add(
        actor=actor,
        inspection=inspection,
        text="Bàn giao các nhà còn dở dang cho hộ nghèo",
        responsible=front,
        deadline=dt.date(2025, 3, 31),
    )
    return program


def _seed_hai_phong(unit: AdminUnit, province: AdminUnit, actor: User) -> CoordinationProgram:
    farmers = _organisation(
        province,
        "Hội Nông dân thành phố Hải Phòng",
        "Hội Nông dân",
        OrganisationKind.FARMERS_ASSOCIATION,
    )
    dolisa = _organisation(
        province,
        "Sở Lao động - Thương binh và Xã hội thành phố Hải Phòng",
        "Sở LĐTBXH Hải Phòng",
        OrganisationKind.DEPARTMENT,
        dt.date(2025, 2, 28),
    )
    program = program_create(
        actor=actor,
        title=HAI_PHONG_TITLE,
        signed_on=dt.date(2019, 4, 23),
        start_year=2019,
        end_year=2023,
        unit=unit,
        purpose=(
            "Tiếp nối chương trình phối hợp giai đoạn 2011–2017. Cuối năm 2018 tỷ lệ hộ nghèo "
            "theo chuẩn nghèo đa chiều của thành phố là 1,41 %, giảm 0,65 điểm phần trăm so với "
            'năm 2017. Gắn với phong trào "Cả nước chung tay vì người nghèo – Không để ai bị bỏ '
            'lại phía sau" (2016–2020).'
        ),
        parties=[
            PartySpec(
                farmers,
                "Tuyên truyền, vận động hội viên nông dân",
                "Chủ tịch Hội Nông dân thành phố",
            ),
            PartySpec(
                dolisa, "Hướng dẫn chính sách lao động, việc làm, an sinh xã hội", "Giám đốc Sở"
            ),
        ],
        content_areas=_areas(HAI_PHONG_AREAS),
    )
    area = {a.number: a for a in program.content_areas.all()}
    plan = plan_create(actor=actor, program=program, year=2020, title="Kế hoạch phối hợp năm 2020")
    training = activity_create(
        actor=actor,
        content_area=area[2],
        plan=plan,
        title="Dạy nghề nông nghiệp cho hội viên nông dân",
        responsible=farmers,
        cooperating=[dolisa],
        unit=unit,
        planned_start=dt.date(2020, 3, 1),
        planned_end=dt.date(2020, 11, 30),
        budget=450_000_000,
        indicators=[IndicatorSpec("Lao động nông thôn được đào tạo nghề", 300, "người")],
    )
    activity_report(
        actor=actor,
        activity=training,
        status=ActivityStatus.DONE,
        result_summary="Đã mở 10 lớp (minh họa).",
        achieved={training.indicators.get().pk: 285},
        reported_on=dt.date(2020, 12, 15),
    )
    activity_create(
        actor=actor,
        content_area=area[4],
        title="Hỗ trợ vốn qua Ngân hàng Chính sách xã hội ủy thác cho hội viên nghèo",
        responsible=farmers,
        unit=unit,
        planned_start=dt.date(2021, 1, 1),
        planned_end=dt.date(2023, 12, 31),
        indicators=[IndicatorSpec("Hộ hội viên nghèo được vay vốn", 200, "hộ")],
    )
    return program


@transaction.atomic
def programs_seed_demo(
    *, province: AdminUnit, rng: random.Random, stdout
) -> list[CoordinationProgram]:
    """Seeds both programs; the Hải Dương one stays attached to the former province (code 30)."""
    actor = seed_actor()
    seeded = []
    former_hd = _former_province("30")
    if former_hd is None:
        stdout.write("Former Hải Dương province not loaded: its coordination program is skipped.")
    elif not CoordinationProgram.objects.filter(unit=former_hd, title=HAI_DUONG_TITLE).exists():
        seeded.append(_seed_hai_duong(former_hd, actor, rng))
    # Signed in 2019 by the Hải Phòng of before 1 July 2025 when that unit is loaded.
    hai_phong_then = _former_province(province.code) or province
    if not CoordinationProgram.objects.filter(unit=hai_phong_then, title=HAI_PHONG_TITLE).exists():
        seeded.append(_seed_hai_phong(hai_phong_then, province, actor))
    stdout.write(f"Coordination programs seeded: {len(seeded)}")
    return seeded
