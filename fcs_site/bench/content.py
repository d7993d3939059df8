"""Realistic bilingual press-office articles for the benchmark, made up from paired phrases.

Each article belongs to a family (a WCO session, a seizure, trade statistics, a bilateral
meeting, an announcement, electronic declaration); its Russian and English texts say the
same thing, built from the same choices. Generation is deterministic for a given seed.
"""

import functools
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from news.models import Article
from news.slugs import make_slug

RUBRICS = [
    ("press-releases", "Пресс-релизы", "Press releases"),
    ("international-cooperation", "Международное сотрудничество", "International cooperation"),
    ("law-enforcement", "Правоохранительная деятельность", "Law enforcement"),
    ("statistics", "Таможенная статистика", "Customs statistics"),
    ("announcements", "Объявления", "Announcements"),
    ("digital-customs", "Цифровая таможня", "Digital customs"),
]

TOPICS = [
    ("wco", "Всемирная таможенная организация", "World Customs Organization"),
    ("enforcement", "Правоохранительная деятельность", "Law enforcement"),
    ("foreign-trade", "Внешняя торговля", "Foreign trade"),
    ("bilateral-cooperation", "Двустороннее сотрудничество", "Bilateral cooperation"),
    ("e-declaration", "Электронное декларирование", "Electronic declaration"),
    ("intellectual-property", "Интеллектуальная собственность", "Intellectual property"),
    ("tobacco", "Табачная продукция", "Tobacco products"),
    ("drugs", "Наркотические средства", "Narcotic drugs"),
    ("cultural-property", "Культурные ценности", "Cultural property"),
    ("cites", "СИТЕС", "CITES"),
    ("risk-management", "Управление рисками", "Risk management"),
    ("harmonized-system", "Гармонизированная система", "Harmonized System"),
    ("customs-valuation", "Таможенная стоимость", "Customs valuation"),
    ("rules-of-origin", "Правила происхождения", "Rules of origin"),
    ("capacity-building", "Наращивание потенциала", "Capacity building"),
    ("open-data", "Открытые данные", "Open data"),
    ("citizens", "Обращения граждан", "Citizens' requests"),
    ("eaeu", "Евразийский экономический союз", "Eurasian Economic Union"),
]

# (English name, Russian nominative, Russian genitive, topic)
BODIES = [
    ("Enforcement Committee", "Комитет по правоприменению", "Комитета по правоприменению",
     "enforcement"),
    ("Permanent Technical Committee", "Постоянный технический комитет",
     "Постоянного технического комитета", "wco"),
    ("Harmonized System Committee", "Комитет по Гармонизированной системе",
     "Комитета по Гармонизированной системе", "harmonized-system"),
    ("Capacity Building Committee", "Комитет по наращиванию потенциала",
     "Комитета по наращиванию потенциала", "capacity-building"),
    ("Policy Commission", "Политическая комиссия", "Политической комиссии", "wco"),
    ("Finance Committee", "Финансовый комитет", "Финансового комитета", "wco"),
    ("Council", "Совет", "Совета", "wco"),
    ("Technical Committee on Customs Valuation", "Технический комитет по таможенной оценке",
     "Технического комитета по таможенной оценке", "customs-valuation"),
    ("Technical Committee on Rules of Origin", "Технический комитет по правилам происхождения",
     "Технического комитета по правилам происхождения", "rules-of-origin"),
]  # fmt: skip

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip
MONTHS_RU_NOM = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                 "сентябрь", "октябрь", "ноябрь", "декабрь"]  # fmt: skip
MONTHS_RU_PREP = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе",
                  "сентябре", "октябре", "ноябре", "декабре"]  # fmt: skip

