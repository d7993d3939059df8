"""Demo content for a local run: the reference press release and a season of WCO news.

Every text is written for this site from the facts in shared/FACTS.md. Loading is
idempotent: a second run finds every row as it left it and writes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from .demo_photos import DemoPhoto
from .demo_photos import ensure as ensure_photo
from .html import clean_html
from .models import Article, ArticlePhoto, Rubric, Topic
from .slugs import make_slug

MSK = ZoneInfo("Europe/Moscow")
REFERENCE_ARTICLE_ID = 276760

RUBRICS = [
    ("press-releases", "Пресс-релизы", "Press releases", 1),
    ("international-cooperation", "Международное сотрудничество", "International cooperation", 2),
    ("announcements", "Объявления", "Announcements", 3),
]
TOPICS = [
    ("wco", "Всемирная таможенная организация", "World Customs Organization"),
    ("enforcement", "Правоохранительная деятельность", "Law enforcement"),
]

REFERENCE_BODY_EN = """
<p>In March 2021 a delegation of the Russian customs service took part in the 41st session of
the World Customs Organization Enforcement Committee (EC). The delegation brought together
officials of the Central Enforcement Department, the Customs Risk Management Department and the
Russian Customs Representatives in Belgium, and was led by Oleg Bakanov, Deputy Head of the
Central Enforcement Department.</p>
<p>Because of the restrictions imposed during the COVID-19 pandemic, the session was held by
videoconference.</p>
<p>The Enforcement Committee meets once a year. Its sessions look at how the customs services of
WCO Members cooperate in law enforcement, take stock of what the WCO working groups have done
and prepare joint documents to counter smuggling and other customs offences.</p>
<p>This year the delegates discussed working with international organisations during the
pandemic, drug trafficking, cultural property, objects covered by CITES, the illicit tobacco
trade, money laundering and terrorist financing, and cybercrime.</p>
<p>The session elected Oleg Bakanov Vice-Chair of the Enforcement Committee: it is the first
time that a representative of the FCS of Russia holds this post. The report of the session is
to be approved in June 2021 at the 138th session of the WCO Council.</p>
"""

REFERENCE_BODY_RU = """
<p>В марте 2021 года делегация российской таможенной службы приняла участие в 41-й сессии
Комитета по правоприменению Всемирной таможенной организации (КП ВТамО). В состав делегации
вошли сотрудники Главного управления по борьбе с контрабандой, Управления по управлению рисками
и представительства таможенной службы Российской Федерации в Бельгии. Возглавил делегацию
заместитель начальника Главного управления по борьбе с контрабандой Олег Баканов.</p>
<p>Из-за ограничений, введённых в период пандемии COVID-19, сессия прошла в режиме
видеоконференции.</p>
<p>Комитет по правоприменению собирается раз в год. На его сессиях обсуждают взаимодействие
таможенных служб членов ВТамО в правоохранительной сфере, подводят итоги работы рабочих групп
ВТамО и готовят совместные документы по противодействию контрабанде и таможенным
правонарушениям.</p>
<p>В этом году участники обсудили сотрудничество с международными организациями во время
пандемии, незаконный оборот наркотиков, культурных ценностей, объектов СИТЕС и табачной
продукции, отмывание денег и финансирование терроризма, а также киберпреступность.</p>
<p>На сессии Олег Баканов был избран заместителем председателя Комитета по правоприменению:
представитель ФТС России занимает этот пост впервые. Доклад о работе сессии должен быть
утверждён в июне 2021 года на 138-й сессии Совета ВТамО.</p>
"""

REFERENCE_NOTE_EN = """
<p>The Enforcement Committee was established in 1983. It is a working body of the WCO and works
under the direction of the WCO Council and the Policy Commission, with administrative support
from the WCO Secretariat.</p>
"""

REFERENCE_NOTE_RU = """
<p>Комитет по правоприменению создан в 1983 году. Это рабочий орган ВТамО; он действует под
руководством Совета ВТамО и Политической комиссии при административной поддержке Секретариата
ВТамО.</p>
"""


@dataclass
class DemoArticle:
    slug_ru: str
    title_ru: str
    body_ru: str
    published_at: datetime
    title_en: str = ""
    body_en: str = ""
    lead_ru: str = ""
    lead_en: str = ""
    note_ru: str = ""
    note_en: str = ""
    slug_en: str = ""
    kind: str = Article.Kind.NEWS
    status: str = Article.Status.PUBLISHED
    rubric: str = "international-cooperation"
    topics: list[str] = field(default_factory=lambda: ["wco"])
    pk: int | None = None
    photo: DemoPhoto | None = None
    gallery: list[DemoPhoto] = field(default_factory=list)


def msk(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MSK)


# (body en, body ru, ordinal en, ordinal ru (nominative), genitive body name ru, dates en,
#  dates ru, published, format en, format ru)
SESSIONS = [
    ("Enforcement Committee", "Комитета по правоприменению", "37th", "37-я", "19–23 March 2018",
     "19–23 марта 2018 года", msk(2018, 3, 26, 10), "in Brussels", "в Брюсселе"),
    ("Enforcement Committee", "Комитета по правоприменению", "38th", "38-я", "11–15 March 2019",
     "11–15 марта 2019 года", msk(2019, 3, 18, 11), "in Brussels", "в Брюсселе"),
    ("Enforcement Committee", "Комитета по правоприменению", "40th", "40-я",
     "24–28 February 2020", "24–28 февраля 2020 года", msk(2020, 3, 3, 15), "in Brussels",
     "в Брюсселе"),
    ("Council", "Совета", "135th/136th", "135-я/136-я", "25 June 2020", "25 июня 2020 года",
     msk(2020, 6, 29, 16), "by videoconference", "в режиме видеоконференции"),
    ("Policy Commission", "Политической комиссии", "83rd", "83-я", "7–9 December 2020",
     "7–9 декабря 2020 года", msk(2020, 12, 10, 14), "by videoconference",
     "в режиме видеоконференции"),
    ("Council", "Совета", "137th", "137-я", "10–12 December 2020", "10–12 декабря 2020 года",
     msk(2020, 12, 15, 12), "by videoconference", "в режиме видеоконференции"),
    ("Council", "Совета", "138th", "138-я", "24–26 June 2021", "24–26 июня 2021 года",
     msk(2021, 6, 29, 13), "by videoconference", "в режиме видеоконференции"),
    ("Policy Commission", "Политической комиссии", "85th", "85-я", "13–15 December 2021",
     "13–15 декабря 2021 года", msk(2021, 12, 17, 12), "by videoconference",
     "в режиме видеоконференции"),
    ("Enforcement Committee", "Комитета по правоприменению", "42nd", "42-я",
     "28 March – 1 April 2022", "28 марта – 1 апреля 2022 года", msk(2022, 4, 5, 17),
     "in a hybrid format", "в смешанном формате"),
    ("Policy Commission", "Политической комиссии", "86th", "86-я", "20–22 June 2022",
     "20–22 июня 2022 года", msk(2022, 6, 23, 11), "in Brussels", "в Брюсселе"),
    ("Council", "Совета", "139th/140th", "139-я/140-я", "23–25 June 2022",
     "23–25 июня 2022 года", msk(2022, 6, 28, 10), "in Brussels", "в Брюсселе"),
    ("Enforcement Committee", "Комитета по правоприменению", "43rd", "43-я", "27–31 March 2023",
     "27–31 марта 2023 года", msk(2023, 4, 4, 12), "in Brussels", "в Брюсселе"),
    ("Council", "Совета", "141st/142nd", "141-я/142-я", "22–24 June 2023",
     "22–24 июня 2023 года", msk(2023, 6, 27, 15), "in Brussels", "в Брюсселе"),
    ("Enforcement Committee", "Комитета по правоприменению", "44th", "44-я", "18–22 March 2024",
     "18–22 марта 2024 года", msk(2024, 3, 26, 11), "in Brussels", "в Брюсселе"),
    ("Council", "Совета", "143rd/144th", "143-я/144-я", "27–29 June 2024",
     "27–29 июня 2024 года", msk(2024, 7, 2, 14), "in Brussels", "в Брюсселе"),
    ("Enforcement Committee", "Комитета по правоприменению", "45th", "45-я", "24–28 March 2025",
     "24–28 марта 2025 года", msk(2025, 4, 1, 10), "in Brussels", "в Брюсселе"),
]  # fmt: skip

# Sessions reported in Russian only (the English version was never written).
RUSSIAN_ONLY = {"37th", "38th", "143rd/144th"}


def session_motif(body_en: str, where_en: str) -> str:
    """The illustration of a session: a screen for a meeting held online, else the room."""
    if where_en != "in Brussels":
        return "videoconference"
    return {"Council": "flags", "Policy Commission": "round-table"}.get(body_en, "meeting")


def session_articles() -> list[DemoArticle]:
    articles = []
    for body_en, body_ru, nth_en, nth_ru, dates_en, dates_ru, when, where_en, where_ru in SESSIONS:
        slug_core = nth_en.replace("/", "-")
        is_council = body_en == "Council"
        what_en = f"the {nth_en} session of the WCO {body_en}"
        what_ru = f"{nth_ru} сессия {body_ru} ВТамО"
        plural_en = "sessions" if "/" in nth_en else "session"
        article = DemoArticle(
            slug_ru=f"sessiya-{slug_core}-{'sovet' if is_council else body_en.split()[0].lower()}",
            title_ru=f"Состоялась {what_ru}",
            lead_ru=f"{what_ru[0].upper()}{what_ru[1:]} прошла {dates_ru} {where_ru}.",
            body_ru=(
                f"<p>{dates_ru[0].upper()}{dates_ru[1:]} {where_ru} прошла {what_ru}. "
                "В её работе участвовала делегация ФТС России.</p>"
                "<p>Участники обсудили ход выполнения решений предыдущих сессий и планы "
                "работы на следующий год.</p>"
            ),
            published_at=when,
            topics=["wco"] if is_council else ["wco", "enforcement"],
            photo=DemoPhoto(
                key=f"session-{slug_core}-{body_en.lower().replace(' ', '-')}",
                motif=session_motif(body_en, where_en),
                caption_ru=f"{what_ru[0].upper()}{what_ru[1:]}, {dates_ru}, {where_ru}.",
                caption_en=f"The {nth_en} {plural_en} of the WCO {body_en}, {dates_en}, "
                f"{where_en}.",
            ),
        )
        if nth_en not in RUSSIAN_ONLY:
            article.title_en = f"The {nth_en} {plural_en} of the WCO {body_en} took place"
            article.lead_en = f"The meeting was held {where_en} on {dates_en}."
            article.body_en = (
                f"<p>On {dates_en}, {what_en} met {where_en}. A delegation of the FCS of "
                "Russia took part.</p><p>The delegates reviewed how the decisions of earlier "
                "sessions have been carried out and agreed on the work plan for the year "
                "ahead.</p>"
            )
            article.slug_en = f"wco-{body_en.lower().replace(' ', '-')}-{slug_core}-session"
        articles.append(article)
    return articles


def demo_articles() -> list[DemoArticle]:
    reference = DemoArticle(
        pk=REFERENCE_ARTICLE_ID,
        slug_ru="predstavitel-fts-zampred-kp-vtamo",
        slug_en="fcs-representative-vice-chair-wco-ec",
        title_ru=(
            "Представитель ФТС России впервые стал заместителем председателя "
            "Комитета по правоприменению ВТамО"
        ),
        title_en=(
            "For the first time, a representative of the FCS of Russia becomes Vice-Chair "
            "of the WCO Enforcement Committee"
        ),
        lead_ru=(
            "На 41-й сессии Комитета по правоприменению ВТамО заместителем председателя "
            "избран представитель ФТС России Олег Баканов."
        ),
        lead_en=(
            "At the 41st session of the WCO Enforcement Committee, Oleg Bakanov of the FCS of "
            "Russia was elected Vice-Chair."
        ),
        body_ru=REFERENCE_BODY_RU,
        body_en=REFERENCE_BODY_EN,
        note_ru=REFERENCE_NOTE_RU,
        note_en=REFERENCE_NOTE_EN,
        published_at=msk(2021, 4, 8, 17, 55),
        kind=Article.Kind.PRESS_RELEASE,
        rubric="press-releases",
        topics=["wco", "enforcement"],
        photo=DemoPhoto(
            key="reference-41st-ec-session",
            motif="videoconference",
            caption_ru=(
                "41-я сессия Комитета по правоприменению ВТамО прошла в режиме видеоконференции."
            ),
            caption_en="The 41st session of the WCO Enforcement Committee met by videoconference.",
        ),
        gallery=[
            DemoPhoto(
                key="reference-41st-ec-report",
                motif="document",
                caption_ru=(
                    "Доклад о работе сессии должен утвердить Совет ВТамО на 138-й сессии "
                    "в июне 2021 года."
                ),
                caption_en=(
                    "The session's report goes to the WCO Council for approval at its 138th "
                    "session in June 2021."
                ),
            ),
            DemoPhoto(
                key="reference-41st-ec-members",
                motif="flags",
                caption_ru=("Комитет объединяет представителей таможенных служб членов ВТамО."),
                caption_en="The Committee brings together the customs services of WCO Members.",
            ),
            DemoPhoto(
                key="reference-41st-ec-smuggling",
                motif="containers",
                caption_ru=(
                    "Среди тем сессии — противодействие контрабанде наркотиков, табачной "
                    "продукции и культурных ценностей."
                ),
                caption_en=(
                    "Among the session's topics: countering the smuggling of drugs, tobacco "
                    "and cultural property."
                ),
            ),
        ],
    )
    extras = [
        DemoArticle(
            slug_ru="priyom-grazhdan-v-prazdnichnye-dni",
            title_ru="О приёме граждан в праздничные дни",
            lead_ru="Приёмная ФТС России работает по особому графику в дни майских праздников.",
            body_ru=(
                "<p>В праздничные дни приёмная ФТС России принимает обращения граждан в "
                "письменной форме и через интернет-приёмную.</p><p>Личный приём возобновится "
                "в первый рабочий день после праздников.</p>"
            ),
            published_at=msk(2025, 4, 28, 9, 30),
            kind=Article.Kind.ANNOUNCEMENT,
            rubric="announcements",
            topics=[],
        ),
        DemoArticle(
            slug_ru="chernovik-plan-raboty-press-sluzhby",
            title_ru="Черновик: план работы пресс-службы на следующий год",
            title_en="Draft: the press office's work plan for next year",
            body_ru="<p>Текст готовится.</p>",
            body_en="<p>Work in progress.</p>",
            published_at=None,
            status=Article.Status.DRAFT,
            kind=Article.Kind.ANNOUNCEMENT,
            rubric="announcements",
            topics=[],
        ),
        DemoArticle(
            slug_ru="otkrytie-novogo-press-centra",
            slug_en="new-press-centre-opens",
            title_ru="Пресс-центр ФТС России откроется в новом здании",
            title_en="The FCS press centre opens in a new building",
            lead_ru="Объявление опубликовано заранее и появится на сайте в назначенное время.",
            lead_en="This announcement was scheduled in advance and appears at its set time.",
            body_ru="<p>Аккредитованные журналисты получат новые пропуска заранее.</p>",
            body_en="<p>Accredited journalists will receive new passes in advance.</p>",
            published_at=msk(2030, 1, 15, 10, 0),
            kind=Article.Kind.ANNOUNCEMENT,
            rubric="announcements",
            topics=[],
            photo=DemoPhoto(
                key="press-centre-new-building",
                motif="building",
                caption_ru="Новое здание пресс-центра ФТС России.",
                caption_en="The new building of the FCS press centre.",
            ),
        ),
    ]
    return [reference, *session_articles(), *customs_day_articles(), *extras]


def customs_day_articles() -> list[DemoArticle]:
    """International Customs Day: 26 January, the anniversary of the Council's first session."""
    articles = []
    for year in (2021, 2022, 2023, 2024):
        anniversary = year - 1953
        articles.append(
            DemoArticle(
                slug_ru=f"mezhdunarodnyj-den-tamozhennika-{year}",
                slug_en=f"international-customs-day-{year}",
                title_ru=f"Международный день таможенника — {year}",
                title_en=f"International Customs Day {year}",
                lead_ru=(
                    "26 января таможенные службы мира отмечают годовщину первой сессии "
                    "Совета таможенного сотрудничества."
                ),
                lead_en=(
                    "On 26 January customs services around the world mark the anniversary of "
                    "the first session of the Customs Co-operation Council."
                ),
                body_ru=(
                    f"<p>Первая сессия Совета таможенного сотрудничества открылась 26 января "
                    f"1953 года. В {year} году со дня этого события прошло {anniversary} лет.</p>"
                    "<p>ФТС России поздравляет коллег из таможенных служб членов ВТамО.</p>"
                ),
                body_en=(
                    "<p>The first session of the Customs Co-operation Council opened on "
                    f"26 January 1953; {year} marks {anniversary} years since then.</p>"
                    "<p>The FCS of Russia sends its greetings to colleagues in the customs "
                    "services of WCO Members.</p>"
                ),
                published_at=msk(year, 1, 26, 9, 0),
                topics=["wco"],
                photo=DemoPhoto(
                    key=f"international-customs-day-{year}",
                    motif="containers",
                    caption_ru=f"Международный день таможенника, 26 января {year} года.",
                    caption_en=f"International Customs Day, 26 January {year}.",
                ),
            )
        )
    return articles


