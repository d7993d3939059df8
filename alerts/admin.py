"""Subscribers are personal data: only users with `alerts.view_subscriber_data` (the
"Subscriber data" role) see them at all, whatever else they may do in the admin. Mailings
(per article and language: sent to N, failed M) show no address and are for editors."""

import csv

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Mailing, Subscriber, Subscription

DATA_PERMISSION = "alerts.view_subscriber_data"
# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading quote before a formula start."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return f"'{text}"
    return text


class _Echo:
    def write(self, value):
        return value


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def subscribers_csv_rows(queryset):
    yield [
        "email",
        "language",
        "created_at",
        "confirmed_at",
        "consent_at",
        "suspended_at",
        "bounce_count",
        "subscriptions",
    ]
    queryset = queryset.prefetch_related(
        "subscriptions__rubric", "subscriptions__topic", "subscriptions__body"
    )
    for subscriber in queryset.iterator(chunk_size=2000):
        yield [
            subscriber.email,
            subscriber.language,
            _moment(subscriber.created_at),
            _moment(subscriber.confirmed_at),
            _moment(subscriber.consent_at),
            _moment(subscriber.suspended_at),
            subscriber.bounce_count,
            "; ".join(str(s) for s in subscriber.subscriptions.all()),
        ]


class PersonalDataAdmin(admin.ModelAdmin):
    """Nothing of it is shown, not even its name in the index, without the data permission."""

    def _may(self, request) -> bool:
        return request.user.has_perm(DATA_PERMISSION)

    def has_module_permission(self, request):
        return self._may(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return self._may(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request) and super().has_delete_permission(request, obj)


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["kind", "rubric", "topic", "body", "frequency", "created_at"]
    readonly_fields = ["kind", "rubric", "topic", "body", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(DATA_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(DATA_PERMISSION) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(DATA_PERMISSION) and super().has_delete_permission(
            request, obj
        )


@admin.register(Subscriber)
class SubscriberAdmin(PersonalDataAdmin):
    list_display = [
        "email",
        "language",
        "confirmed_at",
        "subscription_count",
        "bounce_count",
        "suspended_at",
    ]
    list_filter = ["language", ("confirmed_at", admin.EmptyFieldListFilter), "suspended_at"]
    search_fields = ["email"]
    readonly_fields = [
        "email",
        "language",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "consent_at",
        "bounce_count",
    ]
    fields = [*readonly_fields, "suspended_at"]
    inlines = [SubscriptionInline]
    actions = ["export_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subscription_total=Count("subscriptions"))

    @admin.display(description=_("subscriptions"), ordering="subscription_total")
    def subscription_count(self, subscriber):
        return subscriber.subscription_total

    @admin.action(description=_("Export the selected subscribers as CSV"))
    def export_csv(self, request, queryset):
        writer = csv.writer(_Echo())
        rows = (
            writer.writerow([safe_cell(cell) for cell in row])
            for row in subscribers_csv_rows(queryset.order_by("pk"))
        )
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.csv"'
        return response


def _deliveries(status: str):
    counted = (
        Delivery.objects.filter(
            article=OuterRef("article"),
            language=OuterRef("language"),
            edition=OuterRef("edition"),
            status=status,
        )
        .order_by()
        .values("article")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = [
        "article",
        "language",
        "edition",
        "due_at",
        "sent_count",
        "failed_count",
        "waiting_count",
        "finished_at",
    ]
    list_filter = ["language", ("finished_at", admin.EmptyFieldListFilter)]
    search_fields = ["article__title_ru", "article__title_en", "article__pk"]
    list_select_related = ["article"]
    fields = [
        "article",
        "language",
        "edition",
        "update_at",
        "due_at",
        "listed_at",
        "touched_at",
        "finished_at",
        "sent_count",
        "failed_count",
        "waiting_count",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent=_deliveries(Delivery.Status.SENT),
                failed=_deliveries(Delivery.Status.FAILED),
                waiting=_deliveries(Delivery.Status.PENDING),
            )
        )

    @admin.display(description=_("sent to"), ordering="sent")
    def sent_count(self, mailing):
        return mailing.sent

    @admin.display(description=_("failed"), ordering="failed")
    def failed_count(self, mailing):
        return mailing.failed

    @admin.display(description=_("waiting"), ordering="waiting")
    def waiting_count(self, mailing):
        return mailing.waiting

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A mailing goes with its article: whoever may delete articles may delete it.
        return request.user.has_perm("news.delete_article")