FORMATS = [
    ("в Брюсселе", "in Brussels"),
    ("в Брюсселе", "in Brussels"),
    ("в режиме видеоконференции", "by videoconference"),
    ("в смешанном формате", "in a hybrid format"),
]
POSITIONS = [
    ("заместитель руководителя ФТС России", "Deputy Head of the FCS of Russia"),
    ("начальник Главного управления по борьбе с контрабандой",
     "Head of the Central Enforcement Department"),
    ("начальник Управления таможенного сотрудничества",
     "Head of the Customs Cooperation Department"),
    ("начальник Главного управления федеральных таможенных доходов и тарифного регулирования",
     "Head of the Central Department of Customs Revenue and Tariff Regulation"),
]  # fmt: skip
FOCUS = [
    ("противодействию незаконному обороту наркотиков", "countering drug trafficking"),
    ("защите прав интеллектуальной собственности", "protecting intellectual property rights"),
    ("цифровизации таможенных процедур", "the digitalisation of customs procedures"),
    ("управлению рисками", "risk management"),
    ("борьбе с незаконной торговлей табачной продукцией", "fighting the illicit tobacco trade"),
    ("применению Гармонизированной системы", "applying the Harmonized System"),
    ("развитию потенциала таможенных служб", "building the capacity of customs services"),
    ("сотрудничеству с международными организациями",
     "cooperation with international organisations"),
]  # fmt: skip
EXPERIENCE = [
    ("электронного декларирования", "electronic declaration"),
    ("предварительного информирования о товарах", "advance information on goods"),
    ("автоматической регистрации деклараций", "the automatic registration of declarations"),
    ("контроля таможенной стоимости", "customs valuation control"),
    ("применения инспекционно-досмотровых комплексов", "the use of X-ray inspection systems"),
]
# (Russian genitive, English)
COUNTRIES = [
    ("Казахстана", "Kazakhstan"), ("Беларуси", "Belarus"), ("Китая", "China"),
    ("Индии", "India"), ("Армении", "Armenia"), ("Узбекистана", "Uzbekistan"),
    ("Монголии", "Mongolia"), ("Вьетнама", "Viet Nam"), ("Турции", "Türkiye"),
    ("Египта", "Egypt"), ("Бразилии", "Brazil"), ("Киргизии", "Kyrgyzstan"),
]  # fmt: skip
PLACES = [
    ("в Москве", "in Moscow"),
    ("в Санкт-Петербурге", "in Saint Petersburg"),
    ("в режиме видеоконференции", "by videoconference"),
    ("в Брюсселе", "in Brussels"),
]
# (region, genitive; customs office, genitive; English region; English customs office)
REGIONS = [
    ("Калининградской области", "Калининградской областной таможни", "the Kaliningrad Region",
     "Kaliningrad Regional Customs"),
    ("Приморского края", "Владивостокской таможни", "Primorsky Krai", "Vladivostok Customs"),
    ("Московской области", "Шереметьевской таможни", "the Moscow Region", "Sheremetyevo Customs"),
    ("Ленинградской области", "Балтийской таможни", "the Leningrad Region", "Baltic Customs"),
    ("Ростовской области", "Ростовской таможни", "the Rostov Region", "Rostov Customs"),
    ("Новосибирской области", "Новосибирской таможни", "the Novosibirsk Region",
     "Novosibirsk Customs"),
    ("Свердловской области", "Екатеринбургской таможни", "the Sverdlovsk Region",
     "Yekaterinburg Customs"),
    ("Хабаровского края", "Хабаровской таможни", "Khabarovsk Krai", "Khabarovsk Customs"),
    ("Краснодарского края", "Краснодарской таможни", "Krasnodar Krai", "Krasnodar Customs"),
    ("Самарской области", "Самарской таможни", "the Samara Region", "Samara Customs"),
    ("Забайкальского края", "Читинской таможни", "Zabaykalsky Krai", "Chita Customs"),
    ("Омской области", "Омской таможни", "the Omsk Region", "Omsk Customs"),
]  # fmt: skip
# (Russian genitive, English, topic)
GOODS = [
    ("табачной продукции", "tobacco products", "tobacco"),
    ("контрафактной обуви", "counterfeit footwear", "intellectual-property"),
    ("культурных ценностей", "cultural property", "cultural-property"),
    ("наркотических средств", "narcotic drugs", "drugs"),
    ("объектов СИТЕС", "CITES-listed wildlife", "cites"),
    ("контрафактной одежды", "counterfeit clothing", "intellectual-property"),
    ("алкогольной продукции", "alcoholic beverages", "enforcement"),
    ("ювелирных изделий", "jewellery", "enforcement"),
    ("лекарственных препаратов", "medicines", "enforcement"),
]
VEHICLES = [
    ("грузового автомобиля", "a lorry"),
    ("железнодорожного вагона", "a railway wagon"),
    ("морского контейнера", "a sea container"),
    ("багажа авиапассажира", "an air passenger's luggage"),
    ("международных почтовых отправлений", "international postal items"),
]
OFFICES = [
    ("приёмной ФТС России", "the FCS reception office"),
    ("пресс-службы ФТС России", "the FCS press office"),
    ("справочной службы таможенных органов", "the customs helpline"),
]

