"""{% load contacts_tags %}{% press_contacts as contacts %}: the press service's contacts."""

from django import template

from fcs_site.models import PressContacts

register = template.Library()


@register.simple_tag
def press_contacts() -> PressContacts | None:
    """The one row of contacts, or None before an editor has entered them (one query)."""
    return PressContacts.objects.first()
