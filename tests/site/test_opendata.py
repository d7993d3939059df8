import csv
import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from fcs_site import opendata
from news.models import Article
from tests.factories import ArticleFactory, RubricFactory, TopicFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
HOST = "http://testserver"
DATASET = "7730176610-news"


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def read_csv(text) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def meta(client, language="ru") -> dict:
    rows = read_csv(body(get(client, f"/{language}/opendata/{DATASET}/meta.csv")))
    return {row["property"]: row["value"] for row in rows}


def data_url(client, fmt="csv", language="ru"):
    link = next(value for key, value in meta(client, language).items() if key.startswith("data-"))
    return link.removeprefix(HOST).replace(".csv", f".{fmt}")


@pytest.fixture
def articles():
    rubric = RubricFactory(slug="press-releases")
    topic = TopicFactory(slug="wco")
    both = ArticleFactory(
        title_ru="Заседание", title_en="Meeting", rubric=rubric,
        published_at=datetime(2021, 4, 8, 17, 55, tzinfo=MSK),
    )  # fmt: skip
    both.topics.add(topic, TopicFactory(slug="enforcement"))
    # Published in Russian only; its unfinished English headline must not leak.
    russian = ArticleFactory(russian_only=True, title_en="Draft English headline")
    hidden = [
        ArticleFactory(draft=True),
        ArticleFactory(scheduled=True),
        ArticleFactory(status=Article.Status.WITHDRAWN),
    ]
    return both, russian, hidden


@pytest.mark.parametrize("language", ["ru", "en"])
def test_open_data_page_lists_the_datasets(client, language):
    response = get(client, f"/{language}/opendata/")
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'href="/{language}/opendata/{DATASET}/"' in html
    assert {"ru": "Пресс-релизы и новости", "en": "Press releases and news"}[language] in html
    assert f'href="/{language}/opendata/list.csv"' in html


