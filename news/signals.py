"""Signals news sends for the rest of the site (the page cache listens: fcs_site/caching/)."""

from django.dispatch import Signal

# Sent by a page showing a list of articles: `kind` is "all", "rubric", "topic", "body",
# "session" or "person", `pk` the row the list is about (None for "all"); or a list of
# WCO sessions chosen by date (`kind` "sessions", as the front page shows them).
list_shown = Signal()