def upsert(model, lookup: dict, values: dict):
    """Create the row, or bring it to `values`; write nothing when it already matches."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, bool(changed)


@transaction.atomic
def load() -> dict[str, int]:
    written = {"rubrics": 0, "topics": 0, "photos": 0, "articles": 0}
    rubrics = {}
    for slug, name_ru, name_en, position in RUBRICS:
        rubrics[slug], changed = upsert(
            Rubric, {"slug": slug}, {"name_ru": name_ru, "name_en": name_en, "position": position}
        )
        written["rubrics"] += changed
    topics = {}
    for slug, name_ru, name_en in TOPICS:
        topics[slug], changed = upsert(
            Topic, {"slug": slug}, {"name_ru": name_ru, "name_en": name_en}
        )
        written["topics"] += changed
    for item in demo_articles():
        values = {
            "title_ru": item.title_ru,
            "title_en": item.title_en,
            "lead_ru": item.lead_ru,
            "lead_en": item.lead_en,
            "body_ru": item.body_ru.strip(),
            "body_en": item.body_en.strip(),
            "note_ru": item.note_ru.strip(),
            "note_en": item.note_en.strip(),
            "slug_en": item.slug_en,
            "kind": item.kind,
            "status": item.status,
            "published_at": item.published_at,
            "rubric": rubrics[item.rubric],
        }
        lookup = {"pk": item.pk} if item.pk else {"slug_ru": item.slug_ru}
        if item.pk:
            values["slug_ru"] = item.slug_ru
        values["lead_photo_id"] = None
        if item.photo:
            photo, changed = ensure_photo(item.photo, upsert)
            values["lead_photo_id"] = photo.pk
            written["photos"] += changed
        if item.title_en and not item.slug_en:
            values["slug_en"] = make_slug(item.title_en)
        # Bodies are stored sanitised; compare against what the sanitiser keeps.
        for name in ("body_ru", "body_en", "note_ru", "note_en"):
            values[name] = clean_html(values[name])
        article, changed = upsert(Article, lookup, values)
        wanted = {topics[slug].pk for slug in item.topics}
        if set(article.topics.values_list("pk", flat=True)) != wanted:
            article.topics.set(wanted)
            changed = True
        changed |= set_gallery(article, item.gallery, written)
        written["articles"] += changed
    return written


def set_gallery(article: Article, gallery: list[DemoPhoto], written: dict) -> bool:
    """Bring the article's gallery to `gallery`, in its order; True when it changed."""
    wanted = {}
    for position, item in enumerate(gallery, start=1):
        photo, changed = ensure_photo(item, upsert)
        written["photos"] += changed
        wanted[photo.pk] = position
    changed = False
    for entry in ArticlePhoto.objects.filter(article=article):
        if entry.photo_id not in wanted:
            entry.delete()
            changed = True
        elif entry.position != wanted[entry.photo_id]:
            entry.position = wanted[entry.photo_id]
            entry.save(update_fields=["position"])
            changed = True
        wanted.pop(entry.photo_id, None)
    for photo_pk, position in wanted.items():
        ArticlePhoto.objects.create(article=article, photo_id=photo_pk, position=position)
        changed = True
    return changed


