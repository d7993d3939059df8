"""The editorial workflow in a real browser: the whole path from an Author's draft to a
scheduled publication a visitor sees only after its time, and two editors colliding."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import Article, ArticleEvent
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"
TITLE_RU = "Делегация ФТС России приняла участие в 45-й сессии Комитета по правоприменению"
TITLE_EN = "An FCS delegation took part in the 45th session of the Enforcement Committee"


@pytest.fixture
def staff_page(browser):
    """A separate browser (own cookies) per person, with the admin in English."""
    contexts = []

    def open_as(user):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{open_as.base}/admin/login/?next=/admin/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        return page

    yield open_as
    for context in contexts:
        context.close()


RICH_TEXT = {"body", "note"}


def fill_language(page, language, **fields):
    page.select_option("#modeltranslation-main-switch", label=language)
    for name, value in fields.items():
        if name in RICH_TEXT:
            # The body and the note are edited in the WYSIWYG editor, as people do.
            editor = page.locator(f"#tab_id_{name}_{language} .ProseMirror[contenteditable=true]")
            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(re.sub(r"<[^>]+>", "", value))
        else:
            page.fill(f"#id_{name}_{language}", value)


def test_author_writes_editor_reviews_and_schedules_visitor_sees_it_only_after_its_time(
    live_server, browser, staff_page, page, check_axe, artifacts_dir
):
    staff_page.base = live_server.url
    author = UserFactory(username="anna", first_name="Anna", last_name="Petrova", role="Author")
    editor = UserFactory(username="elena", first_name="Elena", last_name="Ivanova", role="Editor")

    # The Author writes a bilingual article and submits it.
    writer = staff_page(author)
    writer.goto(f"{live_server.url}/admin/news/article/add/")
    fill_language(
        writer,
        "ru",
        title=TITLE_RU,
        lead="Делегация обсудила сотрудничество таможенных служб.",
        body="<p>Сессия прошла в Брюсселе.</p>",
    )
    fill_language(
        writer,
        "en",
        title=TITLE_EN,
        lead="The delegation discussed cooperation between customs services.",
        body="<p>The session was held in Brussels.</p>",
    )
    writer.click("input[name=_submit_for_review]")
    writer.wait_for_selector(".messagelist .success")
    assert "submitted for review" in writer.inner_text(".messagelist")
    article = Article.objects.get(title_en=TITLE_EN)
    assert article.status == Article.Status.IN_REVIEW
    change_url = f"{live_server.url}/admin/news/article/{article.pk}/change/"
    assert writer.locator("input[name=_save]").count() == 0, "the submitted text is frozen"

    # The Editor asks for a change.
    reviewer = staff_page(editor)
    reviewer.goto(change_url)
    reviewer.get_by_role("link", name="Ask for changes").click()
    reviewer.fill("#id_note", "Name the dates of the session, please.")
    reviewer.click("input[name=_confirm]")
    reviewer.wait_for_selector(".messagelist .success")

    # The Author sees the note, fixes the text and submits again.
    writer.goto(change_url)
    assert "Name the dates of the session, please." in writer.inner_text(".workflow-request")
    assert "Elena Ivanova" in writer.inner_text(".workflow-request")
    fill_language(writer, "en", body="<p>The session was held in Brussels on 24–28 March.</p>")
    fill_language(writer, "ru", body="<p>Сессия прошла в Брюсселе 24–28 марта.</p>")
    writer.click("input[name=_submit_for_review]")
    writer.wait_for_selector(".messagelist .success")
    writer.screenshot(path=str(artifacts_dir / "workflow-author-resubmitted.png"), full_page=True)

    # The Editor schedules it a few seconds ahead.
    reviewer.goto(change_url)
    reviewer.get_by_role("link", name="Publish or schedule").click()
    reviewer.check("input[name=when][value=later]")
    when = timezone.localtime(timezone.now() + timedelta(seconds=12)).replace(microsecond=0)
    reviewer.fill("#id_publish_date", when.strftime("%Y-%m-%d"))
    reviewer.fill("#id_publish_time", when.strftime("%H:%M:%S"))
    reviewer.click("input[name=_confirm]")
    reviewer.wait_for_selector(".messagelist .success")
    assert "Scheduled" in reviewer.inner_text(".workflow-status")
    reviewer.screenshot(path=str(artifacts_dir / "workflow-editor-scheduled.png"), full_page=True)
    article.refresh_from_db()
    assert article.is_scheduled() and article.published_at == when
    assert list(article.events.order_by("id").values_list("action", flat=True)) == [
        ArticleEvent.Action.CREATED,
        ArticleEvent.Action.SUBMITTED,
        ArticleEvent.Action.CHANGES_REQUESTED,
        ArticleEvent.Action.EDITED,
        ArticleEvent.Action.SUBMITTED,
        ArticleEvent.Action.SCHEDULED,
    ]

    # A visitor sees nothing of it before its time...
    public_url = live_server.url + article.get_absolute_url("en")
    assert page.goto(public_url).status == 404
    page.goto(f"{live_server.url}/en/news/")
    assert TITLE_EN not in page.content()
    assert timezone.now() < when

    # ...and sees it once its time has come, without anyone doing anything.
    deadline = time.monotonic() + 60
    while TITLE_EN not in page.content():
        assert time.monotonic() < deadline, "the scheduled article never appeared"
        time.sleep(1)
        page.goto(f"{live_server.url}/en/news/")
    assert timezone.now() >= when
    response = page.goto(public_url)
    assert response.status == 200
    assert page.locator("h1").inner_text() == TITLE_EN
    assert "No. 1/" in page.locator("main").inner_text()
    check_axe(page, label="scheduled article, once public")
    page.goto(live_server.url + article.get_absolute_url("ru"))
    assert page.locator("h1").inner_text() == TITLE_RU
    assert "№ 1/" in page.locator("main").inner_text()


def test_two_editors_save_the_same_article_the_second_is_told_and_keeps_their_text(
    live_server, staff_page, artifacts_dir
):
    staff_page.base = live_server.url
    anna = UserFactory(username="anna", first_name="Anna", last_name="Petrova", role="Editor")
    boris = UserFactory(username="boris", first_name="Boris", last_name="Orlov", role="Editor")
    article = ArticleFactory(title_en="The original headline")
    change_url = f"{live_server.url}/admin/news/article/{article.pk}/change/"

    first, second = staff_page(anna), staff_page(boris)
    first.goto(change_url)
    second.goto(change_url)

    fill_language(first, "en", title="Anna's corrected headline")
    first.click("input[name=_continue]")
    first.wait_for_selector(".messagelist .success")

    boris_lead = "Boris wrote this lead and must not lose it."
    fill_language(second, "en", lead=boris_lead)
    second.click("input[name=_continue]")
    error = second.locator(".errornote, .errorlist.nonfield").first
    error.wait_for()
    message = second.inner_text("form#article_form")
    assert "Anna Petrova saved this article while you were editing it" in message
    assert "Changed since you opened it: Headline [en]." in message
    second.screenshot(path=str(artifacts_dir / "workflow-edit-conflict.png"), full_page=True)
    second.select_option("#modeltranslation-main-switch", label="en")
    assert second.input_value("#id_lead_en") == boris_lead
    article.refresh_from_db()
    assert article.title_en == "Anna's corrected headline"
    assert article.lead_en != boris_lead

    # Having seen the warning, Boris deliberately keeps his version.
    second.check("#id_confirm_overwrite")
    second.click("input[name=_continue]")
    second.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.lead_en == boris_lead


def test_shared_preview_shows_the_embargo_banner_and_passes_axe(
    live_server, staff_page, browser, check_axe, artifacts_dir
):
    staff_page.base = live_server.url
    editor = UserFactory(username="elena", first_name="Elena", last_name="Ivanova", role="Editor")
    article = ArticleFactory(
        title_en="Outcome of the WCO Council session",
        published_at=timezone.now() + timedelta(days=2),
    )
    admin = staff_page(editor)
    admin.goto(f"{live_server.url}/admin/news/article/{article.pk}/preview-links/")
    admin.fill("#id_label", "Press office of the ministry")
    admin.click("input[name=_create]")
    link = admin.input_value("#new-preview-link")

    outsider = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = outsider.new_page()
        response = page.goto(link.replace("/ru/", "/en/"))
        assert response.status == 200
        assert response.headers["x-robots-tag"] == "noindex, nofollow"
        banner = page.locator(".preview-banner").inner_text()
        assert "Embargoed until" in banner
        assert page.locator("h1").inner_text() == "Outcome of the WCO Council session"
        page.screenshot(path=str(artifacts_dir / "workflow-shared-preview.png"), full_page=True)
        check_axe(page, label="shared preview")
    finally:
        outsider.close()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_withdrawal_notice_and_gone_pages_pass_axe(live_server, page, check_axe, language):
    from news import services

    editor = UserFactory(username=f"w{language}", role="Editor")
    notice = ArticleFactory(title_en="Figures for March", title_ru="Данные за март")
    gone = ArticleFactory(title_en="Removed item", title_ru="Удалённая новость")
    reasons = {"ru": "Данные пересмотрены.", "en": "The figures were revised."}
    services.article_withdraw(article=notice, user=editor, mode="notice", reasons=reasons)
    services.article_withdraw(article=gone, user=editor, mode="gone", reasons=reasons)

    response = page.goto(live_server.url + notice.get_absolute_url(language))
    assert response.status == 200
    assert page.locator(".article__withdrawn h2").is_visible()
    check_axe(page, label="withdrawal notice")
    response = page.goto(live_server.url + gone.get_absolute_url(language))
    assert response.status == 410
    check_axe(page, label="410 Gone")
