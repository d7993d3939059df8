"""The press service's contacts: one row, edited in the admin in both languages, shown by
`{% press_contacts %}` and includes/press_contacts.html, and fresh at once in cached pages."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.template import engines
from django.urls import reverse
from django.utils import translation

from fcs_site.models import PressContacts
from tests.site.redis_support import redis_page_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:fcs_site_presscontacts_add")
LIST_URL = reverse("admin:fcs_site_presscontacts_changelist")

FORM = {
    "name_ru": "Пресс-служба",
    "name_en": "Press service",
    "address_ru": "ул. Новозаводская, д. 11/5\nМосква, 121087",
    "address_en": "11/5 Novozavodskaya ulitsa\nMoscow 121087",
    "phones": "+7 495 000-00-01\n+7 (495) 000-00-02",
    "email": "press@customs.example",
    "hours_ru": "Пн–чт 9:00–18:00",
    "hours_en": "Mon–Thu 9:00–18:00",
    "accreditation_ru": "Заявка за три рабочих дня",
    "accreditation_en": "Apply three working days ahead",
}


def render(language: str, source: str = '{% include "includes/press_contacts.html" %}') -> str:
    with translation.override(language):
        return engines["django"].from_string(source).render({})


def make_contacts(**changes) -> PressContacts:
    return PressContacts.objects.create(**{**FORM, **changes})


def test_contacts_entered_in_the_admin_show_in_each_language(staff_client):
    response = staff_client.post(ADD_URL, {**FORM, "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    ru, en = render("ru"), render("en")
    assert "Пресс-служба" in ru and "Москва, 121087" in ru and "Пн–чт 9:00–18:00" in ru
    assert "Press service" in en and "Moscow 121087" in en and "Apply three" in en
    assert "Москва" not in en and "Moscow" not in ru
    for html in (ru, en):
        assert '<a href="tel:+74950000001">+7 495 000-00-01</a>' in html
        assert '<a href="tel:+74950000002">+7 (495) 000-00-02</a>' in html
        assert '<a href="mailto:press@customs.example">press@customs.example</a>' in html
        assert html.count("<address") == 1 and "<h2" not in html.split("<address")[1]
    assert "Телефоны" in ru and "Phones" in en and "Аккредитация" in ru


def test_the_admin_form_shows_both_languages_side_by_side(staff_client):
    html = staff_client.get(ADD_URL).content.decode()
    for name in FORM:
        assert f'name="{name}"' in html, name


def test_text_missing_in_a_language_is_left_out():
    make_contacts(address_en="", hours_en="", accreditation_en="", name_en="")
    en = render("en")
    assert "Press service" in en  # the heading falls back to the interface's words
    assert "Москва" not in en and "Пн–чт" not in en and "Hours for journalists" not in en
    assert "tel:+74950000001" in en


def test_nothing_is_shown_before_the_contacts_are_entered(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert render("en").strip() == ""


def test_the_tag_reads_the_row_with_one_query(django_assert_num_queries):
    make_contacts()
    source = (
        "{% load contacts_tags %}{% press_contacts as contacts %}"
        '{% include "includes/press_contacts.html" with contacts=contacts heading_level=3 %}'
    )
    with django_assert_num_queries(1):
        html = render("ru", source)
    assert '<h3 class="press-contacts__title">Пресс-служба</h3>' in html


def test_a_second_row_cannot_be_added(staff_client):
    row = make_contacts()
    assert staff_client.get(ADD_URL).status_code == 403
    assert staff_client.post(ADD_URL, {**FORM, "_save": "Save"}).status_code == 403
    listing = staff_client.get(LIST_URL)
    assert listing.status_code == 302
    assert listing["Location"] == reverse("admin:fcs_site_presscontacts_change", args=[row.pk])
    assert ADD_URL not in staff_client.get(listing["Location"]).content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_contacts()
    assert PressContacts.objects.count() == 1


def test_the_empty_list_leads_to_the_add_form(staff_client):
    assert staff_client.get(LIST_URL)["Location"] == ADD_URL


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "press at customs", "Введите правильный адрес электронной почты."),
        ("phones", "+7 495 000-00-01\ncall us", "«call us» — не номер телефона."),
        ("name_ru", "", "Обязательное поле."),
    ],
)
def test_bad_input_is_a_form_error(staff_client, field, value, message):
    row = make_contacts()
    url = reverse("admin:fcs_site_presscontacts_change", args=[row.pk])
    response = staff_client.post(url, {**FORM, field: value, "_save": "Save"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message in str(errors[field])
    row.refresh_from_db()
    assert getattr(row, field) == FORM[field]


@pytest.mark.usefixtures("redis_page_cache")
def test_saving_the_contacts_refreshes_every_cached_page_at_once(client, settings, staff_user):
    settings.ROOT_URLCONF = "tests.site.contacts_urls"
    row = make_contacts()
    pages = ["/en/contacts-only/", "/ru/contacts-only/", "/en/", "/ru/news/"]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    editor = client.__class__()
    editor.force_login(staff_user)
    change_url = reverse("admin:fcs_site_presscontacts_change", args=[row.pk])
    response = editor.post(change_url, {**FORM, "phones": "+7 495 000-99-99", "_save": "Save"})
    assert response.status_code == 302

    for url in pages:
        response = client.get(url)
        assert response.get("X-Page-Cache") != "hit", url
    for url in pages[:2]:
        html = client.get(url).content.decode()
        assert '<a href="tel:+74950009999">+7 495 000-99-99</a>' in html
        assert "000-00-01" not in html


def test_the_demo_enters_the_contacts_once():
    call_command("load_demo")
    row = PressContacts.objects.get()
    assert row.name_ru == "Пресс-служба ФТС России" and row.name_en
    assert row.address_en and row.hours_en and row.accreditation_en and row.email
    updated = row.updated_at
    call_command("load_demo")
    assert PressContacts.objects.get().updated_at == updated
