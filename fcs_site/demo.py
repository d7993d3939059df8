"""The press service's contacts for a local run: a real address, demo phone and email."""

from news.demo import upsert

from .models import PressContacts

CONTACTS = {
    "name_ru": "Пресс-служба ФТС России",
    "name_en": "FCS of Russia press service",
    "address_ru": "ул. Новозаводская, д. 11/5\nМосква, 121087\nРоссия",
    "address_en": "11/5 Novozavodskaya ulitsa\nMoscow 121087\nRussia",
    # Demo numbers and an address under a reserved domain: nobody is reached by mistake.
    "phones": "+7 495 000-00-01\n+7 495 000-00-02",
    "email": "press@customs.example",
    "hours_ru": (
        "Понедельник — четверг: 9:00–18:00, пятница: 9:00–16:45 (по московскому времени).\n"
        "Запросы СМИ принимаются по электронной почте; ответ — в течение трёх рабочих дней."
    ),
    "hours_en": (
        "Monday to Thursday 9:00–18:00, Friday 9:00–16:45 (Moscow time).\n"
        "Media enquiries by email, answered within three working days."
    ),
    "accreditation_ru": (
        "Для аккредитации на мероприятия ФТС России редакция направляет заявку на "
        "электронную почту пресс-службы не позднее чем за три рабочих дня до события."
    ),
    "accreditation_en": (
        "To be accredited for an FCS event, the newsroom emails the press service a request "
        "at least three working days before it."
    ),
}


def load() -> dict[str, int]:
    _row, changed = upsert(PressContacts, {"singleton": True}, CONTACTS)
    return {"press contacts": int(changed)}
