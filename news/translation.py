from modeltranslation.translator import TranslationOptions, register

from .models import Article, Photo, Rubric, Topic


@register(Rubric)
class RubricTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ru",)


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ru",)


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "slug", "lead", "body", "note")
    fields += ("withdrawal_reason", "update_note", "text_changed_at")


@register(Photo)
class PhotoTranslationOptions(TranslationOptions):
    fields = ("alt", "caption", "credit")
