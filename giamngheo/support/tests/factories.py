import datetime as dt

from giamngheo.accounts.models import OrganisationKind
from giamngheo.accounts.tests.factories import OrganisationFactory
from giamngheo.geo.models import AdminUnit
from giamngheo.households.models import Household
from giamngheo.reviews.models import Flow, Outcome, ReviewRound
from giamngheo.support.models import Fund, FundKind


def front_fund(unit: AdminUnit) -> Fund:
    front = OrganisationFactory(
        unit=unit, name=f"Ủy ban MTTQ {unit.name}", kind=OrganisationKind.FATHERLAND_FRONT
    )
    return Fund.objects.create(
        name=f'Quỹ "Vì người nghèo" {unit.name}',
        kind=FundKind.FOR_THE_POOR,
        unit=unit,
        managing_organisation=front,
    )


def record_outcome(
    household: Household, year: int, flow: str = Flow.ESCAPED_TO_NEAR_POOR
) -> Outcome:
    """The finding of the household's commune round of `year` (one periodic round per year)."""
    commune = household.unit.commune() or household.unit
    review_round, _ = ReviewRound.objects.get_or_create(
        unit=commune,
        year=year,
        round_type="periodic",
        defaults={"review_date": dt.date(year, 11, 1), "standard": "vn-2022"},
    )
    return Outcome.objects.create(
        round=review_round,
        household=household,
        start_class="poor",
        end_class="near_poor",
        flow=flow,
    )
