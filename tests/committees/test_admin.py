"""The admin: every broken rule shows a clear message on the form, never a 500."""

from datetime import date

import pytest

from committees.models import Body, Delegation, Post, Session, Term
from tests.factories import (
    ArticleFactory,
    BodyFactory,
    DelegationFactory,
    PersonFactory,
    PostFactory,
    SessionFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def form_data(response) -> dict:
    """What the admin page's form would send back unchanged, inlines included."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if (
                field.widget.input_type == "checkbox"
                if hasattr(field.widget, "input_type")
                else False
            ):
                if value:
                    data[key] = "on"
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is None:
                data[key] = ""
            elif hasattr(value, "pk"):
                data[key] = str(value.pk)
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def post_form(client, path, changes: dict, **headers):
    data = form_data(client.get(path, **headers))
    data.update(changes)
    return client.post(path, data, **headers)


def assert_form_error(response, text):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "errornote" in html, "the form was not redisplayed with errors"
    assert text in html, text


@pytest.fixture
def ec():
    council = BodyFactory(slug="council", name_en="Council", name_ru="Совет")
    return BodyFactory(
        slug="enforcement-committee",
        name_en="Enforcement Committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        reports_to=[council],
    )


SESSION_ADD = "/admin/committees/session/add/"


def session_fields(body, **changes):
    values = {
        "body": str(body.pk),
        "number": "41",
        "second_number": "",
        "parent": "",
        "start_date": "2021-03-22",
        "end_date": "2021-03-26",
        "format": Session.Format.VIRTUAL,
        "venue_ru": "Видеоконференция",
        "venue_en": "Videoconference",
        "status": Session.Status.HELD,
        "summary_ru": "",
        "summary_en": "",
        "report_approved_at": "",
    }
    values.update(changes)
    return values


def test_staff_adds_a_session_with_phases_and_a_delegation(staff_client, ec):
    person = PersonFactory()
    response = post_form(
        staff_client,
        SESSION_ADD,
        {
            **session_fields(ec, number="42", start_date="2022-03-28", end_date="2022-04-01"),
            "phases-TOTAL_FORMS": "1",
            "phases-0-start_date": "2022-03-28",
            "phases-0-end_date": "2022-03-30",
            "phases-0-format": Session.Format.VIRTUAL,
            "phases-0-status": Session.Status.HELD,
            "phases-0-venue_ru": "",
            "phases-0-venue_en": "",
            "delegations-TOTAL_FORMS": "1",
            "delegations-0-member_ru": "Российская Федерация",
            "delegations-0-member_en": "Russian Federation",
            "delegations-0-person": str(person.pk),
            "delegations-0-role": Delegation.Role.HEAD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:5000]
    session = Session.objects.get(body=ec, number=42)
    phase = session.phases.get()
    assert phase.body == ec and phase.number is None
    assert session.delegations.get().person == person


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "The last day cannot be before the first day."),
        ({}, "Последний день не может быть раньше первого."),
    ],
)
def test_session_ending_before_it_starts(staff_client, ec, headers, message):
    response = post_form(
        staff_client, SESSION_ADD, session_fields(ec, end_date="2021-03-01"), **headers
    )
    assert_form_error(response, message)
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("number", "second", "message"),
    [
        ("41", "", "This number is already taken: the body&#x27;s 41st session"),
        ("140", "", "This number is already taken: the body&#x27;s 139th/140th session"),
        ("138", "139", "This number is already taken: the body&#x27;s 139th/140th session"),
        ("45", "44", "The second number must be greater than the first."),
    ],
)
def test_duplicate_and_overlapping_numbers(staff_client, ec, number, second, message):
    SessionFactory(body=ec, number=41)
    SessionFactory(body=ec, number=139, second_number=140)
    response = post_form(
        staff_client, SESSION_ADD, session_fields(ec, number=number, second_number=second), **EN
    )
    assert_form_error(response, message)
    assert Session.objects.count() == 2


def test_duplicate_number_message_in_russian(staff_client, ec):
    SessionFactory(body=ec, number=41)
    response = post_form(staff_client, SESSION_ADD, session_fields(ec))
    assert_form_error(response, "Этот номер уже занят: его носит 41-я сессия этого органа")


def test_report_approved_at_a_session_of_the_same_body(staff_client, ec):
    own = SessionFactory(body=ec, number=40)
    response = post_form(
        staff_client, SESSION_ADD, session_fields(ec, report_approved_at=str(own.pk)), **EN
    )
    assert_form_error(response, "A session&#x27;s report is approved by another body")


def test_two_heads_or_the_same_person_twice_in_one_delegation_form(staff_client, ec):
    session = SessionFactory(body=ec, number=41)
    first, second = PersonFactory(), PersonFactory()
    path = f"/admin/committees/session/{session.pk}/change/"

    def delegates(*rows):
        data = {"delegations-TOTAL_FORMS": str(len(rows))}
        for i, (person, role) in enumerate(rows):
            data |= {
                f"delegations-{i}-member_ru": "Российская Федерация",
                f"delegations-{i}-member_en": "Russian Federation",
                f"delegations-{i}-person": str(person.pk),
                f"delegations-{i}-role": role,
            }
        return data

    head = Delegation.Role.HEAD
    response = post_form(staff_client, path, delegates((first, head), (second, head)), **EN)
    assert_form_error(response, "already has a head")
    response = post_form(
        staff_client, path, delegates((first, head), (first, Delegation.Role.MEMBER)), **EN
    )
    assert_form_error(response, "Please correct the duplicate data")
    assert not Delegation.objects.exists()


def test_body_inline_sessions_that_clash_with_each_other(staff_client, ec):
    path = f"/admin/committees/body/{ec.pk}/change/"
    rows = {"sessions-TOTAL_FORMS": "2"}
    for i, (number, second) in enumerate([("139", "140"), ("140", "")]):
        rows |= {
            f"sessions-{i}-number": number,
            f"sessions-{i}-second_number": second,
            f"sessions-{i}-start_date": "2022-06-23",
            f"sessions-{i}-end_date": "2022-06-25",
            f"sessions-{i}-format": Session.Format.IN_PERSON,
            f"sessions-{i}-status": Session.Status.HELD,
        }
    response = post_form(staff_client, path, rows, **EN)
    assert_form_error(response, "Another row of this form already carries this number.")
    assert not Session.objects.exists()


def test_body_inline_posts_cannot_repeat_a_role(staff_client, ec):
    path = f"/admin/committees/body/{ec.pk}/change/"
    rows = {"posts-TOTAL_FORMS": "2"}
    for i in range(2):
        rows |= {f"posts-{i}-role": Post.Role.CHAIR, f"posts-{i}-max_holders": "1"}
    response = post_form(staff_client, path, rows, **EN)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Post.objects.exists()


def test_lowering_a_posts_holders_below_its_terms(staff_client, ec):
    vice = PostFactory(body=ec, role=Post.Role.VICE_CHAIR, max_holders=3)
    TermFactory(post=vice)
    TermFactory(post=vice)
    path = f"/admin/committees/body/{ec.pk}/change/"
    response = post_form(staff_client, path, {"posts-0-max_holders": "1"}, **EN)
    assert_form_error(response, "2 people hold this post at the same time")


@pytest.mark.parametrize(
    ("headers", "message"),
    [(EN, "This would make a loop in the reporting lines"), ({}, "замкнутый круг подотчётности")],
)
def test_reporting_cycle_is_refused(staff_client, ec, headers, message):
    council = Body.objects.get(slug="council")
    path = f"/admin/committees/body/{council.pk}/change/"
    response = post_form(staff_client, path, {"reports_to": [str(ec.pk)]}, **headers)
    assert_form_error(response, message)
    assert not council.reports_to.exists()
    response = post_form(staff_client, path, {"reports_to": [str(council.pk)]}, **EN)
    assert_form_error(response, "A body cannot report to itself.")


def test_staff_adds_a_body_with_a_chair_post(staff_client, ec):
    response = post_form(
        staff_client,
        "/admin/committees/body/add/",
        {
            "name_ru": "Финансовый комитет",
            "name_genitive_ru": "Финансового комитета",
            "name_en": "Finance Committee",
            "slug": "finance-committee",
            "classification": Body.Classification.COMMITTEE,
            "reports_to": [str(Body.objects.get(slug="council").pk)],
            "established_on": "1953-01-01",
            "established_precision": "year",
            "dissolved_precision": "year",
            "position": "3",
            "posts-TOTAL_FORMS": "1",
            "posts-0-role": Post.Role.CHAIR,
            "posts-0-max_holders": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    body = Body.objects.get(slug="finance-committee")
    assert body.posts.get().role == Post.Role.CHAIR
    assert body.reports_to.get().slug == "council"


def test_body_without_the_russian_genitive(staff_client):
    response = post_form(
        staff_client,
        "/admin/committees/body/add/",
        {
            "name_ru": "Финансовый комитет",
            "name_genitive_ru": "",
            "slug": "finance-committee",
            "established_precision": "year",
            "dissolved_precision": "year",
            "classification": Body.Classification.COMMITTEE,
            "position": "0",
        },
        **EN,
    )
    assert_form_error(response, "Give the Russian name in the genitive case too")


# Terms ------------------------------------------------------------------------------------

TERM_ADD = "/admin/committees/term/add/"


def term_fields(post, person=None, **changes):
    values = {
        "person": str((person or PersonFactory()).pk),
        "post": str(post.pk),
        "start_date": "2021-03-26",
        "end_date": "",
        "elected_at": "",
    }
    values.update(changes)
    return values


def test_staff_adds_a_term_and_it_gets_a_seat(staff_client, ec):
    vice = PostFactory(body=ec, role=Post.Role.VICE_CHAIR, max_holders=3)
    TermFactory(post=vice)
    session = SessionFactory(body=ec, number=41)
    response = staff_client.post(TERM_ADD, term_fields(vice, elected_at=str(session.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(vice.terms.values_list("seat", flat=True)) == [1, 2]


def test_term_form_uses_autocomplete(staff_client):
    html = staff_client.get(TERM_ADD).content.decode()
    assert html.count("admin-autocomplete") >= 3


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "Too many holders: the post “Chair, Enforcement Committee” may be held by 1"),
        ({}, "Слишком много лиц на одной должности: должность «Председатель, Комитет по"),
    ],
)
def test_term_beyond_the_posts_capacity(staff_client, ec, headers, message):
    chair = PostFactory(body=ec, role=Post.Role.CHAIR, max_holders=1)
    TermFactory(post=chair, start_date=date(2020, 2, 28))
    response = staff_client.post(TERM_ADD, term_fields(chair), **headers)
    assert_form_error(response, message)
    assert chair.terms.count() == 1


def test_term_handover_on_the_same_day_is_accepted(staff_client, ec):
    chair = PostFactory(body=ec, role=Post.Role.CHAIR, max_holders=1)
    TermFactory(post=chair, start_date=date(2020, 2, 28), end_date=date(2022, 4, 1))
    response = staff_client.post(TERM_ADD, term_fields(chair, start_date="2022-04-01"))
    assert response.status_code == 302
    assert chair.terms.count() == 2


def test_term_ending_before_it_starts(staff_client, ec):
    chair = PostFactory(body=ec)
    response = staff_client.post(TERM_ADD, term_fields(chair, end_date="2021-03-01"), **EN)
    assert_form_error(response, "The term must end after it starts")


def test_term_elected_at_another_bodys_session(staff_client, ec):
    chair = PostFactory(body=ec)
    elsewhere = SessionFactory(number=138)
    response = staff_client.post(TERM_ADD, term_fields(chair, elected_at=str(elsewhere.pk)), **EN)
    assert_form_error(response, "The election must be at a session of the same body")


def test_term_for_someone_already_in_the_post(staff_client, ec):
    vice = PostFactory(body=ec, role=Post.Role.VICE_CHAIR, max_holders=3)
    term = TermFactory(post=vice)
    response = staff_client.post(TERM_ADD, term_fields(vice, person=term.person), **EN)
    assert_form_error(response, "already holds this post")


def test_term_that_needs_the_seats_rearranged(staff_client, ec):
    vice = PostFactory(body=ec, role=Post.Role.VICE_CHAIR, max_holders=2)
    TermFactory(post=vice, start_date=date(2021, 1, 1), end_date=date(2021, 6, 1), seat=1)
    TermFactory(post=vice, start_date=date(2021, 7, 1), end_date=date(2022, 1, 1), seat=2)
    response = staff_client.post(
        TERM_ADD, term_fields(vice, start_date="2021-03-01", end_date="2021-09-01")
    )
    assert response.status_code == 302
    assert Term.objects.filter(post=vice).count() == 3


# Links with articles, from both sides ------------------------------------------------------


def test_article_form_links_bodies_sessions_and_people(staff_client, ec):
    html = staff_client.get("/admin/news/article/add/").content.decode()
    for name in ("bodies", "sessions", "people"):
        assert f'name="{name}"' in html
    assert html.count("admin-autocomplete") >= 4


@pytest.mark.parametrize("model", ["body", "session", "person"])
def test_committee_pages_in_the_admin_show_linked_articles(staff_client, ec, model):
    obj = {
        "body": ec,
        "session": SessionFactory(body=ec),
        "person": PersonFactory(),
    }[model]
    article = ArticleFactory(title_ru="Связанная новость")
    getattr(article, {"body": "bodies", "session": "sessions", "person": "people"}[model]).add(obj)
    response = staff_client.get(f"/admin/committees/{model}/{obj.pk}/change/")
    assert response.status_code == 200
    assert "Связанная новость" in response.content.decode()


def test_linking_an_article_from_the_body_page(staff_client, ec):
    article = ArticleFactory()
    path = f"/admin/committees/body/{ec.pk}/change/"
    data = form_data(staff_client.get(path))
    prefix = next(
        key[: -len("-TOTAL_FORMS")]
        for key in data
        if "article" in key.lower() and key.endswith("-TOTAL_FORMS")
    )
    data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-article": str(article.pk)}
    response = staff_client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(article.bodies.all()) == [ec]


def test_session_autocomplete_finds_by_body_and_number(staff_client, ec):
    wanted = SessionFactory(body=ec, number=41)
    SessionFactory(body=ec, number=42)
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": "Enforcement 41",
            "app_label": "committees",
            "model_name": "term",
            "field_name": "elected_at",
        },
    )
    assert response.status_code == 200
    assert [int(r["id"]) for r in response.json()["results"]] == [wanted.pk]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/committees/body/",
        "/admin/committees/session/",
        "/admin/committees/person/",
        "/admin/committees/post/",
        "/admin/committees/term/",
        "/admin/committees/session/?q=41",
        "/admin/committees/session/?q=abc+99999999999999999999",
        "/admin/committees/term/?q=Petrov",
    ],
)
def test_changelists_open(staff_client, ec, path):
    TermFactory(post=PostFactory(body=ec))
    DelegationFactory(session=SessionFactory(body=ec, number=41))
    assert staff_client.get(path).status_code == 200


def test_a_deleted_body_can_be_recovered_with_its_posts_and_terms(staff_client, client):
    """Issue 9: deleting a body asks for confirmation and can be undone."""
    from reversion.models import Version

    parent = BodyFactory(slug="policy-commission-test")
    body = BodyFactory(slug="short-lived-group", name_en="Short-lived Group", reports_to=[parent])
    post = PostFactory(body=body, role=Post.Role.CHAIR)
    term = TermFactory(post=post, start_date=date(2020, 1, 1))
    delete_url = f"/admin/committees/body/{body.pk}/delete/"

    confirm = staff_client.get(delete_url, **EN)
    assert confirm.status_code == 200
    assert "Short-lived Group" in confirm.content.decode()
    assert Body.objects.filter(pk=body.pk).exists()  # asking deletes nothing

    response = staff_client.post(delete_url, {"post": "yes"}, **EN)
    assert response.status_code == 302
    assert not Body.objects.filter(pk=body.pk).exists()
    assert not Term.objects.filter(pk=term.pk).exists()
    assert client.get("/en/committees/short-lived-group/").status_code == 404

    recover_list = staff_client.get("/admin/committees/body/recover/", **EN)
    assert recover_list.status_code == 200
    assert "Short-lived Group" in recover_list.content.decode()
    deleted = list(Version.objects.get_deleted(Body))
    assert [v.object_id for v in deleted] == [str(body.pk)]
    version = deleted[0]
    assert staff_client.get(f"/admin/committees/body/recover/{version.pk}/").status_code == 200

    version.revision.revert(delete=True)
    restored = Body.objects.get(pk=body.pk)
    assert restored.name_en == "Short-lived Group"
    assert list(restored.reports_to.all()) == [parent]
    assert Post.objects.filter(pk=post.pk, body=restored).exists()
    assert Term.objects.filter(pk=term.pk, post=post).exists()


@pytest.mark.parametrize(
    ("model", "make", "field", "value"),
    [
        ("session", lambda ec: SessionFactory(body=ec, number=7), "venue_en", "Brussels"),
        ("person", lambda ec: PersonFactory(), "position_en", "Director"),
        ("term", lambda ec: TermFactory(), "acting", True),
    ],
)
def test_registry_edits_keep_revisions_to_compare_and_restore(
    staff_client, ec, model, make, field, value
):
    """Like bodies and articles, sessions, people and terms keep a revision of every save
    made in the admin: who changed what can be seen, and an older state brought back."""
    from reversion.models import Version

    obj = make(ec)
    change = f"/admin/committees/{model}/{obj.pk}/change/"
    data = form_data(staff_client.get(change, **EN))
    data[field] = "on" if value is True else value
    response = staff_client.post(change, data, **EN)
    assert response.status_code == 302, response.content.decode()[:3000]
    kept = Version.objects.get_for_object(obj)
    assert kept.count() == 1
    history = staff_client.get(f"/admin/committees/{model}/{obj.pk}/history/", **EN)
    assert (
        f"/admin/committees/{model}/{obj.pk}/history/{kept.get().pk}/" in history.content.decode()
    )


def test_a_save_from_a_page_opened_before_someone_elses_save_is_refused(
    staff_client, staff_user, ec
):
    """Two people open the Enforcement Committee's page; the first saves a new description,
    the second (who only fixed the abbreviation) used to put the old description back
    without knowing. Now the second is told, keeps what they typed, and may save again."""
    from django.test import Client

    change = f"/admin/committees/body/{ec.pk}/change/"
    first = staff_client
    second = Client()
    second.force_login(staff_user)
    data_first = form_data(first.get(change, **EN))
    data_second = form_data(second.get(change, **EN))

    data_first["description_en"] = "Meets every year in March."
    assert first.post(change, data_first, **EN).status_code == 302

    data_second["abbreviation_en"] = "EC-fixed"
    refused = second.post(change, data_second, **EN)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "after you opened it" in html
    assert 'value="EC-fixed"' in html  # what they typed is still there
    ec.refresh_from_db()
    assert ec.description_en == "Meets every year in March."
    assert ec.abbreviation_en != "EC-fixed"

    # Saving again, knowingly, goes through.
    again = form_data(refused)
    assert second.post(change, again, **EN).status_code == 302
    ec.refresh_from_db()
    assert ec.abbreviation_en == "EC-fixed"
