import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from giamngheo.households.tests.factories import HouseholdFactory
from giamngheo.reviews.models import Flow
from giamngheo.support.models import FundingSource, ReductionModel
from giamngheo.support.selectors import model_ranking
from giamngheo.support.services import model_participants_add, reduction_model_create
from giamngheo.support.tests.factories import record_outcome

pytestmark = pytest.mark.django_db


def _model(actor, unit, name, funding, start=2022, end=2023):
    return reduction_model_create(
        actor=actor,
        name=name,
        unit=unit,
        starts_on=dt.date(start, 1, 1),
        ends_on=dt.date(end, 12, 31),
        funding=funding,
    )


def test_models_are_ranked_by_cost_per_household_escaped(
    units, province_officer, other_province_officer
):
    cows = _model(
        province_officer,
        units["A"],
        "Nuôi bò sinh sản",
        {FundingSource.CENTRAL_BUDGET: 300_000_000, FundingSource.PEOPLE: 60_000_000},
    )
    mushrooms = _model(
        province_officer, units["A"], "Trồng nấm", {FundingSource.LOCAL_BUDGET: 100_000_000}
    )
    idle = _model(province_officer, units["B"], "Dệt chiếu", {FundingSource.ENTERPRISE: 10_000_000})
    cow_households = [HouseholdFactory(unit=units["A1"]) for _ in range(4)]
    mushroom_households = [HouseholdFactory(unit=units["A2"]) for _ in range(3)]
    model_participants_add(actor=province_officer, model=cows, households=cow_households)
    model_participants_add(actor=province_officer, model=mushrooms, households=mushroom_households)
    model_participants_add(
        actor=province_officer, model=idle, households=[HouseholdFactory(unit=units["B1"])]
    )
    for household in cow_households[:3]:
        record_outcome(household, 2023)
    record_outcome(cow_households[3], 2021)  # before the model: not its result
    record_outcome(mushroom_households[0], 2024, Flow.ESCAPED_ABOVE_NEAR_POOR)
    record_outcome(mushroom_households[1], 2024, Flow.STAYED_POOR)

    ranking = model_ranking(actor=province_officer)
    assert [(r.model.name, r.escaped, r.cost_per_escaped) for r in ranking] == [
        ("Trồng nấm", 1, 100_000_000),
        ("Nuôi bò sinh sản", 3, 120_000_000),
        ("Dệt chiếu", 0, None),
    ]
    assert ranking[1].budget == 360_000_000 and ranking[1].participants == 4
    assert model_ranking(actor=other_province_officer) == []


@pytest.mark.parametrize(
    "funding", [{FundingSource.LOCAL_BUDGET: 0}, {FundingSource.LOCAL_BUDGET: -1}, {"gold": 5}]
)
def test_bad_budget_lines_are_refused(units, province_officer, funding):
    with pytest.raises(ValidationError):
        _model(province_officer, units["A"], "X", funding)
    assert not ReductionModel.objects.exists()


def test_model_period_must_be_ordered(units, province_officer):
    with pytest.raises(ValidationError):
        _model(province_officer, units["A"], "X", {FundingSource.FUND: 1}, start=2024, end=2023)


def test_participants_live_in_the_models_unit(units, province_officer, other_province_officer):
    model = _model(province_officer, units["A"], "Nuôi gà", {FundingSource.FUND: 5_000_000})
    with pytest.raises(ValidationError):
        model_participants_add(
            actor=province_officer, model=model, households=[HouseholdFactory(unit=units["B1"])]
        )
    assert (
        model_participants_add(
            actor=province_officer, model=model, households=[HouseholdFactory(unit=units["FA1"])]
        )
        == 1
    )
    with pytest.raises(PermissionDenied):
        model_participants_add(actor=other_province_officer, model=model, households=[])
