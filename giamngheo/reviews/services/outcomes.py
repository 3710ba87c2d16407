"""Storing a round's movements on and off the lists when it is approved (forms 2 and 3).

How each household moved is read by `reviews.flows`; this module only writes it, once.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.dbstats import analyze_after_commit
from giamngheo.errors import Conflict
from giamngheo.reviews.flows import flows_preview
from giamngheo.reviews.models import Outcome, ReviewRound


@transaction.atomic
def outcomes_compute(review_round: ReviewRound) -> int:
    """Store the round's flows, once, on approval.

    An approved round's movements change only by a new chairman's decision, which is a round of
    its own (Decision 24/2021/QĐ-TTg, Art. 4–5): recomputing them from today's registry would
    rewrite what was approved.
    """
    if review_round.outcomes.exists():
        raise Conflict(_("This round's approved movements are already recorded."))
    rows = [
        Outcome(round=review_round, household_id=h, start_class=s, end_class=e, flow=flow)
        for h, (s, e, flow) in flows_preview(review_round).items()
    ]
    Outcome.objects.bulk_create(rows, batch_size=2000)
    analyze_after_commit([Outcome], len(rows))
    return len(rows)
