"""A commune round at real scale: many listed households in several states (test data)."""

import datetime as dt

from giamngheo.households.models import Household, Member
from giamngheo.households.services.common import search_text_for
from giamngheo.households.vocab import Relation, Sex
from giamngheo.reviews import services
from giamngheo.reviews.models import Assessment, Complaint, RoundType
from giamngheo.reviews.tests.conftest import on_day

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Minh", "Ngọc", "Phúc"]


def build_big_round(officer, commune, villages, n: int = 900):
    """`n` households spread over `villages`, listed in one round and walked to varied steps:
    every 6th not screened, every 6th + 1 screened out, + 2 awaiting form B, + 3 form B started,
    + 4 poor, + 5 near-poor; household 7 has a complaint."""
    households = []
    for i in range(n):
        head = f"{SURNAMES[i % 6]} Văn {GIVEN[i % 9]} {i}"
        h = Household(
            unit=villages[i % len(villages)],
            code=f"31-11001-{i:06d}",
            head_name=head,
            area="rural",
        )
        h.search_text = search_text_for(h, [head])
        households.append(h)
    Household.objects.bulk_create(households)
    Member.objects.bulk_create(
        Member(
            household=h,
            member_no=1,
            full_name=h.head_name,
            sex=Sex.MALE,
            date_of_birth=dt.date(1980, 5, 1),
            relation=Relation.HEAD,
        )
        for h in households
    )
    with on_day(dt.date(2025, 10, 1)):
        r = services.round_create(
            actor=officer,
            unit=commune,
            round_type=RoundType.PERIODIC,
            review_date=dt.date(2025, 10, 1),
        )
        services.round_list_households(actor=officer, review_round=r)
    by_code = {a.household.code: a for a in r.assessments.select_related("household")}
    changed = []
    for i in range(n):
        a = by_code[f"31-11001-{i:06d}"]
        kind = i % 6
        if kind == 0:
            continue
        a.screening = {"markers": [], "count": 5 if kind == 1 else 1}
        if kind == 1:
            a.screened_out, a.poverty_class = True, "not_poor"
        elif kind == 3:
            a.sections_done = ["general"]
        elif kind in (4, 5):
            a.sections_done = ["general", "housing"]
            a.poverty_class = "poor" if kind == 4 else "near_poor"
            a.deprivation_count = 3
        changed.append(a)
    Assessment.objects.bulk_update(
        changed,
        ["screening", "screened_out", "poverty_class", "sections_done", "deprivation_count"],
    )
    Complaint.objects.create(
        round=r,
        household=by_code["31-11001-000007"].household,
        received_on=dt.date(2025, 10, 1),
        complainant="Người dân",
        content="Kết quả chưa đúng",
        recheck_due=dt.date(2025, 10, 10),
    )
    return r
