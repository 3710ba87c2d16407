"""A small province whose figures are counted by hand in the tests' docstrings.

Today: province P with communes A (villages A1, A2) and B (village B1). Before 1 July 2025:
commune FA (village FA1) merged whole into A; commune FS was split, 60 % to A and 40 % to B.
Village FS2 has its own succession to B1 (exact); village FS1 has none (apportioned).

2025 (approved): A has 4 poor (3 in A1, 1 in A2), 2 near-poor, 1 middle NLNN, 4 not poor,
200 resident households; B has 1 poor, 1 near-poor, 100 resident households.
2024 (approved): FA 5 poor, 1 near-poor, 150 resident households; FS 2 poor in FS1 and 1 poor
in FS2, 50 resident households.
"""

import datetime as dt
from decimal import Decimal

from giamngheo.accounts.tests.factories import FORMER_END, UnitFactory, build_small_province
from giamngheo.geo.models import Level, Succession
from giamngheo.households.models import ResidentCount
from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.households.vocab import PovertyClass as C
from giamngheo.reviews.models import Assessment, Flow, Outcome, ReviewRound, RoundStatus
from giamngheo.reviews.services import round_snapshot_take

MEMBERS_3 = [{"member_id": str(i)} for i in range(1, 4)]


def approved_round(unit, year, status=RoundStatus.APPROVED):
    return ReviewRound.objects.create(
        unit=unit,
        year=year,
        review_date=dt.date(year, 11, 1),
        standard="vn-2022",
        status=status,
        decision_number=f"{unit.pk}/QĐ-UBND",
        decision_date=dt.date(year, 12, 20),
    )


def assess(round_, village, klass, n=1, *, deprived=(), members=MEMBERS_3, **household):
    out = []
    for _ in range(n):
        h = HouseholdFactory(unit=village, **household)
        out.append(
            Assessment.objects.create(
                round=round_,
                household=h,
                poverty_class=klass,
                deprived=list(deprived),
                deprivation_count=len(deprived),
                members=members,
                facts={},
                standard="vn-2022",
            )
        )
    return out


def freeze_rounds(u: dict) -> None:
    """Freeze the approved rounds as approval does: the reports read their snapshots."""
    for key, value in u.items():
        if key.startswith("round_") and value.is_locked and not hasattr(value, "snapshot"):
            round_snapshot_take(review_round=value)


