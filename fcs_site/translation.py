from modeltranslation.translator import TranslationOptions, register

from .models import PressContacts


@register(PressContacts)
class PressContactsTranslationOptions(TranslationOptions):
    fields = ("name", "address", "hours", "accreditation")
    required_languages = ("ru",)
