from django.utils import timezone

from .models import Removal


def removals_record(*, deleted: dict[str, int]) -> None:
    """Note the time of a deletion for every model that lost rows in it: `deleted` is what
    `Model.delete()` and `QuerySet.delete()` return per model label ({"news.Article": 1})."""
    now = timezone.now()
    for label, count in deleted.items():
        if count:
            Removal.objects.update_or_create(model=label.lower(), defaults={"removed_at": now})
