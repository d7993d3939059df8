import csv
import io
import json

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fcs_site.caching.recording import shows_every_row_of

from . import opendata

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


# Datasets and their passports name the time of the last change to any of their rows.
SHOWS_EVERYTHING = shows_every_row_of(
    "news.article",
    "news.rubric",
    "news.topic",
    "committees.body",
    "committees.session",
    "committees.person",
    "committees.post",
    "committees.term",
    "committees.delegation",
)


def _absolute(request, url_name, **kwargs) -> str:
    return request.build_absolute_uri(reverse(url_name, kwargs=kwargs))


def _dataset_or_404(identifier) -> opendata.Dataset:
    dataset = opendata.get_dataset(identifier)
    if dataset is None:
        raise Http404
    return dataset


def _publisher() -> dict:
    return {
        "name": str(settings.FCS_SITE_NAME),
        "phone": settings.FCS_OPENDATA_PUBLISHER_PHONE,
        "email": settings.FCS_OPENDATA_PUBLISHER_EMAIL,
    }


def passport(request, dataset: opendata.Dataset, changed=None) -> list[tuple[str, str, str]]:
    """The passport as (property, title, value) rows, in the recommendations' order."""
    version = dataset.version(changed)
    structure = dataset.structure_name()
    publisher = _publisher()
    rows = [
        ("standardversion", _("Version of the methodical recommendations"),
         opendata.STANDARD_VERSION),
        ("identifier", _("Identifier"), dataset.identifier),
        ("title", _("Title"), str(dataset.title)),
        ("description", _("Description"), str(dataset.description)),
        ("creator", _("Owner"), publisher["name"]),
        ("created", _("Date of first publication"), dataset.created.strftime("%Y%m%d")),
        ("modified", _("Date of last change"), version[:8] if version else ""),
        ("subject", _("Keywords"), str(dataset.subject)),
        ("format", _("Format"), "csv"),
        ("license", _("Licence"), opendata.LICENCE["url"]),
    ]  # fmt: skip
    if version:
        rows.append(
            (
                dataset.data_name(version),
                _("Data: current version"),
                _absolute(
                    request,
                    "opendata:data",
                    identifier=dataset.identifier,
                    version=version,
                    structure=structure,
                    fmt="csv",
                ),
            )
        )
    rows += [
        (
            f"structure-{structure}",
            _("Structure"),
            _absolute(
                request,
                "opendata:structure",
                identifier=dataset.identifier,
                structure=structure,
                fmt="csv",
            ),
        ),
        ("publishername", _("Person responsible"), publisher["name"]),
        ("publisherphone", _("Telephone of the person responsible"), publisher["phone"]),
        ("publishermbox", _("E-mail of the person responsible"), publisher["email"]),
        ("valid", _("Relevance date"), version[:8] if version else ""),
    ]
    return rows


