from django.db.models import Q, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from . import calendar
from .columns import (
    LINKED_BODY_FIELDS,
    PERSON_LINK_FIELDS,
    SESSION_LIST_FIELDS,
    columns,
    narrow,
    relation_exists,
)
from .models import (
    Body,
    Delegation,
    Person,
    Session,
    Term,
    filled_in,
)
from .tree import reporting_tree

# PostgreSQL's integer: a larger session number in an address cannot exist.
MAX_NUMBER = 2**31 - 1


def person_available(language: str):
    return filled_in([f"person__{field}" for field in Person.REQUIRED_TRANSLATED_FIELDS], language)


class AvailableObjectMixin:
    """Shows an object in the page's language only; elsewhere a 404 pointing to the other.

    A request for the right object at a non-canonical address (stale slug, second number
    of a session) is redirected permanently to the canonical one.
    """

    unavailable_template = "committees/unavailable.html"

    def page_data(self, obj, language: str) -> dict:
        """What the page shows besides the object, read only once it is known to be shown.
        Nothing that depends on the date (get_context_data adds that)."""
        return {}

    def refusal(self, obj):
        """A response that stands for the page whatever the language (None: the page)."""
        return None

    def get(self, request, *args, **kwargs):
        language = get_language()
        self.object = self.get_object()
        refused = self.refusal(self.object)
        if refused is not None:
            return refused
        alternates = {
            code: self.object.get_absolute_url(code) for code in self.object.available_languages()
        }
        if language not in alternates:
            return TemplateResponse(
                request,
                self.unavailable_template,
                {
                    "object": self.object,
                    self.get_context_object_name(self.object): self.object,
                    "alternates": alternates,
                },
                status=404,
            )
        canonical = alternates[language]
        if request.path != canonical:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{canonical}?{query}" if query else canonical)
        data = self.page_data(self.object, language)
        context = self.get_context_data(object=self.object, alternates=alternates, **data)
        return self.render_to_response(context)


class BodyListView(ListView):
    template_name = "committees/body_list.html"
    context_object_name = "bodies"

    def get_queryset(self):
        return Body.objects.available_in(get_language())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = Body.reports_to.through.objects.values_list("from_body_id", "to_body_id")
        context["tree"] = reporting_tree(list(context["bodies"]), list(links))
        return context


# What the committees pages show of each row, and nothing else: the search columns
# (kilobytes a row) and every translation left unread make queries cheaper to compile and
# to load. A linked body needs its name (in each language, for is_available_in) and slug.
BODY_PAGE_FIELDS = (
    "name",
    "name_genitive",
    "abbreviation",
    "description",
    "slug",
    "classification",
    "established_on",
    "established_precision",
    "dissolved_on",
    "dissolved_precision",
)
SESSION_PAGE_FIELDS = (*SESSION_LIST_FIELDS, "summary", "report_approved_at")
# A term's session of election, for its link and short title.
ELECTION_FIELDS = ("body", "parent", "number", "second_number")
TERM_ROW_FIELDS = ("start_date", "end_date", "acting", "person", "post__role")


def by_role(terms) -> list:
    """`terms` (each with its post) in the posts' order, keeping their order within a post."""
    return sorted(terms, key=lambda term: term.post.rank)


class BodyDetailView(AvailableObjectMixin, DetailView):
    model = Body
    template_name = "committees/body_detail.html"
    context_object_name = "body"

    def get_queryset(self):
        return narrow(Body.objects.all(), *columns(Body, BODY_PAGE_FIELDS))

    def page_data(self, body, language):
        context = {}

        links = narrow(
            Body.reports_to.through.objects.filter(
                Q(from_body=body) | Q(to_body=body)
            ).select_related("from_body", "to_body"),
            "from_body",
            "to_body",
            *columns(Body, LINKED_BODY_FIELDS, "from_body"),
            *columns(Body, LINKED_BODY_FIELDS, "to_body"),
        ).order_by("pk")
        links = [(link.from_body, link.to_body) for link in links]
        context["reports_to"] = [
            parent
            for child, parent in links
            if child.pk == body.pk and parent.is_available_in(language)
        ]
        context["subordinates"] = [
            child
            for child, parent in links
            if parent.pk == body.pk and child.is_available_in(language)
        ]

        terms = by_role(
            narrow(
                Term.objects.filter(post__body=body)
                .filter(person_available(language))
                .select_related("person", "post", "elected_at")
                .order_by("-start_date", "pk"),
                *TERM_ROW_FIELDS,
                *columns(Person, PERSON_LINK_FIELDS, "person"),
                "elected_at",
                *columns(Session, ELECTION_FIELDS, "elected_at"),
            )
        )
        # An election is held by the post's body (Term.clean): that is this page's body.
        # A row written otherwise has its session's body loaded in one more query.
        elected_at = [term.elected_at for term in terms if term.elected_at_id]
        if any(session.body_id != body.pk for session in elected_at):
            prefetch_related_objects(elected_at, "body")
        else:
            for session in elected_at:
                session.body = body
        context["terms"] = terms

        # The body's own sessions: their body is this page's.
        sessions = list(
            narrow(
                Session.objects.filter(body=body).numbered().order_by("start_date"),
                *columns(Session, SESSION_LIST_FIELDS),
            )
        )
        for session in sessions:
            session.body = body
        context["sessions"] = sessions
        return context

    def get_context_data(self, **kwargs):
        """The terms and sessions kept with the body, split by today's date."""
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        terms, sessions = context.pop("terms"), context.pop("sessions")
        context["current_terms"] = [t for t in terms if t.is_current(today)]
        context["past_terms"] = [t for t in terms if t.end_date and t.end_date <= today]
        context["future_terms"] = [t for t in terms if t.start_date > today]
        context["upcoming_sessions"] = [s for s in sessions if s.end_date >= today]
        context["past_sessions"] = [s for s in reversed(sessions) if s.end_date < today]
        context["today"] = today
        return context