BACKGROUND = [
    ("Федеральная таможенная служба обеспечивает соблюдение таможенного законодательства "
     "Евразийского экономического союза и Российской Федерации.",
     "The Federal Customs Service enforces the customs legislation of the Eurasian Economic "
     "Union and of the Russian Federation."),
    ("Таможенные органы взимают таможенные платежи, ведут таможенную статистику и борются с "
     "контрабандой.",
     "Customs authorities collect customs payments, keep customs statistics and fight "
     "smuggling."),
    ("Интересы Российской Федерации во Всемирной таможенной организации представляет "
     "ФТС России.",
     "The FCS of Russia represents the Russian Federation in the World Customs Organization."),
    ("Пресс-служба ФТС России отвечает на запросы средств массовой информации в рабочие дни.",
     "The FCS press office answers media enquiries on working days."),
]  # fmt: skip

CLOSING = [
    ("ФТС России продолжит эту работу совместно с другими федеральными органами "
     "исполнительной власти.",
     "The FCS of Russia will continue this work together with other federal executive bodies."),
    ("Новости о работе таможенных органов публикуются на официальном сайте ФТС России.",
     "News about the work of the customs authorities is published on the FCS website."),
]  # fmt: skip


def ordinal_en(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@functools.lru_cache(maxsize=20000)
def _slug(title: str) -> str:
    return make_slug(title)


def _paragraphs(sentences: list[tuple[str, str]], rng: random.Random) -> tuple[str, str]:
    """Group paired sentences into two to three paragraphs of matching HTML."""
    ru, en = [], []
    index = 0
    while index < len(sentences):
        size = rng.choice((1, 2, 2, 3))
        chunk = sentences[index : index + size]
        ru.append("<p>" + " ".join(pair[0] for pair in chunk) + "</p>")
        en.append("<p>" + " ".join(pair[1] for pair in chunk) + "</p>")
        index += size
    return "".join(ru), "".join(en)


def session_article(rng, when):
    body_en, body_ru, body_ru_gen, topic = rng.choice(BODIES)
    number = rng.randint(20, 150)
    where_ru, where_en = rng.choice(FORMATS)
    position_ru, position_en = rng.choice(POSITIONS)
    focus_ru, focus_en = rng.choice(FOCUS)
    experience_ru, experience_en = rng.choice(EXPERIENCE)
    (c1_ru, c1_en), (c2_ru, c2_en) = rng.sample(COUNTRIES, 2)
    month, year = when.month - 1, when.year
    sentences = [
        (f"В {MONTHS_RU_PREP[month]} {year} года {where_ru} прошла {number}-я сессия "
         f"{body_ru_gen} Всемирной таможенной организации.",
         f"In {MONTHS_EN[month]} {year} the {ordinal_en(number)} session of the World Customs "
         f"Organization {body_en} was held {where_en}."),
        ("В её работе участвовали представители таможенных служб более чем ста государств — "
         "членов ВТамО.",
         "Representatives of the customs services of more than a hundred WCO Members took part."),
        (f"Делегацию ФТС России возглавил {position_ru}.",
         f"The FCS delegation was led by the {position_en}."),
        ("В её состав вошли сотрудники профильных управлений и представительства таможенной "
         "службы Российской Федерации в Бельгии.",
         "It included officials of the relevant departments and of the Russian Customs "
         "Representatives in Belgium."),
        ("Участники сессии подвели итоги работы за прошедший год, рассмотрели доклады рабочих "
         "групп и утвердили план работы на следующий период.",
         "The delegates took stock of the past year's work, considered the reports of the "
         "working groups and adopted the work plan for the next period."),
        (f"Особое внимание было уделено {focus_ru}.",
         f"Particular attention was paid to {focus_en}."),
        (f"Российская делегация рассказала об опыте ФТС России в области {experience_ru} и "
         "ответила на вопросы коллег.",
         f"The Russian delegation presented the FCS's experience of {experience_en} and answered "
         "its colleagues' questions."),
        (f"На полях сессии состоялись двусторонние встречи с делегациями {c1_ru} и {c2_ru}.",
         f"On the sidelines of the session the delegation met the delegations of {c1_en} and "
         f"{c2_en}."),
        ("Доклад о работе сессии будет представлен на очередной сессии Совета ВТамО.",
         "The report of the session will be submitted to the next session of the WCO Council."),
    ]  # fmt: skip
    if body_en == "Council":
        note = (
            "<p>Совет ВТамО — высший руководящий орган организации. Его первая сессия "
            "открылась 26 января 1953 года.</p>",
            "<p>The Council is the governing body of the WCO. Its first session opened on "
            "26 January 1953.</p>",
        )
    else:
        note = (
            f"<p>{body_ru} — рабочий орган ВТамО. Он действует под руководством Совета ВТамО и "
            "Политической комиссии при административной поддержке Секретариата ВТамО.</p>",
            f"<p>The {body_en} is a working body of the WCO. It works under the direction of the "
            "WCO Council and the Policy Commission, with administrative support from the WCO "
            "Secretariat.</p>",
        )
    return {
        "title": (
            f"Делегация ФТС России приняла участие в {number}-й сессии {body_ru_gen} ВТамО",
            f"An FCS delegation took part in the {ordinal_en(number)} session of the WCO {body_en}",
        ),
        "lead": (
            f"Сессия прошла {where_ru}; делегацию возглавил {position_ru}.",
            f"The session was held {where_en}; the delegation was led by the {position_en}.",
        ),
        "sentences": sentences,
        "note": note,
        "kind": Article.Kind.PRESS_RELEASE,
        "rubric": "international-cooperation",
        "topics": ["wco", topic],
    }


def seizure_article(rng, when):
    region_ru, customs_ru, region_en, customs_en = rng.choice(REGIONS)
    goods_ru, goods_en, topic = rng.choice(GOODS)
    vehicle_ru, vehicle_en = rng.choice(VEHICLES)
    amount = rng.randint(2, 180)
    count = rng.randint(5, 20)
    sentences = [
        (f"Сотрудники {customs_ru} выявили партию {goods_ru}, которую пытались ввезти в Россию "
         "без декларирования.",
         f"Officers of {customs_en} found a consignment of {goods_en} that someone had tried to "
         "bring into Russia without declaring it."),
        (f"Товар обнаружен при таможенном досмотре {vehicle_ru}.",
         f"The goods were found during a customs inspection of {vehicle_en}."),
        ("Объект контроля выбрала система управления рисками: профиль риска сработал по "
         "сведениям из товаросопроводительных документов.",
         "The shipment was selected by the risk management system: a risk profile was "
         "triggered by the information in the shipping documents."),
        ("По этому факту возбуждено уголовное дело. Товар изъят и помещён на склад временного "
         "хранения.",
         "A criminal case has been opened. The goods have been seized and placed in a "
         "temporary storage warehouse."),
        ("Устанавливаются все участники канала незаконного перемещения.",
         "Work is under way to identify everyone involved in the smuggling channel."),
        (f"С начала года таможенники {region_ru} задержали {count} подобных партий.",
         f"Since the beginning of the year customs officers in {region_en} have detained "
         f"{count} such consignments."),
        ("Товары, ввозимые в Российскую Федерацию, подлежат таможенному декларированию; за их "
         "недекларирование предусмотрена административная или уголовная ответственность.",
         "Goods brought into the Russian Federation must be declared to customs; failing to "
         "declare them carries administrative or criminal liability."),
    ]  # fmt: skip
    return {
        "title": (
            f"Таможенники {region_ru} пресекли незаконный ввоз {goods_ru}",
            f"Customs officers in {region_en} stop an illegal import of {goods_en}",
        ),
        "lead": (
            f"Стоимость задержанного товара превышает {amount} млн рублей.",
            f"The goods detained are worth more than {amount} million roubles.",
        ),
        "sentences": sentences,
        "note": (
            "<p>Таможенные органы вправе проводить таможенный досмотр в отсутствие декларанта в "
            "случаях, установленных Таможенным кодексом ЕАЭС.</p>",
            "<p>Customs authorities may inspect goods without the declarant present in the "
            "cases set out in the EAEU Customs Code.</p>",
        ),
        "kind": Article.Kind.NEWS,
        "rubric": "law-enforcement",
        "topics": ["enforcement", topic, "risk-management"][: rng.randint(1, 3)],
    }


def statistics_article(rng, when):
    month = (when.month - 2) % 12
    year = when.year if when.month > 1 else when.year - 1
    exports = rng.randint(250, 450) / 10
    imports = rng.randint(180, 320) / 10
    turnover = exports + imports

    def ru(number):
        return f"{number:.1f}".replace(".", ",")

    sentences = [
        (f"По данным таможенной статистики, внешнеторговый оборот России в "
         f"{MONTHS_RU_PREP[month]} {year} года составил {ru(turnover)} млрд долларов США, в том "
         f"числе экспорт — {ru(exports)} млрд, импорт — {ru(imports)} млрд долларов.",
         f"According to customs statistics, Russia's foreign trade turnover in "
         f"{MONTHS_EN[month]} {year} amounted to {turnover:.1f} billion US dollars, with exports "
         f"of {exports:.1f} billion and imports of {imports:.1f} billion dollars."),
        (f"Сальдо торгового баланса сложилось положительное: {ru(exports - imports)} млрд "
         "долларов США.",
         f"The trade balance was positive at {exports - imports:.1f} billion US dollars."),
        ("Основу экспорта по-прежнему составляют топливно-энергетические товары, металлы и "
         "изделия из них, продовольственные товары и сельскохозяйственное сырьё.",
         "Fuel and energy products, metals and metal products, food and agricultural raw "
         "materials remain the basis of exports."),
        ("В структуре импорта преобладают машины, оборудование и транспортные средства, а "
         "также продукция химической промышленности.",
         "Imports are dominated by machinery, equipment and vehicles, and by chemical "
         "products."),
        ("Подробные данные опубликованы в разделе «Открытые данные» и доступны для скачивания "
         "в машиночитаемом формате.",
         "Detailed figures are published in the Open data section and can be downloaded in a "
         "machine-readable format."),
    ]  # fmt: skip
    return {
        "title": (
            f"Итоги внешней торговли России за {MONTHS_RU_NOM[month]} {year} года",
            f"Russia's foreign trade results for {MONTHS_EN[month]} {year}",
        ),
        "lead": (
            f"Внешнеторговый оборот составил {ru(turnover)} млрд долларов США.",
            f"Foreign trade turnover amounted to {turnover:.1f} billion US dollars.",
        ),
        "sentences": sentences,
        "note": None,
        "kind": Article.Kind.NEWS,
        "rubric": "statistics",
        "topics": ["foreign-trade", "open-data"],
    }


def bilateral_article(rng, when):
    country_ru, country_en = rng.choice(COUNTRIES)
    place_ru, place_en = rng.choice(PLACES)
    sentences = [
        (f"Встреча руководителей таможенных служб России и {country_ru} прошла {place_ru}.",
         f"The heads of the customs services of Russia and {country_en} met {place_en}."),
        ("Стороны обсудили, как выполняется соглашение о взаимной административной помощи, и "
         "обмен предварительной информацией о товарах, перемещаемых между двумя странами.",
         "The two sides discussed how the agreement on mutual administrative assistance is "
         "being implemented and the exchange of advance information on goods moving between "
         "the two countries."),
        ("Особое внимание уделено ускорению пропуска грузов через границу и развитию "
         "«зелёных коридоров».",
         "Particular attention was paid to faster clearance at the border and to green "
         "corridors."),
        ("Товарооборот между странами за последние годы заметно вырос, и это требует от "
         "таможенных служб новых решений.",
         "Trade between the two countries has grown markedly in recent years, and this calls "
         "for new solutions from both customs services."),
        ("По итогам встречи подписан протокол о планах совместной работы на ближайшие два года.",
         "At the end of the meeting the sides signed a protocol on their joint work plans for "
         "the next two years."),
        (f"Следующую встречу стороны договорились провести в {when.year + 1} году.",
         f"The sides agreed to hold their next meeting in {when.year + 1}."),
    ]  # fmt: skip
    return {
        "title": (
            f"ФТС России и таможенная служба {country_ru} обсудили развитие сотрудничества",
            f"The FCS of Russia and the customs service of {country_en} discuss closer cooperation",
        ),
        "lead": (
            f"Руководители таможенных служб встретились {place_ru}.",
            f"The heads of the two customs services met {place_en}.",
        ),
        "sentences": sentences,
        "note": None,
        "kind": Article.Kind.NEWS,
        "rubric": "international-cooperation",
        "topics": ["bilateral-cooperation", "eaeu"][: rng.randint(1, 2)],
    }


def announcement_article(rng, when):
    office_ru, office_en = rng.choice(OFFICES)
    sentences = [
        ("В праздничные дни обращения граждан принимаются в письменной форме и через "
         "интернет-приёмную на официальном сайте.",
         "Over the holidays, citizens' requests are accepted in writing and through the online "
         "reception on the official website."),
        ("Личный приём возобновится в первый рабочий день после праздников.",
         "Meetings in person resume on the first working day after the holidays."),
        ("Таможенные посты в пунктах пропуска через государственную границу работают в "
         "обычном режиме.",
         "Customs posts at border crossing points are open as usual."),
    ]  # fmt: skip
    return {
        "title": (
            f"О графике работы {office_ru} в праздничные дни",
            f"Opening hours of {office_en} over the holidays",
        ),
        "lead": (
            "График работы меняется на время праздников.",
            "The opening hours change for the holidays.",
        ),
        "sentences": sentences,
        "note": None,
        "kind": Article.Kind.ANNOUNCEMENT,
        "rubric": "announcements",
        "topics": ["citizens"],
    }


def declarations_article(rng, when):
    year = when.year - 1
    share = rng.randint(95, 99)
    automatic = rng.randint(40, 90)
    declarations = rng.randint(3, 9)
    sentences = [
        (f"В {year} году таможенные органы зарегистрировали более {declarations} млн деклараций "
         "на товары; практически все они поданы в электронной форме.",
         f"In {year} customs authorities registered more than {declarations} million goods "
         "declarations, almost all of them filed electronically."),
        (f"Доля деклараций, зарегистрированных автоматически, без участия должностного лица, "
         f"достигла {automatic}%.",
         f"The share of declarations registered automatically, with no officer involved, "
         f"reached {automatic}%."),
        ("Автоматический выпуск позволяет участникам внешнеэкономической деятельности получать "
         "решение по декларации за несколько минут.",
         "Automatic release lets traders have a decision on a declaration within minutes."),
        ("Электронное декларирование сокращает время и издержки бизнеса и снижает влияние "
         "человеческого фактора.",
         "Electronic declaration saves businesses time and money and reduces the role of the "
         "human factor."),
    ]  # fmt: skip
    return {
        "title": (
            f"Доля электронных деклараций в {year} году превысила {share}%",
            f"Electronic declarations exceeded {share}% of the total in {year}",
        ),
        "lead": (
            f"Автоматически зарегистрировано {automatic}% деклараций на товары.",
            f"{automatic}% of goods declarations were registered automatically.",
        ),
        "sentences": sentences,
        "note": None,
        "kind": Article.Kind.PRESS_RELEASE,
        "rubric": "digital-customs",
        "topics": ["e-declaration"],
    }


FAMILIES = [
    (session_article, 3),
    (seizure_article, 4),
    (statistics_article, 1),
    (bilateral_article, 2),
    (announcement_article, 1),
    (declarations_article, 1),
]


# Subjects of the benchmark's synthetic working groups: (Russian, in the dative; English).
GROUP_SUBJECTS = [
    ("тарифной классификации", "Tariff Classification"),
    ("происхождению товаров", "Rules of Origin"),
    ("таможенной стоимости", "Customs Valuation"),
    ("упрощению процедур торговли", "Trade Facilitation"),
    ("информационным технологиям", "Information Technology"),
    ("управлению рисками", "Risk Management"),
    ("электронной торговле", "E-Commerce"),
    ("наращиванию потенциала", "Capacity Building"),
    ("безопасности цепей поставок", "Supply Chain Security"),
    ("экологическим вопросам", "Green Customs"),
]


def articles(count: int, *, start: int = 0, seed: int = 2021, now: datetime) -> Iterator[dict]:
    """Articles number `start` to `start + count - 1`, newest first, about one an hour back
    from `now`; the same numbers give the same articles whatever the batches.

    Most exist in both languages, some in Russian or English only; a few are drafts,
    withdrawn, or scheduled for the coming days.
    """
    families, weights = zip(*FAMILIES, strict=True)
    latest = now.replace(second=0, microsecond=0) - timedelta(minutes=30)
    for index in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + index)
        published_at = latest - timedelta(minutes=index * 58 + rng.randint(0, 50))
        family = rng.choices(families, weights)[0](rng, published_at)
        sentences = family["sentences"]
        kept = sorted(rng.sample(range(2, len(sentences)), len(sentences) - 2 - rng.randint(0, 1)))
        chosen = sentences[:2] + [sentences[i] for i in kept]
        chosen += rng.sample(BACKGROUND, rng.randint(1, 3))
        chosen += [rng.choice(CLOSING)] if rng.random() < 0.3 else []
        body_ru, body_en = _paragraphs(chosen, rng)
        texts = {
            "title": family["title"],
            "lead": family["lead"],
            "body": (body_ru, body_en),
            "note": family["note"] if family["note"] and rng.random() < 0.4 else ("", ""),
        }
        roll = rng.random()
        languages = ("ru", "en") if roll < 0.8 else ("ru",) if roll < 0.95 else ("en",)
        row = {}
        for field, (ru, en) in texts.items():
            row[f"{field}_ru"] = ru if "ru" in languages else ""
            row[f"{field}_en"] = en if "en" in languages else ""
        for code in ("ru", "en"):
            row[f"slug_{code}"] = _slug(row[f"title_{code}"]) if code in languages else ""
        status = Article.Status.PUBLISHED
        withdrawn_at, withdrawal_reason = None, ""
        roll = rng.random()
        if index < 3:  # a few announcements scheduled for the coming days
            published_at = now + timedelta(days=index + 1)
        elif roll < 0.015:
            status, published_at = Article.Status.DRAFT, None
        elif roll < 0.02:
            status = Article.Status.WITHDRAWN
            withdrawn_at = published_at + timedelta(hours=rng.randint(1, 48))
            withdrawal_reason = "Опубликовано по ошибке."
        row.update(
            status=status,
            published_at=published_at,
            withdrawn_at=withdrawn_at,
            withdrawal_reason=withdrawal_reason,
            kind=family["kind"],
            rubric=family["rubric"],
            topics=list(dict.fromkeys(family["topics"])),
        )
        yield row
