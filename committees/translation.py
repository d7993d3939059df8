from modeltranslation.translator import TranslationOptions, register

from .models import Body, Delegation, Person, Session


@register(Body)
class BodyTranslationOptions(TranslationOptions):
    fields = ("name", "name_genitive", "abbreviation", "description")


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("venue", "summary")


@register(Person)
class PersonTranslationOptions(TranslationOptions):
    fields = (
        "given_name",
        "patronymic",
        "family_name",
        "name",
        "position",
        "organisation",
        "country",
    )


@register(Delegation)
class DelegationTranslationOptions(TranslationOptions):
    fields = ("member",)
