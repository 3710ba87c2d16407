"""The demo province: Hải Phòng (code 31) with the former Hải Dương, users for every role.

Each step is idempotent so that `giamngheo demo` can be run again on the same database.
"""

import datetime as dt
import random
import secrets
import time
from dataclasses import dataclass

from django.db import transaction

from giamngheo.accounts.models import Organisation, OrganisationKind, Role, User
from giamngheo.dbstats import analyze_now
from giamngheo.demo.households import ensure_commune_chairmen, seed_households
from giamngheo.demo.notifications import notifications_seed_demo
from giamngheo.demo.portal import DemoLookup, lookup_codes_seed_demo, portal_seed_demo
from giamngheo.demo.programs import programs_seed_demo
from giamngheo.demo.support import support_seed_demo
from giamngheo.demo.villages import villages_generate_demo
from giamngheo.geo.models import AdminUnit, Level, Succession, q_within
from giamngheo.geo.services import units_load

DEMO_PROVINCE = "31"
FORMER_HAI_DUONG = "30"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    unit: str


def demo_province() -> AdminUnit:
    return AdminUnit.objects.get(level=Level.PROVINCE, code=DEMO_PROVINCE, valid_to__isnull=True)


def demo_commune(province: AdminUnit) -> AdminUnit:
    """A commune of today's Hải Phòng made of former Hải Dương communes, to show the lineage."""
    former_hd = AdminUnit.objects.filter(
        level=Level.PROVINCE, code=FORMER_HAI_DUONG, valid_to__isnull=False
    ).first()
    candidates = AdminUnit.objects.filter(
        level=Level.COMMUNE, parent=province, valid_to__isnull=True
    ).order_by("code")
    if former_hd is not None:
        merged = Succession.objects.filter(
            q_within(former_hd, "predecessor"), successor__in=candidates
        ).values_list("successor_id", flat=True)
        commune = candidates.filter(pk__in=merged, division_type="xã").first()
        if commune is not None:
            return commune
    return candidates.first()


def ensure_villages(province: AdminUnit, rng: random.Random, per_commune: int = 6) -> int:
    created = 0
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, parent=province, valid_to__isnull=True)
    for commune in communes.order_by("code"):
        if not commune.children.exists():
            created += len(villages_generate_demo(commune=commune, count=per_commune, rng=rng))
    return created


def ensure_organisations(province: AdminUnit) -> dict[str, Organisation]:
    former_hd = AdminUnit.objects.filter(
        level=Level.PROVINCE, code=FORMER_HAI_DUONG, valid_to__isnull=False
    ).first()
    # Provincial DOLISAs were merged into other departments on 1 March 2025 (MOLISA dissolved);
    # the former Hải Dương's bodies ended with the province on 30 June 2025.
    dolisa_end, hd_end = dt.date(2025, 2, 28), dt.date(2025, 6, 30)
    specs = [
        (
            "department",
            province,
            "Sở Nông nghiệp và Môi trường thành phố Hải Phòng",
            "Sở NN&MT",
            OrganisationKind.DEPARTMENT,
            None,
        ),
        (
            "front",
            province,
            "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hải Phòng",
            "MTTQ Hải Phòng",
            OrganisationKind.FATHERLAND_FRONT,
            None,
        ),
        (
            "farmers",
            province,
            "Hội Nông dân thành phố Hải Phòng",
            "Hội Nông dân",
            OrganisationKind.FARMERS_ASSOCIATION,
            None,
        ),
        (
            "women",
            province,
            "Hội Liên hiệp Phụ nữ thành phố Hải Phòng",
            "Hội Phụ nữ",
            OrganisationKind.WOMENS_UNION,
            None,
        ),
        (
            "dolisa_hp",
            province,
            "Sở Lao động - Thương binh và Xã hội thành phố Hải Phòng",
            "Sở LĐTBXH Hải Phòng",
            OrganisationKind.DEPARTMENT,
            dolisa_end,
        ),
    ]
    if former_hd is not None:
        specs += [
            (
                "dolisa_hd",
                former_hd,
                "Sở Lao động - Thương binh và Xã hội tỉnh Hải Dương",
                "Sở LĐTBXH Hải Dương",
                OrganisationKind.DEPARTMENT,
                dolisa_end,
            ),
            (
                "front_hd",
                former_hd,
                "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Hải Dương",
                "MTTQ Hải Dương",
                OrganisationKind.FATHERLAND_FRONT,
                hd_end,
            ),
        ]
    orgs = {}
    for key, unit, name, short, kind, valid_to in specs:
        orgs[key], _ = Organisation.objects.update_or_create(
            unit=unit, name=name, defaults={"short_name": short, "kind": kind, "valid_to": valid_to}
        )
    return orgs


