from django import forms
from django.core.paginator import InvalidPage
from django.db import connection
from django.db.models import F, Q, Value
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from committees.models import Body
from fcs_site.caching.invalidation import SEARCH
from fcs_site.caching.recording import record
from news.models import Rubric

from .search import (
    MAX_DATE,
    MAX_QUERY_LENGTH,
    MIN_DATE,
    STATEMENTS,
    SearchFilters,
    SearchTimeout,
    clean_query,
)
from .search import search as run_search

MAX_PAGE_DIGITS = 6


class QueryField(forms.CharField):
    """Any text is a query: control characters (NUL too) are dropped, not refused."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


def filter_choices(language: str) -> dict[str, tuple[tuple[int, str, str], ...]]:
    """The rubrics and the WCO bodies a visitor can narrow the search to, in one query:
    {"rubric": ((id, slug, name), ...), "body": (...)}, each in its site order."""
    sql, params = STATEMENTS.get(
        ("filter choices", connection.alias, language), lambda: _filter_choices_sql(language)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[str, list] = {"rubric": [], "body": []}
    for kind, pk, slug, name, _position in sorted(rows, key=lambda row: (row[4], row[2])):
        found[kind].append((pk, slug, name))
    return {kind: tuple(found_rows) for kind, found_rows in found.items()}


CHOICE_COLUMNS = ("choice_kind", "choice_pk", "choice_slug", "choice_name", "choice_position")


def _filter_choices_sql(language: str) -> tuple[str, list]:
    """The statement of `filter_choices`, the same for every search in `language`."""

    def choices(queryset, kind):
        return (
            queryset.order_by()
            .annotate(
                choice_kind=Value(kind),
                choice_pk=F("pk"),
                choice_slug=F("slug"),
                choice_name=F(f"name_{language}"),
                choice_position=F("position"),
            )
            .values_list(*CHOICE_COLUMNS)
        )

    rubrics = choices(Rubric.objects.filter(Q(**{f"name_{language}__gt": ""})), "rubric")
    bodies = choices(Body.objects.available_in(language), "body")
    sql, params = rubrics.union(bodies, all=True).query.get_compiler(connection.alias).as_sql()
    # The compiler writes annotations in an order of its own: name the columns.
    columns = ", ".join(connection.ops.quote_name(column) for column in CHOICE_COLUMNS)
    return f"SELECT {columns} FROM ({sql}) choices", list(params)


class FilterChoiceField(forms.ChoiceField):
    """A choice among rows loaded beforehand, by slug; cleans to the row's id.

    The refusal does not repeat the value sent, which may be anything.
    """

    default_error_messages = {
        "invalid_choice": _(
            "Select a valid choice. That choice is not one of the available choices."
        ),
    }

    def __init__(self, *, empty_label, **kwargs):
        super().__init__(required=False, **kwargs)
        self.empty_label = empty_label
        self.ids: dict[str, int] = {}

    def set_rows(self, rows):
        self.ids = {slug: pk for pk, slug, _name in rows}
        self.choices = [("", self.empty_label), *((slug, name) for _pk, slug, name in rows)]

    def clean(self, value):
        value = super().clean(value)
        return self.ids[value] if value else None


# A browser's date picker sends and shows ISO dates.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    """Rendered by Django's form templates ({{ field.as_field_group }} in search.html)."""

    q = QueryField(
        label=_("Words to find"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": MAX_QUERY_LENGTH, "autocomplete": "off"}),
    )
    date_from = forms.DateField(label=_("Date from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Date until"), required=False, widget=DATE_INPUT)
    rubric = FilterChoiceField(label=_("Rubric"), empty_label=_("Any rubric"))
    body = FilterChoiceField(label=_("WCO body"), empty_label=_("Any body"))

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        choices = filter_choices(language)
        self.fields["rubric"].set_rows(choices["rubric"])
        self.fields["body"].set_rows(choices["body"])

    def _clean_date(self, name):
        value = self.cleaned_data.get(name)
        if value and not MIN_DATE <= value <= MAX_DATE:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                params={"first": MIN_DATE.year, "last": MAX_DATE.year},
                code="out_of_range",
            )
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is earlier than the start date."))
        return cleaned

    def filters(self) -> SearchFilters:
        return SearchFilters(
            date_from=self.cleaned_data.get("date_from"),
            date_to=self.cleaned_data.get("date_to"),
            rubric=self.cleaned_data.get("rubric"),
            body=self.cleaned_data.get("body"),
        )


def page_number(request) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        raise Http404
    return int(raw)


@require_safe
def search_view(request):
    language = get_language()
    data = None
    if request.GET:
        # The box shows the query as searched: cut, without control characters.
        data = request.GET.copy()
        data["q"] = clean_query(data.get("q", ""))
    record(SEARCH)  # what matches changes with every edit
    form = SearchForm(data, language=language)
    context = {
        "form": form,
        "page_obj": None,
        "query": "",
        "timed_out": False,
        "full_text": connection.vendor == "postgresql",
    }
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["q"]:
        context["query"] = form.cleaned_data["q"]
        try:
            context["page_obj"] = run_search(
                form.cleaned_data["q"], language, filters=form.filters(), page=page_number(request)
            )
        except InvalidPage as exc:
            raise Http404 from exc
        except SearchTimeout:
            context["timed_out"] = True
            status = 503
    return TemplateResponse(request, "search/search.html", context, status=status)
