"""Uploading press photos through the admin: what is accepted, refused, cleaned and made."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from news import services
from news.models import Photo, PhotoRendition
from tests import imagefiles
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/news/photo/add/"
STORED_NAME = re.compile(r"^photos/\d{4}/[0-9a-f]{32}\.(jpg|png|webp)$")


def stored_files(media_root):
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


def post_photo(client, content: bytes, name: str = "photo.jpg", language: str = "en", **fields):
    data = {
        "image": SimpleUploadedFile(name, content),
        "alt_ru": "Здание Всемирной таможенной организации в Брюсселе",
        "alt_en": "The World Customs Organization building in Brussels",
        "caption_ru": "Штаб-квартира ВТамО.",
        "caption_en": "WCO headquarters.",
        "credit_ru": "Пресс-служба ФТС России",
        "credit_en": "FCS of Russia press office",
        **fields,
    }
    return client.post(ADD_URL, data, HTTP_ACCEPT_LANGUAGE=language)


# Each hostile file is built here by the test itself, with the message the editor sees.
HOSTILE = {
    "decompression bomb 50 000 × 50 000": (
        lambda: imagefiles.png_of_size(50_000, 50_000),
        "bomb.png",
        "The image has more than 40 megapixels.",
        "На изображении больше 40 мегапикселей.",
    ),
    "45 megapixels (Pillow only warns)": (
        lambda: imagefiles.png_of_size(7_000, 6_500),
        "big.png",
        "The image has more than 40 megapixels.",
        "На изображении больше 40 мегапикселей.",
    ),
    "file over 10 MB": (
        lambda: imagefiles.oversized_jpeg(10 * 1024 * 1024),
        "huge.jpg",
        "The file is larger than 10 MB.",
        "Файл больше 10 МБ.",
    ),
    "SVG with a script": (
        lambda: imagefiles.SVG_WITH_SCRIPT,
        "logo.svg",
        "SVG drawings are not accepted",
        "Рисунки SVG не принимаются",
    ),
    "SVG renamed .jpg": (
        lambda: imagefiles.SVG_WITH_SCRIPT,
        "logo.jpg",
        "SVG drawings are not accepted",
        "Рисунки SVG не принимаются",
    ),
    "HTML renamed .jpg": (
        lambda: imagefiles.HTML_PAGE,
        "photo.jpg",
        "This file is not a JPEG, PNG or WebP image",
        "Этот файл — не изображение JPEG, PNG или WebP",
    ),
    "text renamed .jpg": (
        lambda: imagefiles.TEXT_FILE,
        "photo.jpg",
        "This file is not a JPEG, PNG or WebP image",
        "Этот файл — не изображение JPEG, PNG или WebP",
    ),
    "GIF": (
        lambda: imagefiles.photo_bytes(64, 48, "GIF"),
        "photo.gif",
        "This file is not a JPEG, PNG or WebP image",
        "Этот файл — не изображение JPEG, PNG или WebP",
    ),
    "PNG with HTML appended (polyglot)": (
        imagefiles.polyglot_png,
        "photo.png",
        "The file has extra data after the end of the image",
        "В файле после конца изображения есть лишние данные",
    ),
    "JPEG with HTML appended (polyglot)": (
        imagefiles.polyglot_jpeg,
        "photo.jpg",
        "The file has extra data after the end of the image",
        "В файле после конца изображения есть лишние данные",
    ),
    "truncated JPEG": (
        lambda: imagefiles.photo_bytes(640, 427)[:3000],
        "photo.jpg",
        "The image could not be read",
        "Изображение не удалось прочитать",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("language", ["en", "ru"])
def test_hostile_files_are_refused_on_the_form_and_nothing_is_stored(
    staff_client, media_root, case, language
):
    build, name, english, russian = HOSTILE[case]
    response = post_photo(staff_client, build(), name=name, language=language)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert (english if language == "en" else russian) in html
    assert not Photo.objects.exists()
    assert not PhotoRendition.objects.exists()
    assert stored_files(media_root) == []


def test_the_bomb_is_a_few_kilobytes_and_refused_from_its_header():
    bomb = imagefiles.png_of_size(50_000, 50_000)
    assert len(bomb) < 4096
    with pytest.raises(ValidationError) as caught:
        services.photo_create(file=SimpleUploadedFile("bomb.png", bomb), alt_en="x")
    assert caught.value.code == "too_many_pixels"


@pytest.mark.parametrize(("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_jpeg_png_and_webp_are_accepted_whatever_their_name(
    staff_client, media_root, fmt, extension
):
    content = imagefiles.photo_bytes(1000, 667, fmt)
    response = post_photo(staff_client, content, name="../../etc/Пресс релиз <1>.jpeg")
    assert response.status_code == 302, response.content.decode()[:2000]

    photo = Photo.objects.get()
    assert STORED_NAME.match(photo.image.name)
    assert photo.image.name.endswith(f".{extension}")
    assert "etc" not in photo.image.name and "Пресс" not in photo.image.name
    assert (photo.width, photo.height) == (1000, 667)
    assert photo.uploaded_by is not None
    with Image.open(media_root / photo.image.name) as stored:
        assert stored.format == fmt

    sizes = sorted((r.format, r.width) for r in photo.renditions.all())
    expected_formats = sorted({extension.replace("jpg", "jpeg"), "webp"})
    assert sizes == sorted((f, w) for f in expected_formats for w in (480, 800, 1000))
    for rendition in photo.renditions.all():
        with Image.open(media_root / rendition.file.name) as image:
            assert image.width == rendition.width
            assert image.height == rendition.height
            assert image.format == {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[rendition.format]


def test_gps_exif_and_xmp_are_removed_after_the_photo_is_turned_upright(media_root):
    original = imagefiles.jpeg_with_gps_and_rotation()
    with Image.open(io.BytesIO(original)) as before:
        assert before.size == (300, 200)
        assert before.getexif().get_ifd(0x8825)  # the GPS IFD is there to start with
    assert b"SN-0042-SECRET" in original and b"photographer-home-address" in original

    photo = services.photo_create(
        file=SimpleUploadedFile("IMG_0001.JPG", original), alt_en="A test picture"
    )

    stored_bytes = (media_root / photo.image.name).read_bytes()
    with Image.open(io.BytesIO(stored_bytes)) as stored:
        # Orientation 6 means "turn 90° clockwise": the 300 × 200 frame becomes 200 × 300,
        # and the red block of the top-left corner ends up in the top-right one.
        assert stored.size == (200, 300)
        assert (photo.width, photo.height) == (200, 300)
        red, green, blue = stored.convert("RGB").getpixel((190, 10))
        assert red > 180 and green < 80 and blue < 80
        assert len(stored.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(stored.info)
    for needle in (b"Exif", b"SN-0042-SECRET", b"ExampleCam", b"photographer-home-address"):
        assert needle not in stored_bytes
    for rendition in photo.renditions.all():
        data = (media_root / rendition.file.name).read_bytes()
        assert b"Exif" not in data and b"SN-0042-SECRET" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.height > image.width
            assert len(image.getexif()) == 0


def test_colours_are_converted_to_srgb_and_the_profile_dropped(media_root):
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = imagefiles.encoded(imagefiles.picture(200, 100), "PNG", icc_profile=srgb)
    assert lab  # Pillow's colour management is present
    photo = services.photo_create(file=SimpleUploadedFile("p.png", content), alt_en="x")
    with Image.open(media_root / photo.image.name) as stored:
        assert "icc_profile" not in stored.info
        assert stored.mode == "RGB"


def test_16_bit_greyscale_keeps_its_greys(media_root):
    """Pillow clips 16-bit greys to 8 bits instead of scaling them: a scan saved as a 16-bit
    PNG came out almost all white."""
    import struct

    width = 512
    row = b"".join(struct.pack("<H", round(x * 65535 / (width - 1))) for x in range(width))
    content = imagefiles.encoded(Image.frombytes("I;16", (width, 64), row * 64), "PNG")
    photo = services.photo_create(file=SimpleUploadedFile("scan.png", content), alt_en="x")
    with Image.open(media_root / photo.image.name) as stored:
        greys = [stored.getpixel((x, 10))[0] for x in (0, 128, 256, 384, 511)]
    assert greys == pytest.approx([0, 64, 128, 192, 255], abs=2)


def test_transparency_is_kept_in_png_and_webp(media_root):
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    content = imagefiles.encoded(image, "PNG")
    photo = services.photo_create(file=SimpleUploadedFile("logo.png", content), decorative=True)
    with Image.open(media_root / photo.image.name) as stored:
        assert stored.mode == "RGBA"
    webp = photo.renditions.get(format="webp", width=480)
    with Image.open(media_root / webp.file.name) as rendition:
        assert rendition.mode == "RGBA"


def test_renditions_never_upscale_and_cover_the_configured_widths(media_root):
    wide = PhotoFactory(size=(3000, 2000))
    assert sorted(wide.renditions.filter(format="jpeg").values_list("width", flat=True)) == [
        480,
        800,
        1200,
        1600,
    ]
    assert wide.renditions.get(format="jpeg", width=1600).height == 1067
    small = PhotoFactory(size=(300, 200))
    assert sorted(small.renditions.values_list("format", "width")) == [
        ("jpeg", 300),
        ("webp", 300),
    ]


def test_renditions_are_made_once_and_reused(media_root, monkeypatch):
    photo = PhotoFactory(size=(1300, 866))
    first = {
        r.pk: (r.file.name, (media_root / r.file.name).stat().st_mtime_ns)
        for r in photo.renditions.all()
    }
    assert len(first) == 8

    encoded = []
    monkeypatch.setattr(services.images, "encode", lambda *a: encoded.append(a) or b"")
    assert services.photo_make_renditions(photo=photo) == 0
    assert encoded == []
    again = {
        r.pk: (r.file.name, (media_root / r.file.name).stat().st_mtime_ns)
        for r in photo.renditions.all()
    }
    assert again == first


def test_saving_the_photo_again_in_the_admin_does_not_remake_renditions(staff_client, media_root):
    photo = PhotoFactory()
    before = sorted(photo.renditions.values_list("pk", "file"))
    response = staff_client.post(
        f"/admin/news/photo/{photo.pk}/change/",
        {
            "alt_ru": "Новый текст",
            "alt_en": "New text",
            "caption_ru": "",
            "caption_en": "",
            "credit_ru": "",
            "credit_en": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo.refresh_from_db()
    assert photo.alt_en == "New text"
    assert sorted(photo.renditions.values_list("pk", "file")) == before
    # The edit keeps a revision, as articles' edits do: the alt text can be traced back.
    from reversion.models import Version

    assert Version.objects.get_for_object(photo).get().field_dict["alt_en"] == "New text"


def test_replacing_the_file_remakes_renditions_and_deletes_the_old_files(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    photo = PhotoFactory(size=(640, 427))
    old_files = {photo.image.name, *photo.renditions.values_list("file", flat=True)}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/news/photo/{photo.pk}/change/",
            {
                "image": SimpleUploadedFile("new.png", imagefiles.photo_bytes(900, 600, "PNG")),
                "alt_ru": "Текст",
                "alt_en": "Text",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo.refresh_from_db()
    assert photo.image.name.endswith(".png") and (photo.width, photo.height) == (900, 600)
    assert sorted(photo.renditions.values_list("format", "width")) == [
        ("png", 480),
        ("png", 800),
        ("png", 900),
        ("webp", 480),
        ("webp", 800),
        ("webp", 900),
    ]
    assert not old_files & set(stored_files(media_root))
    assert len(stored_files(media_root)) == 7


def test_deleting_a_photo_deletes_its_files(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    photo = PhotoFactory()
    assert len(stored_files(media_root)) == 5
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/news/photo/{photo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_photo_an_article_shows_cannot_be_deleted(staff_client, media_root):
    from tests.factories import ArticleFactory

    photo = PhotoFactory()
    ArticleFactory(lead_photo=photo)
    response = staff_client.post(f"/admin/news/photo/{photo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert len(stored_files(media_root)) == 5


def test_photo_admin_lists_thumbnails_and_searches_alt_caption_and_credit(
    staff_client, django_assert_max_num_queries
):
    PhotoFactory(alt_en="Delegates at the Enforcement Committee", credit_en="Jane Roe")
    PhotoFactory(alt_en="Container terminal", caption_ru="Порт Усть-Луга")
    html = staff_client.get("/admin/news/photo/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('class="photo-thumbnail"') == 2
    assert "-480w.jpg" in html
    for query, expected in [("Enforcement", 1), ("Усть-Луга", 1), ("Roe", 1), ("nothing", 0)]:
        page = staff_client.get("/admin/news/photo/", {"q": query}).content.decode()
        assert page.count('class="photo-thumbnail"') == expected, query


def test_the_upload_field_asks_the_browser_for_images_only(staff_client):
    html = staff_client.get(ADD_URL).content.decode()
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert 'name="alt_ru"' in html and 'name="alt_en"' in html


def test_photo_renditions_command_fills_gaps_and_follows_new_widths(settings, media_root):
    from django.core.management import call_command

    photo = PhotoFactory(size=(1000, 667))
    photo.renditions.filter(width=480).delete()
    out = io.StringIO()
    call_command("photo_renditions", stdout=out)
    assert out.getvalue().strip() == "2 renditions made for 1 photos."
    assert photo.renditions.count() == 6

    settings.FCS_PHOTO_WIDTHS = (320, 640)
    call_command("photo_renditions", stdout=io.StringIO())
    assert sorted(photo.renditions.values_list("format", "width")) == [
        ("jpeg", 320),
        ("jpeg", 640),
        ("webp", 320),
        ("webp", 640),
    ]
    assert len(stored_files(media_root)) == 5
    call_command("photo_renditions", stdout=out)
    assert out.getvalue().strip().endswith("0 renditions made for 0 photos.")


def test_photos_offer_no_revert_or_recovery_whose_files_are_gone(staff_client, media_root):
    """A deleted or replaced photo's files are deleted: the admin offers no way to bring the
    row back (it failed with a server error), only the record of each edit."""
    from django.urls import NoReverseMatch, reverse

    photo = PhotoFactory()
    for name, args in (("recoverlist", []), ("recover", [1]), ("revision", [photo.pk, 1])):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:news_photo_{name}", args=args)
    assert staff_client.get(f"/admin/news/photo/{photo.pk}/history/").status_code == 200
