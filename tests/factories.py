from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from news import services
from news.models import Article, ArticlePhoto, Photo, Rubric, Topic
from tests import imagefiles


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    slug = factory.Sequence(lambda n: f"rubric-{n}")
    name_ru = factory.Sequence(lambda n: f"Рубрика {n}")
    name_en = factory.Sequence(lambda n: f"Rubric {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_ru = factory.Sequence(lambda n: f"Тема {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article in both languages, dated an hour ago."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title_ru = factory.Sequence(lambda n: f"Новость номер {n}")
    title_en = factory.Sequence(lambda n: f"News item number {n}")
    lead_ru = "Краткое изложение."
    lead_en = "A short summary."
    body_ru = "<p>Текст новости.</p>"
    body_en = "<p>The text of the news.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    kind = Article.Kind.NEWS

    class Params:
        russian_only = factory.Trait(title_en="", lead_en="", body_en="", slug_en="")
        english_only = factory.Trait(title_ru="", lead_ru="", body_ru="", slug_ru="")
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
        )


class PhotoFactory(factory.django.DjangoModelFactory):
    """A photo uploaded the way the admin does it: cleaned, stored, renditions made."""

    class Meta:
        model = Photo

    class Params:
        size = (640, 427)
        image_format = "JPEG"

    image = factory.LazyAttribute(
        lambda o: SimpleUploadedFile(
            f"upload.{o.image_format.lower()}",
            imagefiles.photo_bytes(*o.size, fmt=o.image_format),
        )
    )
    alt_ru = factory.Sequence(lambda n: f"Здание таможни, снимок {n}")
    alt_en = factory.Sequence(lambda n: f"The customs building, picture {n}")
    caption_ru = "Подпись к снимку."
    caption_en = "A caption for the picture."
    credit_ru = "Пресс-служба"
    credit_en = "Press office"

    @classmethod
    def _create(cls, model_class, *args, image=None, **kwargs):
        return services.photo_create(file=image, **kwargs)


class ArticlePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticlePhoto

    article = factory.SubFactory(ArticleFactory)
    photo = factory.SubFactory(PhotoFactory)
    position = factory.Sequence(lambda n: n)
