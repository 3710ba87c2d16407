"""Reads over funds, support and models, always through the actor's territory."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.shortcuts import get_object_or_404

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, scoped
from giamngheo.geo.models import AdminUnit
from giamngheo.geo.selectors import scope_roots
from giamngheo.households.models import Household
from giamngheo.reviews.models import Flow, Outcome
from giamngheo.support.models import (
    HOUSING_KINDS,
    Contribution,
    Fund,
    LedgerEntry,
    Pledge,
    ReductionModel,
    SupportRecord,
)

ESCAPED_POVERTY = (Flow.ESCAPED_TO_NEAR_POOR, Flow.ESCAPED_ABOVE_NEAR_POOR)


def fund_list(*, actor: User) -> QuerySet[Fund]:
    return scoped(
        Fund.objects.select_related("unit", "managing_organisation"),
        actor,
        Capability.READ_PROGRAMS,
    ).annotate(balance=Coalesce(Sum("entries__amount"), Value(0)))


def fund_get(*, actor: User, pk: int) -> Fund:
    return get_object_or_404(fund_list(actor=actor), pk=pk)


def fund_ledger(*, fund: Fund) -> list[tuple[LedgerEntry, int]]:
    """Entries in date order with the running balance after each one."""
    running, rows = 0, []
    for entry in fund.entries.select_related("created_by").order_by("occurred_on", "pk"):
        running += entry.amount
        rows.append((entry, running))
    return rows


def fund_donors(*, fund: Fund) -> QuerySet:
    """The public acknowledgement list: donors who agreed to be named, largest gifts first."""
    return (
        Contribution.objects.filter(fund=fund, acknowledge=True)
        .values("donor__name")
        .annotate(total=Sum("amount"), gifts=Count("pk"))
        .order_by("-total", "donor__name")
    )


def fund_pledges(*, fund: Fund) -> QuerySet[Pledge]:
    return (
        fund.pledges.select_related("donor", "campaign")
        .annotate(received=Coalesce(Sum("receipts__amount"), Value(0)))
        .order_by("-pledged_on")
    )


def support_list(*, actor: User) -> QuerySet[SupportRecord]:
    """Household-level data: scoped like the registry (READ_RECORDS on the household's unit)."""
    return scoped(
        SupportRecord.objects.select_related("household__unit", "provider", "activity"),
        actor,
        Capability.READ_RECORDS,
        unit_field="household__unit",
    ).order_by("-given_on", "pk")


def household_get(*, actor: User, pk: int) -> Household:
    return get_object_or_404(scoped(Household.objects.all(), actor, Capability.READ_RECORDS), pk=pk)


def household_lookup(*, actor: User, code: str) -> Household | None:
    households = scoped(Household.objects.all(), actor, Capability.READ_RECORDS)
    return households.filter(code=code.strip()).first()


def household_in_fund_territory(*, fund: Fund, code: str) -> Household | None:
    """A payee household is named by code; only households of the fund's unit can be paid."""
    roots = scope_roots(fund.unit)
    return Household.objects.filter(
        AdminUnit.objects.within(roots, field="unit"), code=code
    ).first()


@dataclass(frozen=True)
class YearOfSupport:
    year: int
    records: list[SupportRecord]

    @property
    def total(self) -> int:
        return sum(r.value for r in self.records)


def household_support_history(*, actor: User, household: Household) -> list[YearOfSupport]:
    """What household X received over the years, newest year first."""
    by_year: dict[int, list[SupportRecord]] = defaultdict(list)
    for record in support_list(actor=actor).filter(household=household).order_by("given_on"):
        by_year[record.given_on.year].append(record)
    return [YearOfSupport(year, by_year[year]) for year in sorted(by_year, reverse=True)]


def _escaped_after(year_field: str) -> Exists:
    return Exists(
        Outcome.objects.filter(
            household=OuterRef("household"),
            flow__in=ESCAPED_POVERTY,
            round__year__gte=OuterRef(year_field),
        )
    )


@dataclass(frozen=True)
class SupportOutcome:
    supported: int
    escaped: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.escaped / self.supported) if self.supported else None


def housing_support_outcome(
    *, actor: User, year_from: int | None = None, year_to: int | None = None
) -> SupportOutcome:
    """How many households that received housing support escaped poverty in the same or a later
    review round (an escape recorded before the support is not counted)."""
    records = support_list(actor=actor).filter(kind__in=HOUSING_KINDS)
    if year_from:
        records = records.filter(given_on__year__gte=year_from)
    if year_to:
        records = records.filter(given_on__year__lte=year_to)
    records = records.annotate(year=ExtractYear("given_on")).annotate(
        escaped=_escaped_after("year")
    )
    supported = records.values("household").distinct().count()
    escaped = records.filter(escaped=True).values("household").distinct().count()
    return SupportOutcome(supported=supported, escaped=escaped)


def model_list(*, actor: User) -> QuerySet[ReductionModel]:
    return scoped(
        ReductionModel.objects.select_related("unit", "lead_organisation"),
        actor,
        Capability.READ_PROGRAMS,
    )


def model_get(*, actor: User, pk: int) -> ReductionModel:
    return get_object_or_404(model_list(actor=actor), pk=pk)


@dataclass(frozen=True)
class ModelResult:
    model: ReductionModel
    budget: int
    participants: int
    escaped: int

    @property
    def cost_per_escaped(self) -> int | None:
        return self.budget // self.escaped if self.escaped else None


def model_ranking(*, actor: User) -> list[ModelResult]:
    """Cheapest escape from poverty first; models with no participant out of poverty yet last.

    A participant counts when a round from the model's first year to the year after its end
    records their escape.
    """
    results = []
    for model in model_list(actor=actor).prefetch_related("funding"):
        participants = model.participants.all()
        escaped = len(model_escaped_households(model=model))
        results.append(
            ModelResult(
                model=model,
                budget=sum(line.amount for line in model.funding.all()),
                participants=participants.count(),
                escaped=escaped,
            )
        )
    return sorted(
        results,
        key=lambda r: (r.cost_per_escaped is None, r.cost_per_escaped or 0, r.model.name),
    )


def model_escaped_households(*, model: ReductionModel) -> set[int]:
    return set(
        Outcome.objects.filter(
            Q(round__year__gte=model.starts_on.year) & Q(round__year__lte=model.ends_on.year + 1),
            household__in=model.participants.values("household"),
            flow__in=ESCAPED_POVERTY,
        ).values_list("household_id", flat=True)
    )


def support_totals_by_kind(*, actor: User, year: int | None = None) -> QuerySet:
    records = support_list(actor=actor)
    if year:
        records = records.filter(given_on__year=year)
    return (
        records.order_by()
        .values("kind")
        .annotate(households=Count("household", distinct=True), value=Sum("value"))
        .order_by("-value")
    )
