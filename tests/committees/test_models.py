"""The registry's rules: checked in clean() on every database, and by the database itself
where it can (check and unique constraints everywhere, exclusion constraints on PostgreSQL)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from committees import services
from committees.models import Body, Delegation, Post, Session, Term
from tests.factories import (
    BodyFactory,
    DelegationFactory,
    PersonFactory,
    PhaseFactory,
    PostFactory,
    SessionFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the Russian ones are covered by the admin tests."""
    with translation.override("en"):
        yield


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only"
)


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


def refused_by_database(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


# Sessions ---------------------------------------------------------------------------------


def test_session_cannot_end_before_it_starts():
    session = SessionFactory.build(
        body=BodyFactory(), number=1, start_date=date(2021, 3, 26), end_date=date(2021, 3, 22)
    )
    assert "The last day cannot be before the first day." in errors_of(session)["end_date"]
    refused_by_database(session.save)


def test_one_day_session_is_valid():
    session = SessionFactory.build(
        body=BodyFactory(), number=135, start_date=date(2020, 6, 25), end_date=date(2020, 6, 25)
    )
    session.full_clean()


def test_a_number_is_used_once_per_body():
    first = SessionFactory(number=41)
    duplicate = SessionFactory.build(body=first.body, number=41)
    assert "already taken" in errors_of(duplicate)["number"][0]
    refused_by_database(duplicate.save)
    # Another body may have its own 41st session.
    SessionFactory.build(body=BodyFactory(), number=41).full_clean()


@pytest.mark.parametrize(("number", "second"), [(140, None), (138, 139), (140, 141), (139, 140)])
def test_a_bodys_numbers_never_overlap(number, second):
    double = SessionFactory(number=139, second_number=140)
    clash = SessionFactory.build(body=double.body, number=number, second_number=second)
    message = errors_of(clash)["number"][0]
    assert "already taken" in message and "139" in message


def test_neighbouring_numbers_do_not_clash():
    double = SessionFactory(number=139, second_number=140)
    SessionFactory.build(body=double.body, number=141, second_number=142).full_clean()
    SessionFactory.build(body=double.body, number=138).full_clean()


@postgresql_only
def test_database_refuses_overlapping_numbers_on_postgresql():
    double = SessionFactory(number=139, second_number=140)
    refused_by_database(lambda: SessionFactory(body=double.body, number=140))
    refused_by_database(lambda: SessionFactory(body=double.body, number=138, second_number=139))
    SessionFactory(body=double.body, number=141)  # no overlap: accepted


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite path")
def test_on_sqlite_overlapping_numbers_are_caught_by_clean_only():
    double = SessionFactory(number=139, second_number=140)
    clash = SessionFactory.build(body=double.body, number=140)
    assert "number" in errors_of(clash)


def test_second_number_follows_the_first():
    session = SessionFactory.build(body=BodyFactory(), number=140, second_number=139)
    assert "second_number" in errors_of(session)
    refused_by_database(session.save)


def test_a_session_needs_a_number_and_a_phase_has_none():
    body = BodyFactory()
    assert "number" in errors_of(SessionFactory.build(body=body, number=None))
    refused_by_database(SessionFactory.build(body=body, number=None).save)

    parent = SessionFactory(body=body, number=42)
    numbered_phase = SessionFactory.build(body=body, parent=parent, number=43)
    assert "no number of its own" in errors_of(numbered_phase)["number"][0]
    refused_by_database(numbered_phase.save)
    PhaseFactory.build(parent=parent).full_clean()


def test_phase_takes_its_sessions_body_and_cannot_nest():
    parent = SessionFactory(number=42)
    phase = Session(parent=parent, start_date=parent.start_date, end_date=parent.start_date)
    phase.full_clean()
    assert phase.body_id == parent.body_id

    saved = PhaseFactory(parent=parent)
    nested = PhaseFactory.build(parent=saved, body=parent.body)
    assert "cannot have phases" in errors_of(nested)["parent"][0]

    other_body = PhaseFactory.build(parent=parent, body=BodyFactory())
    assert "same body" in errors_of(other_body)["parent"][0]


def test_two_phases_of_one_session_do_not_clash_on_numbers():
    parent = SessionFactory(number=42)
    PhaseFactory(parent=parent)
    PhaseFactory(parent=parent)  # both have no number: no unique or exclusion clash
    assert parent.phases.count() == 2


def test_report_is_approved_at_a_session_of_another_body():
    council = BodyFactory(slug="council")
    committee = BodyFactory(reports_to=[council])
    own = SessionFactory(body=committee, number=40)
    session = SessionFactory(body=committee, number=41, report_approved_at=own)
    assert "another body" in errors_of(session)["report_approved_at"][0]
    session.report_approved_at = SessionFactory(body=council, number=138)
    session.full_clean()


def test_session_numbers_display_in_each_language():
    session = SessionFactory(number=139, second_number=140)
    with translation.override("en"):
        assert session.short_title() == "139th/140th session"
    with translation.override("ru"):
        assert session.short_title("prepositional") == "139-й/140-й сессии"


# Bodies -----------------------------------------------------------------------------------


def test_body_cannot_report_to_itself_or_in_a_loop():
    council = BodyFactory()
    commission = BodyFactory(reports_to=[council])
    committee = BodyFactory(reports_to=[council, commission])
    group = BodyFactory(reports_to=[committee])

    assert "itself" in council.reporting_cycle_error([council])
    assert "loop" in council.reporting_cycle_error([group])
    assert "loop" in commission.reporting_cycle_error([committee])
    assert committee.reporting_cycle_error([council]) is None
    with pytest.raises(ValidationError):
        services.body_set_reports_to(body=council, parents=[group])
    assert not council.reports_to.exists()
    services.body_set_reports_to(body=group, parents=[committee, commission])
    assert set(group.reports_to.all()) == {committee, commission}


def test_body_needs_a_name_and_the_russian_genitive():
    body = BodyFactory.build(name_ru="", name_en="", name_genitive_ru="")
    assert "name_ru" in errors_of(body)
    body = BodyFactory.build(name_ru="Комитет по правоприменению", name_genitive_ru="")
    assert "genitive" in errors_of(body)["name_genitive_ru"][0]


@pytest.mark.parametrize("slug", ["people", "sessions"])
def test_body_slug_cannot_be_a_reserved_word(slug):
    assert "slug" in errors_of(BodyFactory.build(slug=slug))


def test_body_dissolved_after_established():
    body = BodyFactory.build(established_on=date(1983, 1, 1), dissolved_on=date(1980, 1, 1))
    assert "dissolved_on" in errors_of(body)
    refused_by_database(body.save)


def test_availability_by_language():
    both = BodyFactory()
    russian = BodyFactory(russian_only=True)
    assert set(Body.objects.available_in("en")) == {both}
    assert set(Body.objects.available_in("ru")) == {both, russian}
    assert not Body.objects.available_in("de").exists()
    assert russian.available_languages() == ["ru"]
    session = SessionFactory(body=russian)
    assert not Session.objects.available_in("en").filter(pk=session.pk).exists()


# Terms ------------------------------------------------------------------------------------


def make_term(post, start, end=None, **kwargs):
    return Term(person=kwargs.pop("person", None) or PersonFactory(), post=post,
                start_date=start, end_date=end, **kwargs)  # fmt: skip


def test_term_ends_after_it_starts():
    post = PostFactory()
    term = make_term(post, date(2021, 3, 26), date(2021, 3, 26))
    assert "end_date" in errors_of(term)
    term.seat = 1
    refused_by_database(term.save)


def test_a_chair_at_a_time():
    chair = PostFactory(role=Post.Role.CHAIR, max_holders=1)
    TermFactory(post=chair, start_date=date(2020, 2, 28), end_date=None)
    second = make_term(chair, date(2021, 3, 26))
    message = errors_of(second)["__all__"][0]
    assert "Too many holders" in message and "26 March 2021" in message


def test_office_changes_hands_on_the_last_day_of_a_session():
    """Half-open terms: [.., 1 April) and [1 April, ..) share no day."""
    chair = PostFactory(max_holders=1)
    TermFactory(post=chair, start_date=date(2020, 2, 28), end_date=date(2022, 4, 1))
    successor = make_term(chair, date(2022, 4, 1))
    successor.full_clean()
    successor.save()
    assert successor.seat == 1
    # A day earlier would be one holder too many.
    early = make_term(chair, date(2022, 3, 31))
    assert "Too many holders" in errors_of(early)["__all__"][0]


def test_three_vice_chairs_at_once_but_not_four():
    vice = PostFactory(role=Post.Role.VICE_CHAIR, max_holders=3)
    for _ in range(3):
        term = make_term(vice, date(2021, 3, 26))
        term.full_clean()
        term.save()
    assert sorted(vice.terms.values_list("seat", flat=True)) == [1, 2, 3]
    fourth = make_term(vice, date(2021, 6, 1), date(2021, 7, 1))
    assert "Too many holders" in errors_of(fourth)["__all__"][0]


def test_capacity_counts_terms_in_force_on_the_same_day_not_all_overlapping_ones():
    """Two holders allowed; A and B never overlap each other, so C fits beside each."""
    post = PostFactory(role=Post.Role.VICE_CHAIR, max_holders=2)
    a = TermFactory(post=post, start_date=date(2021, 1, 1), end_date=date(2021, 6, 1))
    b = TermFactory(post=post, start_date=date(2021, 7, 1), end_date=date(2022, 1, 1))
    assert (a.seat, b.seat) == (1, 1)
    c = make_term(post, date(2021, 3, 1), date(2021, 9, 1))
    services.term_save(term=c)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.seat != c.seat and b.seat != c.seat


def test_term_save_repacks_seats_when_the_terms_fit_but_the_seats_do_not():
    post = PostFactory(role=Post.Role.VICE_CHAIR, max_holders=2)
    # A in seat 1, B in seat 2, never in force together.
    a = TermFactory(post=post, start_date=date(2021, 1, 1), end_date=date(2021, 6, 1), seat=1)
    b = TermFactory(post=post, start_date=date(2021, 7, 1), end_date=date(2022, 1, 1), seat=2)
    c = make_term(post, date(2021, 3, 1), date(2021, 9, 1))
    c.full_clean()
    assert c.seat is None, "no single seat is free for the whole of C"
    services.term_save(term=c)
    seats = {t.pk: t.seat for t in Term.objects.filter(post=post)}
    assert seats[a.pk] != seats[c.pk] and seats[b.pk] != seats[c.pk]
    assert set(seats.values()) <= {1, 2}


def test_the_same_person_cannot_hold_a_post_twice_at_once():
    post = PostFactory(role=Post.Role.VICE_CHAIR, max_holders=3)
    term = TermFactory(post=post)
    again = make_term(post, date(2022, 1, 1), person=term.person)
    assert "already holds this post" in errors_of(again)["__all__"][0]


def test_elected_at_a_session_of_the_same_body():
    post = PostFactory()
    elsewhere = SessionFactory()
    term = make_term(post, date(2021, 3, 26), elected_at=elsewhere)
    assert "same body" in errors_of(term)["elected_at"][0]
    term.elected_at = SessionFactory(body=post.body)
    term.full_clean()


def test_post_cannot_be_lowered_below_its_holders():
    post = PostFactory(role=Post.Role.VICE_CHAIR, max_holders=3)
    TermFactory(post=post)
    TermFactory(post=post)
    post.max_holders = 1
    assert "max_holders" in errors_of(post)
    post.max_holders = 2
    post.full_clean()


def test_post_role_is_unique_per_body():
    post = PostFactory(role=Post.Role.CHAIR)
    duplicate = Post(body=post.body, role=Post.Role.CHAIR)
    assert errors_of(duplicate)
    refused_by_database(duplicate.save)


@postgresql_only
def test_database_refuses_two_overlapping_terms_in_one_seat_on_postgresql():
    chair = PostFactory(max_holders=1)
    TermFactory(post=chair, start_date=date(2020, 1, 1), end_date=None, seat=1)
    # Bypassing clean(): the exclusion constraint still says no.
    refused_by_database(
        lambda: TermFactory(post=chair, start_date=date(2021, 3, 26), end_date=None, seat=1)
    )
    # Without a seat, save() finds none free and takes seat 1: refused as well.
    refused_by_database(lambda: TermFactory(post=chair, start_date=date(2021, 3, 26)))
    # Half-open: a term starting the day the other ends is accepted by the database too.
    TermFactory(post=PostFactory(body=chair.body, role=Post.Role.RAPPORTEUR))
    other = PostFactory(body=chair.body, role=Post.Role.VICE_CHAIR)
    TermFactory(post=other, start_date=date(2020, 1, 1), end_date=date(2022, 4, 1), seat=1)
    TermFactory(post=other, start_date=date(2022, 4, 1), end_date=None, seat=1)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite path")
def test_on_sqlite_the_seat_rule_is_enforced_by_clean_and_the_service():
    chair = PostFactory(max_holders=1)
    TermFactory(post=chair, start_date=date(2020, 1, 1))
    with pytest.raises(ValidationError):
        services.term_save(term=make_term(chair, date(2021, 3, 26)))
    assert chair.terms.count() == 1


def test_current_terms():
    post = PostFactory(max_holders=1)
    old = TermFactory(post=post, start_date=date(2019, 1, 1), end_date=date(2021, 1, 1))
    new = TermFactory(post=post, start_date=date(2021, 1, 1))
    assert list(Term.objects.current(date(2021, 1, 1))) == [new]
    assert list(Term.objects.current(date(2020, 12, 31))) == [old]
    assert old.is_current(date(2020, 12, 31)) and not old.is_current(date(2021, 1, 1))


# Delegations ------------------------------------------------------------------------------


def test_one_head_per_member_and_session():
    head = DelegationFactory(role=Delegation.Role.HEAD)
    second_head = DelegationFactory.build(
        session=head.session, person=PersonFactory(), role=Delegation.Role.HEAD
    )
    assert "already has a head" in errors_of(second_head)["role"][0]
    other_member = DelegationFactory.build(
        session=head.session,
        person=PersonFactory(),
        role=Delegation.Role.HEAD,
        member_ru="Казахстан",
        member_en="Kazakhstan",
    )
    other_member.full_clean()


def test_a_person_attends_a_session_once():
    delegate = DelegationFactory()
    again = DelegationFactory.build(session=delegate.session, person=delegate.person)
    assert errors_of(again)
    refused_by_database(again.save)


def test_person_slug_is_made_from_the_english_name():
    person = PersonFactory(name_en="Oleg Bakanov", slug="")
    assert person.slug == "oleg-bakanov"
    assert PersonFactory(russian_only=True, slug="").slug == "person"