# The demo bodies' slugs by the English names used in SESSIONS (committees/demo.py).
SESSION_BODY_SLUGS = {
    "Enforcement Committee": "enforcement-committee",
    "Council": "council",
    "Policy Commission": "policy-commission",
}


def committee_links() -> list[tuple[dict, list[str], list[tuple[str, int]], list[str]]]:
    """(article lookup, body slugs, (body slug, session number) pairs, person slugs)."""
    links = [
        (
            {"pk": REFERENCE_ARTICLE_ID},
            ["enforcement-committee"],
            [("enforcement-committee", 41), ("council", 138)],
            ["oleg-bakanov"],
        )
    ]
    for row, article in zip(SESSIONS, session_articles(), strict=True):
        body_en, nth_en = row[0], row[2]
        number = int(nth_en.split("/")[0][:-2])
        links.append(
            ({"slug_ru": article.slug_ru}, [], [(SESSION_BODY_SLUGS[body_en], number)], [])
        )
    return links


@transaction.atomic
def link_committees() -> int:
    """Link the demo articles to the demo bodies, sessions and people (loaded first)."""
    from committees.models import Body, Person, Session

    changed = 0
    for lookup, body_slugs, session_keys, person_slugs in committee_links():
        article = Article.objects.filter(**lookup).first()
        if article is None:
            continue
        sessions = Session.objects.none()
        for slug, number in session_keys:
            sessions |= Session.objects.filter(body__slug=slug, number=number)
        wanted = {
            "bodies": set(Body.objects.filter(slug__in=body_slugs).values_list("pk", flat=True)),
            "sessions": set(sessions.values_list("pk", flat=True)),
            "people": set(
                Person.objects.filter(slug__in=person_slugs).values_list("pk", flat=True)
            ),
        }
        for name, pks in wanted.items():
            manager = getattr(article, name)
            if set(manager.values_list("pk", flat=True)) != pks:
                manager.set(pks)
                changed += 1
    return changed
