import datetime
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from committees.models import Body, Delegation, Person, Post, Precision, Session, Term
from fcs_site.models import PressContacts
from news import services
from news.models import Article, ArticlePhoto, Photo, Rubric, Topic
from tests import imagefiles


class PressContactsFactory(factory.django.DjangoModelFactory):
    """The press service's contacts: one row per site (a unique constraint)."""

    class Meta:
        model = PressContacts

    name_ru = "Пресс-служба ФТС России"
    name_en = "FCS of Russia press service"
    address_ru = "Новозаводская ул., 11/5, Москва"
    address_en = "11/5 Novozavodskaya St, Moscow"
    phones = "+7 (495) 449-72-33"
    email = "press@customs.example"


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
    withdrawn_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Article.Status.WITHDRAWN else None
    )

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


# committees ------------------------------------------------------------------------------


class BodyFactory(factory.django.DjangoModelFactory):
    """A committee with names in both languages, established in 1983."""

    class Meta:
        model = Body
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"body-{n}")
    name_ru = factory.Sequence(lambda n: f"Комитет номер {n}")
    name_genitive_ru = factory.Sequence(lambda n: f"Комитета номер {n}")
    name_en = factory.Sequence(lambda n: f"Committee number {n}")
    classification = Body.Classification.COMMITTEE
    established_on = datetime.date(1983, 1, 1)
    established_precision = Precision.YEAR

    @factory.post_generation
    def reports_to(self, create, extracted, **kwargs):
        if create and extracted:
            self.reports_to.set(extracted)

    class Params:
        russian_only = factory.Trait(name_en="", name_genitive_en="")
        english_only = factory.Trait(name_ru="", name_genitive_ru="")


class SessionFactory(factory.django.DjangoModelFactory):
    """A numbered, held session of five days."""

    class Meta:
        model = Session

    body = factory.SubFactory(BodyFactory)
    number = factory.Sequence(lambda n: n + 1)
    start_date = factory.Sequence(lambda n: datetime.date(2000, 3, 1) + timedelta(days=30 * n))
    end_date = factory.LazyAttribute(lambda s: s.start_date + timedelta(days=4))
    format = Session.Format.IN_PERSON
    venue_ru = "Брюссель"
    venue_en = "Brussels"
    status = Session.Status.HELD


class PhaseFactory(SessionFactory):
    parent = factory.SubFactory(SessionFactory)
    body = factory.LazyAttribute(lambda s: s.parent.body)
    number = None
    start_date = factory.LazyAttribute(lambda s: s.parent.start_date)
    end_date = factory.LazyAttribute(lambda s: s.parent.start_date)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name_ru = "Иван"
    given_name_en = "Ivan"
    family_name_ru = factory.Sequence(lambda n: f"Петров-{n}")
    family_name_en = factory.Sequence(lambda n: f"Petrov-{n}")
    name_ru = factory.Sequence(lambda n: f"Иван Петров-{n}")
    name_en = factory.Sequence(lambda n: f"Ivan Petrov-{n}")
    position_ru = "начальник отдела"
    position_en = "Head of Division"
    country_ru = "Россия"
    country_en = "Russia"

    class Params:
        russian_only = factory.Trait(
            name_en="", given_name_en="", family_name_en="", position_en="", country_en=""
        )


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        django_get_or_create = ("body", "role")

    body = factory.SubFactory(BodyFactory)
    role = Post.Role.CHAIR
    max_holders = 1


class TermFactory(factory.django.DjangoModelFactory):
    """A term saved without clean(): tests of the rules call full_clean() themselves."""

    class Meta:
        model = Term

    person = factory.SubFactory(PersonFactory)
    post = factory.SubFactory(PostFactory)
    start_date = datetime.date(2021, 3, 26)
    end_date = None


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    member_ru = "Российская Федерация"
    member_en = "Russian Federation"
    role = Delegation.Role.MEMBER


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; `role` puts them in one of the editorial groups (Author, Editor,
    Administrator) made by the news.0006_editorial_roles migration."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = "Member"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(role_group(extracted))
        if create:
            self.save()


# The migrations that give the editorial groups their permissions.
ROLE_MIGRATIONS = [
    "news.migrations.0006_editorial_roles",
    "news.migrations.0009_photo_permissions_for_roles",
    "committees.migrations.0005_registry_permissions_for_roles",
]


def role_group(name: str):
    """The role's group, as its migration made it; made again if a transactional test's
    flush removed it (the flush keeps permissions, not groups)."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name=name).first()
    if group is None:
        group = Group.objects.create(name=name)
        codes = [
            code
            for module in ROLE_MIGRATIONS
            for code in importlib.import_module(module).ROLES.get(name, [])
        ]
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group
