from django import forms
from django.core.paginator import InvalidPage
from django.db import connection
from django.db.models import F, Q, Value
from django.forms.boundfield import BoundField
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
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


def html_attrs(attrs: dict) -> SafeString:
    """Attributes as Django's form templates write them (django/forms/attrs.html)."""
    return mark_safe(
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


# The search form is on every search page, and Django writes each label, input and option
# of a form through templates of their own (a few includes each): that was a good part of the
# page's time. The form's widgets and field groups are written in Python instead, as Django's
# templates write them; the attributes are Django's (id, required, aria-*), the text escaped.


class TextInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', str(value)) if value is not None else "",
            html_attrs(widget["attrs"]),
        )


class DateInput(TextInput, forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OptionsSelect(forms.Select):
    """A flat <select> whose options are written in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        final_attrs = html_attrs(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, final_attrs, options)


class PlainBoundField(BoundField):
    """A label and its widget written as django/forms/field.html and label.html write them;
    a field with errors or help text is written by those templates."""

    def as_field_group(self):
        if self.use_fieldset or self.help_text or self.errors:
            return super().as_field_group()
        label = self.label_tag() if self.label else ""
        return format_html("{}\n{}", label, self.as_widget())

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        if contents is not None or attrs is not None or tag is not None:
            return super().label_tag(contents, attrs, label_suffix, tag)
        contents = self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        if label_suffix and contents and contents[-1] not in gettext(":?.!"):
            contents = format_html("{}{}", contents, label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return conditional_escape(contents)
        attrs = {}
        if id_for_label := widget.id_for_label(id_):
            attrs["for"] = id_for_label
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs["class"] = self.form.required_css_class
        return format_html("<label{}>{}</label>", html_attrs(attrs), contents)


class FilterChoiceField(forms.ChoiceField):
    """A choice among rows loaded beforehand, by slug; cleans to the row's id.

    The refusal does not repeat the value sent, which may be anything.
    """

    widget = OptionsSelect
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


class SearchForm(forms.Form):
    bound_field_class = PlainBoundField
    q = QueryField(label=_("Words to find"), required=False)
    date_from = forms.DateField(label=_("Date from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Date until"), required=False, widget=DateInput)
    rubric = FilterChoiceField(label=_("Rubric"), empty_label=_("Any rubric"))
    body = FilterChoiceField(label=_("WCO body"), empty_label=_("Any body"))

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = TextInput(
            attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH, "autocomplete": "off"}
        )
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