def _csv_response(rows: list[list[str]], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([[opendata.safe_cell(str(cell)) for cell in row] for row in rows])
    return _download(HttpResponse(buffer.getvalue(), content_type=CSV_TYPE), filename)


def _json_response(data, filename: str) -> HttpResponse:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return _download(HttpResponse(text, content_type=JSON_TYPE), filename)


def _download(response, filename: str):
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@SHOWS_EVERYTHING
def index(request):
    datasets = [
        {
            "dataset": dataset,
            "url": reverse("opendata:dataset", kwargs={"identifier": dataset.identifier}),
        }
        for dataset in opendata.DATASETS
    ]
    return TemplateResponse(request, "opendata/index.html", {"datasets": datasets})


def _registry(request) -> list[list[str]]:
    rows = [["property", "title", "value", "format"]]
    rows.append(
        ["standardversion", _("Version of the methodical recommendations"),
         opendata.STANDARD_VERSION, ""]
    )  # fmt: skip
    for dataset in opendata.DATASETS:
        rows.append(
            [
                dataset.identifier,
                str(dataset.title),
                _absolute(request, "opendata:meta", identifier=dataset.identifier, fmt="csv"),
                "csv",
            ]
        )
    return rows


@require_safe
@SHOWS_EVERYTHING
def registry(request, fmt):
    rows = _registry(request)
    if fmt == "csv":
        return _csv_response(rows, "list.csv")
    header, *body = rows
    return _json_response([dict(zip(header, row, strict=True)) for row in body], "list.json")


@require_safe
@SHOWS_EVERYTHING
def dataset_page(request, identifier):
    dataset = _dataset_or_404(identifier)
    changed = dataset.last_change()
    version = dataset.version(changed)
    structure = dataset.structure_name()
    links = {
        "meta": {
            fmt: reverse("opendata:meta", kwargs={"identifier": identifier, "fmt": fmt})
            for fmt in ("csv", "json")
        },
        "structure": {
            fmt: reverse(
                "opendata:structure",
                kwargs={"identifier": identifier, "structure": structure, "fmt": fmt},
            )
            for fmt in ("csv", "json")
        },
        "data": {
            fmt: reverse(
                "opendata:data",
                kwargs={
                    "identifier": identifier,
                    "version": version,
                    "structure": structure,
                    "fmt": fmt,
                },
            )
            for fmt in ("csv", "json")
        }
        if version
        else {},
    }
    fields = [
        {"name": field.name, "description": str(field.description),
         "format": opendata.FORMATS[field.format]}
        for field in dataset.fields
    ]  # fmt: skip
    context = {
        "dataset": dataset,
        "passport": passport(request, dataset, changed),
        "version": version,
        "version_moment": changed,
        "structure_name": structure,
        "links": links,
        "fields": fields,
        "licence": opendata.LICENCE,
        "publisher": _publisher(),
    }
    return TemplateResponse(request, "opendata/dataset.html", context)


@require_safe
@SHOWS_EVERYTHING
def meta(request, identifier, fmt):
    dataset = _dataset_or_404(identifier)
    rows = [(prop, value) for prop, _title, value in passport(request, dataset)]
    if fmt == "csv":
        return _csv_response([["property", "value"], *rows], "meta.csv")
    return _json_response(dict(rows), "meta.json")


@require_safe
@SHOWS_EVERYTHING
def structure(request, identifier, structure, fmt):
    dataset = _dataset_or_404(identifier)
    if structure != dataset.structure_name():
        raise Http404
    rows = dataset.structure()
    filename = f"structure-{structure}.{fmt}"
    if fmt == "json":
        return _json_response(rows, filename)
    header = list(rows[0]) if rows else []
    return _csv_response([header, *[list(row.values()) for row in rows]], filename)


@require_safe
@SHOWS_EVERYTHING
def data(request, identifier, version, structure, fmt):
    dataset = _dataset_or_404(identifier)
    if structure != dataset.structure_name() or version != dataset.version():
        # Only the current version is kept: older ones are gone, not redirected.
        raise Http404
    context = opendata.Context(base_url=request.build_absolute_uri("/").rstrip("/"))
    if fmt == "csv":
        chunks, content_type = dataset.csv_rows(context), CSV_TYPE
    else:
        chunks, content_type = dataset.json_chunks(context), JSON_TYPE
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type=content_type
    )
    return _download(response, f"{dataset.data_name(version)}.{fmt}")


IDENTIFIER = r"(?P<identifier>[0-9a-z][0-9a-z-]{0,80})"
FORMAT = r"(?P<fmt>csv|json)"

app_name = "opendata"
urlpatterns = [
    re_path(r"^$", index, name="index"),
    re_path(rf"^list\.{FORMAT}$", registry, name="registry"),
    re_path(rf"^{IDENTIFIER}/$", dataset_page, name="dataset"),
    re_path(rf"^{IDENTIFIER}/meta\.{FORMAT}$", meta, name="meta"),
    re_path(
        rf"^{IDENTIFIER}/structure-(?P<structure>[0-9]{{8}})\.{FORMAT}$",
        structure,
        name="structure",
    ),
    re_path(
        rf"^{IDENTIFIER}/data-(?P<version>[0-9]{{8}}T[0-9]{{4}})"
        rf"-structure-(?P<structure>[0-9]{{8}})\.{FORMAT}$",
        data,
        name="data",
    ),
]