class SessionDetailView(AvailableObjectMixin, DetailView):
    template_name = "committees/session_detail.html"
    context_object_name = "session"

    # The lists the page shows besides the row (reverse relations of Session).
    RELATIONS = ("phases", "reports_approved", "elections", "delegations")

    def get_object(self, queryset=None):
        number = self.kwargs["number"]
        if number > MAX_NUMBER:
            raise Http404
        session = narrow(
            Session.objects.numbered()
            .filter(body__slug=self.kwargs["slug"])
            .with_number(number)
            .select_related("body", "report_approved_at__body"),
            *columns(Session, SESSION_PAGE_FIELDS),
            *columns(Body, LINKED_BODY_FIELDS, "body"),
            *columns(Session, SESSION_LIST_FIELDS, "report_approved_at"),
            *columns(Body, LINKED_BODY_FIELDS, "report_approved_at__body"),
        )
        # Which of the lists below have rows: most sessions have no phases, approve no
        # reports and elect no one, and those lists are then not read.
        session = session.annotate(
            **{f"has_{name}": relation_exists(Session, name) for name in self.RELATIONS}
        ).first()
        if session is None:
            raise Http404
        return session

    def page_data(self, session, language):
        # The session's full name shows in the title, the heading, the descriptions and the
        # JSON-LD: written once.
        context = {"session_title": session.title()}
        related = []
        if getattr(session, "has_phases", True) or getattr(session, "has_reports_approved", True):
            related = narrow(
                Session.objects.filter(Q(parent=session) | Q(report_approved_at=session))
                .select_related("body")
                .order_by("start_date", "number", "pk"),
                *columns(Session, SESSION_LIST_FIELDS),
                *columns(Body, LINKED_BODY_FIELDS, "body"),
            )
        phases = []
        approved = []
        for other in related:
            if other.parent_id == session.pk:
                other.parent = session
                phases.append(other)
            elif other.body.is_available_in(language):
                approved.append(other)
        context["phases"] = [
            (phase, phase.phase_title(position)) for position, phase in enumerate(phases, 1)
        ]
        context["reports_approved"] = approved
        approved_at = session.report_approved_at
        context["report_approved_at"] = (
            approved_at if approved_at and approved_at.body.is_available_in(language) else None
        )
        context["elected"] = []
        if getattr(session, "has_elections", True):
            context["elected"] = by_role(
                narrow(
                    Term.objects.filter(elected_at=session)
                    .filter(person_available(language))
                    .select_related("person", "post")
                    .order_by("start_date", "pk"),
                    *TERM_ROW_FIELDS,
                    *columns(Person, PERSON_LINK_FIELDS, "person"),
                )
            )
        context["delegations"] = []
        if getattr(session, "has_delegations", True):
            context["delegations"] = list(
                narrow(
                    Delegation.objects.filter(session=session)
                    .available_in(language)
                    .select_related("person")
                    .order_by(f"member_{language}", "role", f"person__name_{language}", "pk"),
                    *columns(Delegation, ("member", "role", "person")),
                    *columns(Person, (*PERSON_LINK_FIELDS, "position"), "person"),
                )
            )
        return context


class PersonDetailView(AvailableObjectMixin, DetailView):
    model = Person
    template_name = "committees/person_detail.html"
    context_object_name = "person"

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except (Person.DoesNotExist, ValueError, OverflowError) as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        language = get_language()
        body_available = filled_in(
            [f"post__body__{field}" for field in Body.REQUIRED_TRANSLATED_FIELDS], language
        )
        context["terms"] = (
            person.terms.filter(body_available)
            .select_related("post__body", "elected_at__body")
            .order_by("-start_date", "pk")
        )
        context["delegations"] = (
            person.delegations.filter(
                filled_in(
                    [f"session__body__{field}" for field in Body.REQUIRED_TRANSLATED_FIELDS],
                    language,
                )
            )
            .select_related("session__body", "session__parent__body")
            .order_by("-session__start_date", "pk")
        )
        context["today"] = timezone.localdate()
        return context


def _calendar_response(sessions, name: str, request) -> HttpResponse:
    response = HttpResponse(
        calendar.sessions_calendar(sessions, name=name, request=request),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    return response


@require_safe
def sessions_calendar(request):
    sessions = (
        Session.objects.available_in(get_language())
        .select_related("body", "parent__body")
        .order_by("start_date", "pk")
    )
    return _calendar_response(sessions, gettext("Sessions of the WCO bodies"), request)


@require_safe
def body_sessions_calendar(request, slug):
    body = get_object_or_404(Body.objects.available_in(get_language()), slug=slug)
    sessions = (
        Session.objects.filter(body=body)
        .select_related("body", "parent__body")
        .order_by("start_date", "pk")
    )
    return _calendar_response(
        sessions, gettext("Sessions of the WCO %(body)s") % {"body": body.genitive}, request
    )
