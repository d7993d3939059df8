"""Demo content for a local run: WCO bodies, their sessions, office holders and a delegation.

The bodies, their reporting lines and establishment dates, the session numbers and dates,
Oleg Bakanov's election as Vice-Chair at the 41st session of the Enforcement Committee and
the approval of that session's report at the Council's 138th session come from
shared/FACTS.md. Every sentence is written for this site.

Illustrative, not records (each says so where a visitor sees it):
- the split of the 42nd Enforcement Committee session into two phases;
- the outgoing and incoming Chairs of the Enforcement Committee, entered as clearly
  labelled demo records, so that the demo shows an office changing hands on the last day
  of a session (1 April 2022) and two Vice-Chairs in office at once.

Loading is idempotent: a second run finds every row as it left it and writes nothing.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from . import services
from .models import Body, Delegation, Person, Post, Precision, Session, Term

COUNCIL = "council"
POLICY_COMMISSION = "policy-commission"
ENFORCEMENT_COMMITTEE = "enforcement-committee"
BAKANOV = "oleg-bakanov"
OUTGOING_CHAIR = "demo-outgoing-chair"
INCOMING_CHAIR = "demo-incoming-chair"


@dataclass
class DemoBody:
    slug: str
    name_ru: str
    name_genitive_ru: str
    name_en: str
    classification: str
    description_ru: str
    description_en: str
    reports_to: list[str] = field(default_factory=list)
    established_on: date | None = None
    established_precision: str = Precision.YEAR
    abbreviation_ru: str = ""
    abbreviation_en: str = ""
    position: int = 0


BODIES = [
    DemoBody(
        slug=COUNCIL,
        name_ru="Совет",
        name_genitive_ru="Совета",
        name_en="Council",
        classification=Body.Classification.COUNCIL,
        established_on=date(1952, 11, 4),
        established_precision=Precision.DAY,
        position=1,
        description_ru=(
            "Высший орган Всемирной таможенной организации; официальное название — Совет "
            "таможенного сотрудничества. В него входят руководители таможенных служб всех "
            "членов ВТамО. Совет определяет направления работы организации и утверждает "
            "доклады её рабочих органов.\n\n"
            "Конвенция о создании Совета подписана 15 декабря 1950 года и вступила в силу "
            "4 ноября 1952 года. Первая сессия Совета открылась 26 января 1953 года; с тех "
            "пор этот день отмечается как Международный день таможенника."
        ),
        description_en=(
            "The highest body of the World Customs Organization, formally named the Customs "
            "Co-operation Council. Its members are the heads of the customs administrations "
            "of all WCO Members. The Council sets the Organization's course and approves the "
            "reports of its working bodies.\n\n"
            "The Convention setting it up was signed on 15 December 1950 and came into force "
            "on 4 November 1952. The Council first met on 26 January 1953, a date now marked "
            "every year as International Customs Day."
        ),
    ),
    DemoBody(
        slug=POLICY_COMMISSION,
        name_ru="Политическая комиссия",
        name_genitive_ru="Политической комиссии",
        name_en="Policy Commission",
        classification=Body.Classification.COMMISSION,
        reports_to=[COUNCIL],
        established_on=date(1978, 1, 1),
        position=2,
        description_ru=(
            "Комиссия готовит решения Совета по стратегическим вопросам и направляет работу "
            "комитетов ВТамО в период между сессиями Совета."
        ),
        description_en=(
            "The Commission prepares the Council's decisions on strategy and steers the work "
            "of the WCO committees between Council sessions."
        ),
    ),
    DemoBody(
        slug="finance-committee",
        name_ru="Финансовый комитет",
        name_genitive_ru="Финансового комитета",
        name_en="Finance Committee",
        classification=Body.Classification.COMMITTEE,
        reports_to=[COUNCIL],
        established_on=date(1953, 1, 1),
        position=3,
        description_ru="Комитет рассматривает бюджет организации и отчёты о его исполнении.",
        description_en="The Committee examines the Organization's budget and how it is spent.",
    ),
    DemoBody(
        slug="audit-committee",
        name_ru="Комитет по аудиту",
        name_genitive_ru="Комитета по аудиту",
        name_en="Audit Committee",
        classification=Body.Classification.COMMITTEE,
        reports_to=[COUNCIL, POLICY_COMMISSION],
        position=4,
        description_ru=(
            "Комитет следит за внутренним контролем, управлением рисками и аудитом в ВТамО."
        ),
        description_en=(
            "The Committee oversees internal control, risk management and audit within the WCO."
        ),
    ),
    DemoBody(
        slug="permanent-technical-committee",
        name_ru="Постоянный технический комитет",
        name_genitive_ru="Постоянного технического комитета",
        name_en="Permanent Technical Committee",
        abbreviation_ru="ПТК",
        abbreviation_en="PTC",
        classification=Body.Classification.COMMITTEE,
        reports_to=[COUNCIL, POLICY_COMMISSION],
        position=5,
        description_ru=(
            "Комитет предусмотрен конвенцией 1950 года о создании Совета. Он занимается "
            "упрощением и гармонизацией таможенных процедур."
        ),
        description_en=(
            "The Committee was provided for by the 1950 Convention that set up the Council. "
            "It works on simplifying and harmonising customs procedures."
        ),
    ),
    DemoBody(
        slug=ENFORCEMENT_COMMITTEE,
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        name_en="Enforcement Committee",
        abbreviation_ru="КП",
        abbreviation_en="EC",
        classification=Body.Classification.COMMITTEE,
        reports_to=[COUNCIL, POLICY_COMMISSION],
        established_on=date(1983, 1, 1),
        position=6,
        description_ru=(
            "Рабочий орган ВТамО, созданный в 1983 году. Комитет действует под руководством "
            "Совета и Политической комиссии, административную поддержку ему оказывает "
            "Секретариат ВТамО.\n\n"
            "Комитет собирается раз в год. На сессиях обсуждают сотрудничество таможенных "
            "служб в правоохранительной сфере, подводят итоги работы рабочих групп и готовят "
            "совместные документы по борьбе с контрабандой и таможенными правонарушениями."
        ),
        description_en=(
            "A working body of the WCO set up in 1983. It works under the direction of the "
            "Council and the Policy Commission, with administrative support from the WCO "
            "Secretariat.\n\n"
            "The Committee meets once a year. Its sessions deal with law-enforcement "
            "cooperation between customs services, review the work of the working groups and "
            "prepare joint instruments against smuggling and customs offences."
        ),
    ),
    DemoBody(
        slug="harmonized-system-committee",
        name_ru="Комитет по Гармонизированной системе",
        name_genitive_ru="Комитета по Гармонизированной системе",
        name_en="Harmonized System Committee",
        abbreviation_en="HSC",
        classification=Body.Classification.COMMITTEE,
        reports_to=[COUNCIL, POLICY_COMMISSION],
        established_on=date(1988, 1, 1),
        position=7,
        description_ru=(
            "Комитет ведёт Гармонизированную систему описания и кодирования товаров: готовит "
            "поправки к ней и решения о классификации."
        ),
        description_en=(
            "The Committee looks after the Harmonized Commodity Description and Coding "
            "System, preparing amendments and classification decisions."
        ),
    ),
    DemoBody(
        slug="capacity-building-committee",
        name_ru="Комитет по наращиванию потенциала",
        name_genitive_ru="Комитета по наращиванию потенциала",
        name_en="Capacity Building Committee",
        abbreviation_en="CBC",
        classification=Body.Classification.COMMITTEE,
        reports_to=[COUNCIL, POLICY_COMMISSION],
        established_on=date(2010, 1, 1),
        position=8,
        description_ru=(
            "Комитет направляет программы ВТамО по развитию таможенных служб, обучению и "
            "техническому содействию."
        ),
        description_en=(
            "The Committee guides the WCO's programmes for developing customs "
            "administrations, training and technical assistance."
        ),
    ),
    DemoBody(
        slug="working-group-on-commercial-fraud",
        name_ru="Рабочая группа по коммерческому мошенничеству",
        name_genitive_ru="Рабочей группы по коммерческому мошенничеству",
        name_en="Working Group on Commercial Fraud",
        classification=Body.Classification.WORKING_GROUP,
        reports_to=[ENFORCEMENT_COMMITTEE],
        position=9,
        description_ru=(
            "Группа обменивается опытом выявления нарушений при декларировании стоимости, "
            "происхождения и классификации товаров и докладывает Комитету по правоприменению."
        ),
        description_en=(
            "The Group pools experience in detecting fraud in the declared value, origin and "
            "classification of goods, and reports to the Enforcement Committee."
        ),
    ),
    DemoBody(
        slug="technical-committee-on-customs-valuation",
        name_ru="Технический комитет по таможенной оценке",
        name_genitive_ru="Технического комитета по таможенной оценке",
        name_en="Technical Committee on Customs Valuation",
        abbreviation_en="TCCV",
        classification=Body.Classification.COMMITTEE,
        established_on=date(1995, 1, 1),
        position=20,
        description_ru=(
            "Комитет создан в соответствии с соглашением ВТО о таможенной оценке и работает "
            "под эгидой ВТамО."
        ),
        description_en=(
            "The Committee was set up under the WTO agreement on customs valuation and works "
            "under the auspices of the WCO."
        ),
    ),
    DemoBody(
        slug="technical-committee-on-rules-of-origin",
        name_ru="Технический комитет по правилам происхождения",
        name_genitive_ru="Технического комитета по правилам происхождения",
        name_en="Technical Committee on Rules of Origin",
        abbreviation_en="TCRO",
        classification=Body.Classification.COMMITTEE,
        established_on=date(1995, 1, 1),
        position=21,
        description_ru=(
            "Комитет создан в соответствии с соглашением ВТО о правилах происхождения."
        ),
        description_en="The Committee was set up under the WTO agreement on rules of origin.",
    ),
]

VIDEO = ("Видеоконференция", "Videoconference")
BRUSSELS = ("Штаб-квартира ВТамО, Брюссель", "WCO headquarters, Brussels")
HYBRID = ("Брюссель и видеоконференция", "Brussels and videoconference")
IN_PERSON = Session.Format.IN_PERSON
VIRTUAL = Session.Format.VIRTUAL


@dataclass
class DemoSession:
    body: str
    number: int
    start: date
    end: date
    format: str = IN_PERSON
    venue: tuple[str, str] = BRUSSELS
    second_number: int | None = None
    summary_ru: str = ""
    summary_en: str = ""
    report_approved_at: tuple[str, int] | None = None
    status: str = Session.Status.HELD


# Two sessions ahead, so that the front page has some to show: their dates follow each
# body's usual calendar and are illustrative.
PLANNED = Session.Status.PLANNED
SESSIONS = [
    DemoSession(ENFORCEMENT_COMMITTEE, 37, date(2018, 3, 19), date(2018, 3, 23)),
    DemoSession(ENFORCEMENT_COMMITTEE, 38, date(2019, 3, 11), date(2019, 3, 15)),
    DemoSession(ENFORCEMENT_COMMITTEE, 40, date(2020, 2, 24), date(2020, 2, 28)),
    DemoSession(
        ENFORCEMENT_COMMITTEE,
        41,
        date(2021, 3, 22),
        date(2021, 3, 26),
        format=VIRTUAL,
        venue=VIDEO,
        report_approved_at=(COUNCIL, 138),
        summary_ru=(
            "Из-за ограничений, связанных с пандемией COVID-19, сессия прошла по "
            "видеосвязи. Делегаты обсудили сотрудничество с международными организациями "
            "во время пандемии, незаконный оборот наркотиков, культурных ценностей, "
            "объектов СИТЕС и табачных изделий, отмывание денег и финансирование "
            "терроризма, киберпреступность.\n\n"
            "Заместителем председателя Комитета избран представитель ФТС России Олег "
            "Баканов."
        ),
        summary_en=(
            "Because of the COVID-19 restrictions, the session met by videoconference. "
            "Delegates discussed cooperation with international organisations during the "
            "pandemic, trafficking in drugs, cultural property, CITES specimens and tobacco, "
            "money laundering and terrorist financing, and cybercrime.\n\n"
            "Oleg Bakanov of the FCS of Russia was elected Vice-Chair of the Committee."
        ),
    ),
    DemoSession(
        ENFORCEMENT_COMMITTEE,
        42,
        date(2022, 3, 28),
        date(2022, 4, 1),
        format=Session.Format.HYBRID,
        venue=HYBRID,
        summary_ru=(
            "Сессия прошла в смешанном формате; в последний день Комитет избрал нового "
            "председателя. Деление сессии на две части в демонстрационных данных условно."
        ),
        summary_en=(
            "The session was held in a hybrid format; on its last day the Committee elected "
            "a new Chair. The split into two phases in the demo content is illustrative."
        ),
    ),
    DemoSession(ENFORCEMENT_COMMITTEE, 43, date(2023, 3, 27), date(2023, 3, 31)),
    DemoSession(ENFORCEMENT_COMMITTEE, 44, date(2024, 3, 18), date(2024, 3, 22)),
    DemoSession(ENFORCEMENT_COMMITTEE, 45, date(2025, 3, 24), date(2025, 3, 28)),
    DemoSession(
        COUNCIL,
        135,
        date(2020, 6, 25),
        date(2020, 6, 25),
        second_number=136,
        format=VIRTUAL,
        venue=VIDEO,
        summary_ru="Одно заседание, проведённое по видеосвязи, получило сразу два номера.",
        summary_en="A single meeting, held by videoconference, that carries two numbers.",
    ),
    DemoSession(COUNCIL, 137, date(2020, 12, 10), date(2020, 12, 12), VIRTUAL, VIDEO),
    DemoSession(
        COUNCIL,
        138,
        date(2021, 6, 24),
        date(2021, 6, 26),
        VIRTUAL,
        VIDEO,
        summary_ru="Совет, в частности, утвердил доклад 41-й сессии Комитета по правоприменению.",
        summary_en="Among other business, the Council approved the report of the 41st session "
        "of the Enforcement Committee.",
    ),
    DemoSession(COUNCIL, 139, date(2022, 6, 23), date(2022, 6, 25), second_number=140),
    DemoSession(COUNCIL, 141, date(2023, 6, 22), date(2023, 6, 24), second_number=142),
    DemoSession(COUNCIL, 143, date(2024, 6, 27), date(2024, 6, 29), second_number=144),
    DemoSession(POLICY_COMMISSION, 83, date(2020, 12, 7), date(2020, 12, 9), VIRTUAL, VIDEO),
    DemoSession(POLICY_COMMISSION, 85, date(2021, 12, 13), date(2021, 12, 15), VIRTUAL, VIDEO),
    DemoSession(POLICY_COMMISSION, 86, date(2022, 6, 20), date(2022, 6, 22)),
    DemoSession(ENFORCEMENT_COMMITTEE, 47, date(2027, 3, 15), date(2027, 3, 19), status=PLANNED),
    DemoSession(
        COUNCIL, 149, date(2027, 6, 24), date(2027, 6, 26), second_number=150, status=PLANNED
    ),
]

# The 42nd Enforcement Committee session in two phases (illustrative, see the docstring).
PHASES = {
    (ENFORCEMENT_COMMITTEE, 42): [
        (date(2022, 3, 28), date(2022, 3, 30), VIRTUAL, VIDEO),
        (date(2022, 3, 31), date(2022, 4, 1), Session.Format.HYBRID, HYBRID),
    ]
}

DEMO_NOTE = ("вымышленное лицо в демонстрационных данных", "a fictional person in the demo content")

PEOPLE = {
    BAKANOV: {
        "given_name_ru": "Олег",
        "given_name_en": "Oleg",
        "family_name_ru": "Баканов",
        "family_name_en": "Bakanov",
        "name_ru": "Олег Баканов",
        "name_en": "Oleg Bakanov",
        "position_ru": "заместитель начальника Главного управления по борьбе с контрабандой",
        "position_en": "Deputy Head of the Central Enforcement Department",
        "organisation_ru": "ФТС России",
        "organisation_en": "Federal Customs Service of Russia",
        "country_ru": "Россия",
        "country_en": "Russia",
    },
    OUTGOING_CHAIR: {
        "name_ru": "Председатель до 2022 года (демонстрационная запись)",
        "name_en": "Chair until 2022 (demo record)",
        "position_ru": DEMO_NOTE[0],
        "position_en": DEMO_NOTE[1],
    },
    INCOMING_CHAIR: {
        "name_ru": "Председатель с 2022 года (демонстрационная запись)",
        "name_en": "Chair from 2022 (demo record)",
        "position_ru": DEMO_NOTE[0],
        "position_en": DEMO_NOTE[1],
    },
}

POSTS = [
    (ENFORCEMENT_COMMITTEE, Post.Role.CHAIR, 1),
    (ENFORCEMENT_COMMITTEE, Post.Role.VICE_CHAIR, 3),
]

# (person, post role, from, until, elected at: EC session number)
TERMS = [
    (OUTGOING_CHAIR, Post.Role.CHAIR, date(2020, 2, 28), date(2022, 4, 1), 40),
    # The office changes hands on the last day of the 42nd session: one term ends on
    # 1 April 2022 and the next begins that day (half-open terms).
    (INCOMING_CHAIR, Post.Role.CHAIR, date(2022, 4, 1), None, 42),
    (INCOMING_CHAIR, Post.Role.VICE_CHAIR, date(2021, 3, 26), date(2022, 4, 1), 41),
    (BAKANOV, Post.Role.VICE_CHAIR, date(2021, 3, 26), None, 41),
]

# (EC session number, person, member ru, member en, role)
DELEGATIONS = [
    (41, BAKANOV, "Российская Федерация", "Russian Federation", Delegation.Role.HEAD),
]


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
    written = dict.fromkeys(("bodies", "sessions", "people", "terms", "delegations"), 0)
    bodies = {}
    for item in BODIES:
        bodies[item.slug], changed = upsert(
            Body,
            {"slug": item.slug},
            {
                "name_ru": item.name_ru,
                "name_en": item.name_en,
                "name_genitive_ru": item.name_genitive_ru,
                "name_genitive_en": "",
                "abbreviation_ru": item.abbreviation_ru,
                "abbreviation_en": item.abbreviation_en,
                "description_ru": item.description_ru,
                "description_en": item.description_en,
                "classification": item.classification,
                "established_on": item.established_on,
                "established_precision": item.established_precision,
                "position": item.position,
            },
        )
        written["bodies"] += changed
    for item in BODIES:
        body = bodies[item.slug]
        wanted = [bodies[slug] for slug in item.reports_to]
        if set(body.reports_to.values_list("pk", flat=True)) != {b.pk for b in wanted}:
            services.body_set_reports_to(body=body, parents=wanted)
            written["bodies"] += 1

    sessions = {}
    for item in SESSIONS:
        sessions[(item.body, item.number)], changed = upsert(
            Session,
            {"body": bodies[item.body], "number": item.number},
            {
                "second_number": item.second_number,
                "start_date": item.start,
                "end_date": item.end,
                "format": item.format,
                "venue_ru": item.venue[0],
                "venue_en": item.venue[1],
                "status": item.status,
                "summary_ru": item.summary_ru,
                "summary_en": item.summary_en,
            },
        )
        written["sessions"] += changed
    for item in SESSIONS:
        if item.report_approved_at:
            _obj, changed = upsert(
                Session,
                {"pk": sessions[(item.body, item.number)].pk},
                {"report_approved_at": sessions[item.report_approved_at]},
            )
            written["sessions"] += changed
    for key, phases in PHASES.items():
        parent = sessions[key]
        for start, end, session_format, venue in phases:
            _obj, changed = upsert(
                Session,
                {"parent": parent, "start_date": start},
                {
                    "body": parent.body,
                    "end_date": end,
                    "format": session_format,
                    "venue_ru": venue[0],
                    "venue_en": venue[1],
                    "status": Session.Status.HELD,
                },
            )
            written["sessions"] += changed

    people = {}
    for slug, values in PEOPLE.items():
        people[slug], changed = upsert(Person, {"slug": slug}, values)
        written["people"] += changed

    posts = {}
    for body_slug, role, max_holders in POSTS:
        posts[role], changed = upsert(
            Post, {"body": bodies[body_slug], "role": role}, {"max_holders": max_holders}
        )
        written["bodies"] += changed

    for person, role, start, end, elected_at in TERMS:
        lookup = {"person": people[person], "post": posts[role], "start_date": start}
        values = {
            "end_date": end,
            "elected_at": sessions[(ENFORCEMENT_COMMITTEE, elected_at)],
            "acting": False,
        }
        term = Term.objects.filter(**lookup).first() or Term(**lookup)
        if term.pk and all(getattr(term, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(term, name, value)
        services.term_save(term=term)
        written["terms"] += 1

    for number, person, member_ru, member_en, role in DELEGATIONS:
        _obj, changed = upsert(
            Delegation,
            {"session": sessions[(ENFORCEMENT_COMMITTEE, number)], "person": people[person]},
            {"member_ru": member_ru, "member_en": member_en, "role": role},
        )
        written["delegations"] += changed
    return written