def test_registry_list_csv_links_every_passport(client):
    response = get(client, "/ru/opendata/list.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response)
    assert not text.startswith("\ufeff")
    rows = read_csv(text)
    assert list(rows[0]) == ["property", "title", "value", "format"]
    assert rows[0]["property"] == "standardversion"
    assert rows[1] == {
        "property": DATASET,
        "title": "Пресс-релизы и новости",
        "value": f"{HOST}/ru/opendata/{DATASET}/meta.csv",
        "format": "csv",
    }
    listed = json.loads(body(get(client, "/en/opendata/list.json")))
    assert listed[1]["property"] == DATASET and listed[1]["title"] == "Press releases and news"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_passport_page(client, articles, language):
    html = get(client, f"/{language}/opendata/{DATASET}/").content.decode()
    assert DATASET in html
    assert "Creative Commons Attribution 4.0 International (CC BY 4.0)" in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert {"ru": "Федеральная таможенная служба", "en": "Federal customs service"}[
        language
    ] in html
    for field in opendata.ArticleDataset.fields:
        assert f"<code>{field.name}</code>" in html
    assert data_url(client, "csv", language) in html
    assert data_url(client, "json", language) in html
    assert f"/{language}/opendata/{DATASET}/structure-20261128.csv" in html


def test_passport_file_has_the_recommended_properties(client, articles):
    passport = meta(client)
    for prop in (
        "standardversion", "identifier", "title", "description", "creator", "created",
        "modified", "subject", "format", "license", "publishername", "valid",
    ):  # fmt: skip
        assert prop in passport, prop
    assert passport["identifier"] == DATASET
    assert passport["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert passport["format"] == "csv"
    structure = [key for key in passport if key.startswith("structure-")]
    data = [key for key in passport if key.startswith("data-")]
    assert structure == ["structure-20261128"]
    assert len(data) == 1 and data[0].endswith("-structure-20261128")
    assert passport == json.loads(body(get(client, f"/ru/opendata/{DATASET}/meta.json")))


def test_structure_file_describes_every_field_in_both_languages(client):
    rows = read_csv(body(get(client, f"/ru/opendata/{DATASET}/structure-20261128.csv")))
    assert list(rows[0]) == ["field name", "english description", "russian description", "format"]
    assert [row["field name"] for row in rows] == [f.name for f in opendata.ArticleDataset.fields]
    title_en = next(row for row in rows if row["field name"] == "title_en")
    assert title_en["english description"] == "Headline in English"
    assert title_en["russian description"] == "Заголовок на английском языке"
    as_json = json.loads(body(get(client, f"/en/opendata/{DATASET}/structure-20261128.json")))
    assert as_json == rows


def test_csv_download_matches_the_database(client, articles):
    both, russian, _hidden = articles
    response = get(client, data_url(client))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response)
    assert not text.startswith("\ufeff")
    rows = read_csv(text)
    assert list(rows[0]) == [field.name for field in opendata.ArticleDataset.fields]
    assert [int(row["id"]) for row in rows] == [russian.pk, both.pk]
    first, second = rows[1], rows[0]
    assert first["title_ru"] == "Заседание" and first["title_en"] == "Meeting"
    assert first["url_en"] == HOST + both.get_absolute_url("en")
    assert first["body_ru"] == both.body_ru
    assert first["published_at"] == "2021-04-08T17:55:00+03:00"
    assert first["rubric"] == "press-releases"
    assert first["topics"] == "enforcement;wco"
    assert first["kind"] == "news"
    assert second["title_ru"] == russian.title_ru
    assert second["title_en"] == second["url_en"] == second["body_en"] == ""


def test_json_download_matches_the_database(client, articles):
    both, russian, _hidden = articles
    response = get(client, data_url(client, "json"))
    assert response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    records = json.loads(body(response))
    assert [record["id"] for record in records] == [russian.pk, both.pk]
    second, first = records
    assert first["topics"] == ["enforcement", "wco"]
    assert first["title_en"] == "Meeting"
    assert first["url_ru"] == HOST + both.get_absolute_url("ru")
    assert second["title_en"] is None and second["lead_en"] is None
    assert set(first) == {field.name for field in opendata.ArticleDataset.fields}


def test_csv_cells_cannot_become_spreadsheet_formulas(client):
    ArticleFactory(
        title_ru="=HYPERLINK(\"http://evil.example\")",
        lead_ru="+1", note_ru="", title_en="@SUM(A1)", lead_en="-2", body_en="<p>ok</p>",
    )  # fmt: skip
    ArticleFactory(title_ru="\tTab", lead_ru="\rReturn")
    rows = read_csv(body(get(client, data_url(client))))
    by_title = {row["title_ru"]: row for row in rows}
    formula = by_title['\'=HYPERLINK("http://evil.example")']
    assert formula["lead_ru"] == "'+1"
    assert formula["title_en"] == "'@SUM(A1)" and formula["lead_en"] == "'-2"
    assert "'\tTab" in by_title
    # JSON keeps the text as it is.
    records = json.loads(body(get(client, data_url(client, "json"))))
    assert {record["title_ru"] for record in records} == {
        '=HYPERLINK("http://evil.example")',
        "\tTab",
    }


def test_downloads_are_streamed_in_chunks(client, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(opendata, "CHUNK_SIZE", 2)
    ArticleFactory.create_batch(5)
    url = data_url(client)
    response = client.get(url)
    # Nothing is read until the body is consumed, then chunk by chunk: the topics of each
    # chunk of two rows are fetched with it.
    with django_assert_num_queries(4):
        text = body(response)
    assert len(read_csv(text)) == 5


def test_only_the_current_version_is_served(client, articles):
    current = data_url(client)
    both, _russian, _hidden = articles
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        both.title_ru = "Исправленный заголовок"
        both.save()
        get(client, current, status=404)
        updated = data_url(client)
        assert updated != current
        assert "Исправленный заголовок" in body(get(client, updated))


def test_deleting_articles_makes_a_new_version(client, articles):
    current = data_url(client)
    both, russian, _hidden = articles
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        russian.delete()
        get(client, current, status=404)
        without_one = data_url(client)
        assert without_one != current
        text = body(get(client, without_one))
        assert russian.title_ru not in text and both.title_ru in text
    # The admin's "delete selected" deletes a queryset.
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        Article.objects.filter(pk=both.pk).delete()
        get(client, without_one, status=404)
        assert data_url(client) != without_one
        assert both.title_ru not in body(get(client, data_url(client)))


def test_deleting_a_topic_makes_a_new_version(client, articles):
    current = data_url(client)
    both, _russian, _hidden = articles
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        both.topics.get(slug="wco").delete()  # its links to articles go with it
        assert data_url(client) != current
        assert "wco" not in read_csv(body(get(client, data_url(client))))[0]["topics"]


def test_version_changes_when_a_scheduled_article_comes_due(client):
    when = timezone.now() + timedelta(hours=2)
    ArticleFactory(published_at=when, title_ru="Будет позже")
    before = data_url(client)
    with time_machine.travel(when + timedelta(minutes=1), tick=False):
        after = data_url(client)
        assert after != before
        assert "Будет позже" in body(get(client, after))


def test_empty_dataset_has_a_passport_and_no_data(client):
    passport = meta(client)
    assert not [key for key in passport if key.startswith("data-")]
    html = get(client, f"/en/opendata/{DATASET}/").content.decode()
    assert "The dataset has no data yet." in html


@pytest.mark.parametrize(
    "url",
    [
        "/ru/opendata/nothing/",
        "/ru/opendata/nothing/meta.csv",
        f"/ru/opendata/{DATASET}/meta.xml",
        f"/ru/opendata/{DATASET}/structure-20000101.csv",
        f"/ru/opendata/{DATASET}/data-20000101T0000-structure-20261128.csv",
        f"/ru/opendata/{DATASET}/data-2000-structure-20261128.csv",
        "/ru/opendata/list.xml",
        "/ru/opendata/../admin/",
    ],
)
def test_unknown_files_answer_404(client, articles, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_passport_page_query_count(client, django_assert_num_queries, size):
    ArticleFactory.create_batch(size)
    # When the data last changed: the newest edit, the newest due date, the last deletion.
    with django_assert_num_queries(3):
        get(client, f"/en/opendata/{DATASET}/")


def test_csv_value_rules():
    text = opendata.Field("x", "x", "string", lambda a, c: None)
    number = opendata.Field("n", "n", "integer", lambda a, c: None)
    assert opendata.csv_value(text, "-5") == "'-5"
    assert opendata.csv_value(number, -5) == "-5"
    assert opendata.csv_value(text, None) == ""
    assert opendata.csv_value(text, ["a", "b"]) == "a;b"
    assert opendata.csv_value(text, "@x") == "'@x"
    assert opendata.csv_value(text, "plain") == "plain"
