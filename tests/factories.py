from datetime import timedelta

import factory
from django.utils import timezone

from news.models import Article, Rubric, Topic


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


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; `role` puts them in one of the editorial groups (Author, Editor,
    Administrator) made by the news.0003_editorial_roles migration."""

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


def role_group(name: str):
    """The role's group, as its migration made it; made again if a transactional test's
    flush removed it (the flush keeps permissions, not groups)."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name=name).first()
    if group is None:
        roles = importlib.import_module("news.migrations.0003_editorial_roles").ROLES
        group = Group.objects.create(name=name)
        for code in roles[name]:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group
