"""The editorial roles may work with photos: upload them, describe them in each language
(alt text, caption, credit) and put them in an article's gallery. 0006 left photos out, so
only superusers could, and an editor could not add the English alt text that publishing
the English version asks for."""

from django.db import migrations

from committees.roles import granting

AUTHOR = [
    "news.view_photo",
    "news.add_photo",
    "news.change_photo",
    "news.view_articlephoto",
    "news.add_articlephoto",
    "news.change_articlephoto",
    "news.delete_articlephoto",
]
EDITOR = [*AUTHOR]
# Deleting a photo takes it out of every article that shows it.
ADMINISTRATOR = [*EDITOR, "news.delete_photo"]
ROLES = {"Author": AUTHOR, "Editor": EDITOR, "Administrator": ADMINISTRATOR}


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0008_availability_tests_text_without_collating"),
        ("news", "0006_editorial_roles"),
    ]

    operations = [granting(ROLES)]
