"""The demo articles' photos: flat illustrations drawn at load time (news/illustrations.py).

Each photo is stored under a fixed name (`photos/demo/<key>.jpg`), which is how a second
load finds it: nothing is drawn or written again while the row, its file and its
renditions are all there. The alternative text says what the picture shows and that it is
an illustration, in both languages; renditions are made as for an upload.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile

from . import illustrations, images, services
from .models import Photo

CREDIT_RU = "пресс-служба ФТС России (иллюстрация)"
CREDIT_EN = "FCS of Russia press service (illustration)"

# What each motif shows, for people who cannot see it (ru, en).
ALT = {
    "meeting": (
        "Иллюстрация: длинный стол для заседаний со стульями по обе стороны и экраном на "
        "стене зала.",
        "Illustration: a long conference table with chairs on both sides and a screen on the "
        "wall of a meeting room.",
    ),
    "videoconference": (
        "Иллюстрация: большой экран, разделённый на двенадцать окон видеосвязи с участником в "
        "каждом, над столом с ноутбуком и микрофоном.",
        "Illustration: a large screen split into twelve video windows, one participant in "
        "each, above a desk with a laptop and a microphone.",
    ),
    "flags": (
        "Иллюстрация: ряд флагштоков с полосатыми флагами разных цветов за трибуной.",
        "Illustration: a row of flagpoles with striped flags in different colours behind a "
        "lectern.",
    ),
    "round-table": (
        "Иллюстрация: круглый стол, вид сверху; вокруг него стулья, у каждого места бумаги.",
        "Illustration: a round table seen from above, with chairs around it and papers at "
        "every seat.",
    ),
    "containers": (
        "Иллюстрация: штабели морских контейнеров на причале, портальный кран и море.",
        "Illustration: stacks of shipping containers on a quay, a gantry crane and the sea "
        "behind them.",
    ),
    "document": (
        "Иллюстрация: документ с заголовком, строками текста, подписью и круглой печатью, "
        "рядом на столе ручка.",
        "Illustration: a document with a heading, lines of text, a signature and a round "
        "seal, and a pen beside it on the desk.",
    ),
    "building": (
        "Иллюстрация: здание с колоннами и ступенями, на крыше флаг России.",
        "Illustration: a building with columns and steps, the flag of Russia on its roof.",
    ),
}


@dataclass(frozen=True)
class DemoPhoto:
    key: str
    motif: str
    caption_ru: str
    caption_en: str

    @property
    def name(self) -> str:
        return f"photos/demo/{self.key}.jpg"

    def values(self, width: int, height: int) -> dict:
        alt_ru, alt_en = ALT[self.motif]
        return {
            "alt_ru": alt_ru,
            "alt_en": alt_en,
            "caption_ru": self.caption_ru,
            "caption_en": self.caption_en,
            "credit_ru": CREDIT_RU,
            "credit_en": CREDIT_EN,
            "decorative": False,
            "width": width,
            "height": height,
        }


# The size of the demo photos; tests may make them smaller (see tests/conftest.py).
SIZE = (1600, 900)
# The pictures drawn in this process, by key and size: tests load the demo many times.
_drawn: dict[tuple[str, tuple[int, int]], bytes] = {}


def _draw(photo: DemoPhoto, size: tuple[int, int]) -> bytes:
    cache_key = (photo.key, size)
    if cache_key not in _drawn:
        picture = illustrations.illustration(photo.motif, photo.key, *size)
        _drawn[cache_key] = images.encode(picture, "jpeg")
    return _drawn[cache_key]


def ensure(photo: DemoPhoto, upsert) -> tuple[Photo, bool]:
    """The photo's row, file and renditions, made where missing; True when anything was
    written."""
    width, height = SIZE
    storage = Photo._meta.get_field("image").storage
    redrawn = not storage.exists(photo.name)
    if redrawn:
        saved = storage.save(photo.name, ContentFile(_draw(photo, SIZE)))
        if saved != photo.name:
            raise RuntimeError(f"The demo photo {photo.name} was stored as {saved}.")
    row, changed = upsert(Photo, {"image": photo.name}, photo.values(width, height))
    written = redrawn or changed
    # Renditions of a redrawn file, or whose file is gone, are made again.
    for rendition in row.renditions.all():
        if redrawn or not storage.exists(rendition.file.name):
            storage.delete(rendition.file.name)
            rendition.delete()
            written = True
    written |= bool(services.photo_make_renditions(photo=row))
    return row, written