def ensure_users(
    province: AdminUnit, commune: AdminUnit, orgs: dict[str, Organisation]
) -> list[DemoLogin]:
    village = commune.children.order_by("code").first() or commune
    personas = [
        ("admin", Role.SYSTEM_ADMIN, None, None, "Quản trị", "hệ thống"),
        ("tinh", Role.PROVINCE_OFFICER, province, orgs["department"], "Nguyễn Thị", "Hạnh"),
        ("xa", Role.COMMUNE_OFFICER, commune, None, "Trần Văn", "Bình"),
        ("chutich", Role.COMMUNE_CHAIRMAN, commune, None, "Lê Văn", "Cường"),
        ("rasoat", Role.ENUMERATOR, commune, None, "Phạm Thị", "Dung"),
        ("truongthon", Role.VILLAGE_HEAD, village, None, "Hoàng Văn", "Em"),
        ("mattran", Role.PARTNER_OFFICER, province, orgs["front"], "Vũ Thị", "Giang"),
        ("thanhtra", Role.AUDITOR, province, None, "Đỗ Văn", "Hùng"),
    ]
    logins = []
    for username, role, unit, org, first, last in personas:
        password = secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role, user.unit, user.organisation = role, unit, org
        user.first_name, user.last_name = first, last
        user.is_staff = user.is_superuser = role == Role.SYSTEM_ADMIN
        user.set_password(password)
        user.full_clean()
        user.save()
        logins.append(DemoLogin(username, password, Role(role).label, str(unit or "—")))
    return logins


def run(
    *, stdout, seed: int = 2025, households: int = 100_000
) -> tuple[list[DemoLogin], list[DemoLookup]]:
    rng = random.Random(seed)
    # Loaded again when a database of an earlier version has the units without their points.
    unplaced = AdminUnit.objects.current().filter(
        level=Level.COMMUNE, parent__code=DEMO_PROVINCE, latitude__isnull=True
    )
    if (
        not AdminUnit.objects.filter(level=Level.PROVINCE, code=DEMO_PROVINCE).exists()
        or unplaced.exists()
    ):
        units_load(province_codes=[DEMO_PROVINCE], stdout=stdout)
    with transaction.atomic():
        province = demo_province()
        villages = ensure_villages(province, rng)
        stdout.write(f"Villages created: {villages}")
        orgs = ensure_organisations(province)
        commune = demo_commune(province)
        logins = ensure_users(province, commune, orgs)
    started = time.perf_counter()
    summary = seed_households(
        province=province,
        chairmen=ensure_commune_chairmen(province),
        households=households,
        seed=seed,
        stdout=stdout,
    )
    programs_seed_demo(province=province, rng=rng, stdout=stdout)
    support_seed_demo(province=province, rng=rng, stdout=stdout, commune=demo_commune(province))
    portal_seed_demo(stdout=stdout)
    lookups = lookup_codes_seed_demo(
        province=province, commune=commune, actor=User.objects.get(username="xa")
    )
    notifications_seed_demo(province=province, commune=demo_commune(province), stdout=stdout)
    # The bulk loads above leave the planner's statistics describing empty tables.
    analyze_now()
    if summary:
        stdout.write(
            f"Households: {summary.households}, members: {summary.members}, "
            f"approved rounds: {summary.rounds} ({time.perf_counter() - started:.1f} s)"
        )
        for year, (poor, near) in summary.rates.items():
            stdout.write(f"  {year}: poor {poor:.2f} %, near-poor {near:.2f} % of households")
    return logins, lookups
