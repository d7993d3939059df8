"""The site's caching, all in one place (README, "Caching").

- `recording`: what a page shows (its rows, noted as they are loaded, and its lists);
- `tags`: a version per tag in the shared cache;
- `invalidation`: which tags each change bumps, from the signals the apps send;
- `scheduled`: articles coming due without a cron job;
- `middleware`: the page cache, and the `Surrogate-Key` header for a proxy;
- `purge`: purges for Varnish (deploy/varnish/);
- `lists`: the numbering of long news lists, kept per list version.

`news` and `committees` import nothing from here.
"""


def connect() -> None:
    """Listen to the apps' signals (called once, from the project's AppConfig.ready)."""
    from news.pagination import AnchoredPaginator
    from news.signals import list_shown

    from . import invalidation
    from .lists import TaggedNumbering

    invalidation.connect()
    list_shown.connect(_list_shown, dispatch_uid="fcs-caching")
    AnchoredPaginator.numbering = TaggedNumbering()


def _list_shown(sender, kind, pk=None, **kwargs) -> None:
    from .invalidation import COMMITTEES, list_tag
    from .recording import record

    # A list of sessions moves with any change to the registry, as its own pages do.
    record(COMMITTEES if kind == "sessions" else list_tag(kind, pk))


def forget_everything() -> None:
    """Make every cached page and list numbering stale (after a bulk load that sent no
    signals, or a release that changes what every page shows): `manage.py cache_purge`."""
    from .invalidation import SITE, changed

    changed({SITE})
