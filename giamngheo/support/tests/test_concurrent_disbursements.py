"""Two officers paying out of the same fund at the same moment cannot overdraw it.

Each thread has its own database connection (Django's connections are per thread), so these are
two real transactions; only PostgreSQL gives row locks to observe. SQLite serialises every writer
(`transaction_mode = IMMEDIATE`), so there the balance check itself is what is tested.
"""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from giamngheo.support.models import Disbursement
from giamngheo.support.services import contribution_receive, disbursement_create, fund_balance

DAY = dt.date(2024, 11, 1)
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks (select_for_update) need PostgreSQL; CI runs this in its PostgreSQL pass.",
)


def _run_in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except ValidationError as error:
            results[key] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_concurrent_disbursement_waits_for_the_first_and_is_refused(fund, front_officer):
    contribution_receive(
        actor=front_officer,
        fund=fund,
        donor_name="Doanh nghiệp X",
        amount=1_000_000,
        received_on=DAY,
    )
    first_holds_lock = threading.Event()
    results: dict[str, object] = {}

    def first():
        with transaction.atomic():
            made = disbursement_create(
                actor=front_officer, fund=fund, amount=700_000, disbursed_on=DAY, purpose="A"
            )
            first_holds_lock.set()
            time.sleep(0.6)  # still uncommitted while the second one tries
        return made

    def second():
        first_holds_lock.wait(5)
        started = time.monotonic()
        try:
            return disbursement_create(
                actor=front_officer, fund=fund, amount=700_000, disbursed_on=DAY, purpose="B"
            )
        finally:
            results["waited"] = time.monotonic() - started

    threads = [_run_in_thread(first, results, "first"), _run_in_thread(second, results, "second")]
    for thread in threads:
        thread.join(20)

    assert isinstance(results["first"], Disbursement)
    assert isinstance(results["second"], ValidationError)
    assert results["waited"] >= 0.4  # it blocked on the fund row instead of reading a stale sum
    assert fund_balance(fund) == 300_000


@pytest.mark.postgres
@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_concurrent_disbursements_released_together_never_overdraw(fund, front_officer):
    contribution_receive(
        actor=front_officer,
        fund=fund,
        donor_name="Doanh nghiệp Y",
        amount=1_000_000,
        received_on=DAY,
    )
    start = threading.Barrier(6)
    results: dict[str, object] = {}

    def pay(n):
        def run():
            start.wait(5)
            return disbursement_create(
                actor=front_officer, fund=fund, amount=300_000, disbursed_on=DAY, purpose=f"#{n}"
            )

        return run

    threads = [_run_in_thread(pay(n), results, str(n)) for n in range(6)]
    for thread in threads:
        thread.join(20)

    paid = [r for r in results.values() if isinstance(r, Disbursement)]
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert (len(paid), len(refused)) == (3, 3)
    assert fund_balance(fund) == 100_000


@pytest.mark.django_db
def test_disbursement_check_sees_earlier_disbursements_of_the_same_fund(fund, front_officer):
    contribution_receive(
        actor=front_officer,
        fund=fund,
        donor_name="Doanh nghiệp Z",
        amount=1_000_000,
        received_on=DAY,
    )
    disbursement_create(
        actor=front_officer, fund=fund, amount=700_000, disbursed_on=DAY, purpose="A"
    )
    with pytest.raises(ValidationError):
        disbursement_create(
            actor=front_officer, fund=fund, amount=700_000, disbursed_on=DAY, purpose="B"
        )
    assert fund_balance(fund) == 300_000
    assert Disbursement.objects.count() == 1