def build_reports_province(*, freeze: bool = True) -> dict:
    """`freeze=False` leaves the approved rounds unfrozen, to change them first (`freeze_rounds`)."""
    u = build_small_province()
    fd = u["FD"]
    fs = UnitFactory(code="10002", name="Xã FS", parent=fd, valid_from=None, valid_to=FORMER_END)
    village = {"division_type": "thôn", "level": Level.VILLAGE, "valid_from": None}
    fs1 = UnitFactory(code="10002-1", name="Thôn FS1", parent=fs, valid_to=FORMER_END, **village)
    fs2 = UnitFactory(code="10002-2", name="Thôn FS2", parent=fs, valid_to=FORMER_END, **village)
    Succession.objects.create(
        predecessor=fs, successor=u["A"], is_split=True, share=Decimal("0.6"), is_default=True
    )
    Succession.objects.create(predecessor=fs, successor=u["B"], is_split=True, share=Decimal("0.4"))
    Succession.objects.create(predecessor=fs2, successor=u["B1"])
    u.update({"FS": fs, "FS1": fs1, "FS2": fs2})

    ResidentCount.objects.create(unit=u["A"], year=2025, households=200, persons=700)
    ResidentCount.objects.create(unit=u["B"], year=2025, households=100, persons=350)
    ResidentCount.objects.create(unit=u["FA"], year=2024, households=150, persons=500)
    ResidentCount.objects.create(unit=fs, year=2024, households=50, persons=180)

    ra, rb = approved_round(u["A"], 2025), approved_round(u["B"], 2025, RoundStatus.REPORTED)
    rfa, rfs = approved_round(u["FA"], 2024), approved_round(fs, 2024)
    u.update({"round_A": ra, "round_B": rb, "round_FA": rfa, "round_FS": rfs})

    poor_a1 = assess(ra, u["A1"], C.POOR, 2, deprived=["nutrition", "health_insurance"])
    poor_a1 += assess(
        ra,
        u["A1"],
        C.POOR,
        1,
        deprived=["nutrition", "housing_area", "domestic_water"],
        head_ethnicity="02",
        has_merit_person=True,
        causes=["lack_capital", "illness"],
    )
    assess(
        ra,
        u["A2"],
        C.POOR,
        1,
        deprived=["employment"],
        head_ethnicity="06",
        no_working_capacity=True,
        causes=["lack_capital"],
    )
    assess(ra, u["A1"], C.NEAR_POOR, 2, deprived=["health_insurance"])
    middle = assess(ra, u["A1"], C.MIDDLE, 1)
    Assessment.objects.filter(pk=middle[0].pk).update(facts={"nlnn": True})
    assess(ra, u["A1"], C.NOT_POOR, 4)
    assess(rb, u["B1"], C.POOR, 1, deprived=["nutrition"], head_ethnicity="02")
    assess(rb, u["B1"], C.NEAR_POOR, 1)
    # A round still in progress never counts.
    pending = ReviewRound.objects.create(
        unit=u["A"], year=2026, review_date=dt.date(2026, 11, 1), standard="vn-2022"
    )
    assess(pending, u["A1"], C.POOR, 3)

    assess(rfa, u["FA1"], C.POOR, 5, deprived=["nutrition"])
    assess(rfa, u["FA1"], C.NEAR_POOR, 1)
    assess(rfs, fs1, C.POOR, 2)
    assess(rfs, fs2, C.POOR, 1)

    # Movements in A, 2025: start poor 5, end poor 5 (9 = 5 − 2 − 1 − 0 + 1 + 1 + 1 + 0).
    flows = [
        (Flow.ESCAPED_TO_NEAR_POOR, C.POOR, C.NEAR_POOR, 2),
        (Flow.ESCAPED_ABOVE_NEAR_POOR, C.POOR, C.NOT_POOR, 1),
        (Flow.STAYED_POOR, C.POOR, C.POOR, 2),
        (Flow.NEW_POOR, C.NOT_POOR, C.POOR, 1),
        (Flow.RELAPSED_POOR, C.NOT_POOR, C.POOR, 1),
        (Flow.NEAR_POOR_TO_POOR, C.NEAR_POOR, C.POOR, 1),
    ]
    for flow, start, end, n in flows:
        for _ in range(n):
            h = HouseholdFactory(unit=u["A1"])
            Outcome.objects.create(
                round=ra, household=h, start_class=start, end_class=end, flow=flow
            )
    u["poor_a1"] = poor_a1
    if freeze:
        freeze_rounds(u)
    return u


def build_tiny_province() -> dict:
    """The smallest province that has every kind of empty unit a real one has.

    Tỉnh T (2025 approved): Xã Có has 2 poor, 1 near-poor and 3 not poor of 50 resident
    households; Phường Đô Thị (urban) has 40 resident households and an approved round with
    no poor or near-poor; Xã Chưa Rà has households but no round at all; Xã Trống has nothing.
    2024 has no approved round anywhere (a missing year).
    """
    province = UnitFactory(code="77", name="Tỉnh T", division_type="tỉnh", level=Level.PROVINCE)
    u: dict = {"T": province}
    communes = (
        ("CO", "77001", "Xã Có", "xã"),
        ("WARD", "77002", "Phường Đô Thị", "phường"),
        ("NOROUND", "77003", "Xã Chưa Rà", "xã"),
        ("EMPTY", "77004", "Xã Trống", "xã"),
    )
    village = {"division_type": "thôn", "level": Level.VILLAGE}
    for key, code, name, kind in communes:
        commune = UnitFactory(code=code, name=name, division_type=kind, parent=province)
        u[key] = commune
        u[f"{key}1"] = UnitFactory(
            code=f"{code}-1", name=f"Thôn {name} 1", parent=commune, **village
        )
    ResidentCount.objects.create(unit=u["CO"], year=2025, households=50, persons=180)
    ResidentCount.objects.create(unit=u["WARD"], year=2025, households=40, persons=120)
    u["round_CO"] = approved_round(u["CO"], 2025)
    u["round_WARD"] = approved_round(u["WARD"], 2025)
    assess(u["round_CO"], u["CO1"], C.POOR, 2, deprived=["nutrition"])
    assess(u["round_CO"], u["CO1"], C.NEAR_POOR, 1)
    assess(u["round_CO"], u["CO1"], C.NOT_POOR, 3)
    assess(u["round_WARD"], u["WARD1"], C.NOT_POOR, 3, area="urban")
    assess(u["round_WARD"], u["WARD1"], C.MIDDLE, 1, area="urban")
    for _ in range(2):
        HouseholdFactory(unit=u["NOROUND1"])
    freeze_rounds(u)
    return u
