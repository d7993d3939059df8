"""Dates as each language writes them: partial dates (1983, March 1983) and ranges."""

from datetime import date, datetime

from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS

YEAR = "year"
MONTH = "month"
DAY = "day"


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en").split("-")[0]


def format_day(value: date, language: str | None = None) -> str:
    """26 January 1953, «26 января 1953 г.»: the committee pages' dates."""
    language = _language(language)
    day = format_day_plain(value, language)
    return f"{day} г." if language == "ru" else day


def format_day_plain(value: date, language: str | None = None) -> str:
    """26 January 1953, «26 января 1953» (no «г.»): the day as date:"j E Y" writes it, as the
    news shows it."""
    with translation.override(_language(language)):
        return dateformat.format(value, "j E Y")


def format_partial_date(value: date | None, precision: str, language: str | None = None) -> str:
    """A date known to the year, the month or the day, written to that precision."""
    if value is None:
        return ""
    language = _language(language)
    if precision == YEAR:
        return f"{value.year} г." if language == "ru" else str(value.year)
    if precision == MONTH:
        with translation.override(language):
            month = str(MONTHS[value.month])
        if language == "ru":
            # Standalone month names are lower case in running Russian text: «март 1983 г.».
            return f"{month.lower()} {value.year} г."
        return f"{month} {value.year}"
    return format_day(value, language)


def format_date_range(start: date, end: date | None, language: str | None = None) -> str:
    """22–26 March 2021, 28 March – 1 April 2022, «22–26 марта 2021 г.»."""
    language = _language(language)
    if end is None or end == start:
        return format_day(start, language)
    if start.year != end.year:
        return f"{format_day(start, language)} – {format_day(end, language)}"
    with translation.override(language):
        if start.month == end.month:
            first = str(start.day)
            separator = "–"
        else:
            first = dateformat.format(start, "j E" if language == "ru" else "j F")
            separator = " – "
    return f"{first}{separator}{format_day(end, language)}"


def iso(value) -> str:
    """A date or a moment for machines (`<time datetime>`, metadata): 2021-04-08, or
    2021-04-08T17:55:00+03:00 in the site's time zone, to the second; "" for anything else."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""


def format_moment(value: datetime, language: str | None = None) -> str:
    """A moment in the site's time zone, to the minute, as date:"j E Y H:i" writes it:
    «8 апреля 2021 17:55», "8 April 2021 17:55"."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override(_language(language)):
        return dateformat.format(value, "j E Y H:i")
