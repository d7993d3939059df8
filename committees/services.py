"""Writes with more than one step: terms of office and reporting lines."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from .models import Body, Post, Term

SEAT_CONSTRAINT = "committees_term_seat_no_overlap"


def _assign_seats(terms: list[Term], max_holders: int) -> dict[int | None, int]:
    """Seats for `terms` by interval partitioning: in start order, the lowest free seat.

    Greedy partitioning in start order never needs more seats than the most terms in
    force on one day, so it succeeds whenever the terms fit the post at all.
    """
    ends: dict[int, object] = {}  # seat -> end of the last term placed in it (None: open)
    seats = {}
    for term in sorted(terms, key=lambda t: (t.start_date, t.pk or 0)):
        for seat in range(1, max_holders + 1):
            if seat not in ends or (ends[seat] is not None and ends[seat] <= term.start_date):
                seats[id(term)] = seat
                ends[seat] = term.end_date
                break
        else:
            raise ValidationError("The terms do not fit the post's seats.")
    return seats


@transaction.atomic
def term_save(*, term: Term) -> Term:
    """Validate and save `term`, moving other terms of the post to other seats if needed.

    The post's row is locked first, so two editors adding holders at the same moment are
    checked one after the other.
    """
    Post.objects.select_for_update().filter(pk=term.post_id).first()
    term.full_clean()
    if term.seat:
        term.save()
        return term
    others = list(
        Term.objects.filter(post_id=term.post_id).exclude(pk=term.pk).order_by("start_date", "pk")
    )
    seats = _assign_seats([*others, term], term.post.max_holders)
    moved = [other for other in others if other.seat != seats[id(other)]]
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(f"SET CONSTRAINTS {SEAT_CONSTRAINT} DEFERRED")
        for other in moved:
            other.seat = seats[id(other)]
        Term.objects.bulk_update(moved, ["seat"])
        term.seat = seats[id(term)]
        term.save()
        if postgresql:
            cursor.execute(f"SET CONSTRAINTS {SEAT_CONSTRAINT} IMMEDIATE")
    return term


@transaction.atomic
def body_set_reports_to(*, body: Body, parents) -> Body:
    """Make `body` report to `parents`, refusing a reporting loop."""
    parents = list(parents)
    error = body.reporting_cycle_error(parents)
    if error:
        raise ValidationError({"reports_to": error})
    body.reports_to.set(parents)
    return body
