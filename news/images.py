"""Press photos with Pillow: what an upload may be, how it is cleaned, how renditions are made.

Nothing here touches the database or a file system: functions take and return bytes and
Pillow images, so where files live (local disk now, an object store later) stays behind
Django's storage API in `news.services`.
"""

import io
import secrets
import struct
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

# Pillow warns past this many pixels and refuses to open twice as many; uploads are refused
# past it by `clean_upload` below, before a single pixel is decoded.
Image.MAX_IMAGE_PIXELS = settings.FCS_PHOTO_MAX_PIXELS

# Pillow format name -> (our format code, file extension, MIME type).
# Pillow reports a JPEG that carries extra frames (an MPF gain map, a stereo pair) as MPO.
ACCEPTED_FORMATS = {
    "JPEG": ("jpeg", "jpg", "image/jpeg"),
    "MPO": ("jpeg", "jpg", "image/jpeg"),
    "PNG": ("png", "png", "image/png"),
    "WEBP": ("webp", "webp", "image/webp"),
}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
ENCODER_OPTIONS = {
    "jpeg": {"quality": 85, "optimize": True, "progressive": True},
    "png": {"optimize": False, "compress_level": 6},
    "webp": {"quality": 80, "method": 4},
}

MESSAGES = {
    "too_large": _(
        "The file is larger than %(megabytes)s MB. "
        "Export the photo again at a smaller size or with more compression."
    ),
    "too_many_pixels": _(
        "The image has more than %(megapixels)s megapixels. "
        "Reduce its dimensions and upload it again."
    ),
    "svg": _(
        "SVG drawings are not accepted, because they can carry scripts. "
        "Upload the picture as JPEG, PNG or WebP."
    ),
    "not_an_image": _(
        "This file is not a JPEG, PNG or WebP image, whatever its name says. "
        "Upload a photo in one of these formats."
    ),
    "trailing_data": _(
        "The file has extra data after the end of the image (for example a hidden document "
        "or a video). Save the photo again as a plain JPEG, PNG or WebP and upload that."
    ),
    "damaged": _(
        "The image could not be read: the file is damaged or incomplete. "
        "Save it again and upload the new file."
    ),
}


def _error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


@dataclass(frozen=True)
class CleanedImage:
    """An upload that passed every check, re-encoded without its metadata."""

    file: ContentFile
    format: str
    width: int
    height: int


def clean_upload(upload) -> CleanedImage:
    """Check an uploaded file and return it re-encoded, or raise ValidationError.

    Accepted: JPEG, PNG and WebP recognised by decoding (the name is ignored), at most
    FCS_PHOTO_MAX_BYTES and FCS_PHOTO_MAX_PIXELS (read from the header before decoding),
    with nothing after the end of the image. The result has the EXIF orientation applied,
    colours converted to sRGB, and no EXIF, GPS, XMP, ICC or text metadata.
    """
    limit = settings.FCS_PHOTO_MAX_BYTES
    megabytes = f"{limit / 1024 / 1024:g}"
    if (getattr(upload, "size", None) or 0) > limit:
        raise _error("too_large", megabytes=megabytes)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _error("too_large", megabytes=megabytes)

    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in head):
        raise _error("svg")

    try:
        with Image.open(io.BytesIO(data)) as probe:
            pillow_format = probe.format
            width, height = probe.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _error("too_many_pixels", megapixels=_megapixels()) from None
    except Exception:
        raise _error("not_an_image") from None
    if pillow_format not in ACCEPTED_FORMATS:
        raise _error("not_an_image")
    if width * height > settings.FCS_PHOTO_MAX_PIXELS:
        raise _error("too_many_pixels", megapixels=_megapixels())
    if has_trailing_data(data, pillow_format):
        raise _error("trailing_data")

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            fmt = ACCEPTED_FORMATS[pillow_format][0]
            cleaned = _clean_pixels(image, fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _error("too_many_pixels", megapixels=_megapixels()) from None
    except Exception:
        raise _error("damaged") from None

    content = encode(cleaned, fmt)
    name = f"{secrets.token_hex(16)}.{EXTENSIONS[fmt]}"
    return CleanedImage(
        file=ContentFile(content, name=name),
        format=fmt,
        width=cleaned.width,
        height=cleaned.height,
    )


def _megapixels() -> str:
    return f"{settings.FCS_PHOTO_MAX_PIXELS / 1_000_000:g}"


def has_trailing_data(data: bytes, pillow_format: str) -> bool:
    """True when bytes follow the image's own end marker (a polyglot, a hidden payload).

    Zero padding is tolerated. A JPEG may be followed by further JPEG frames (MPF gain
    maps, stereo pairs): each is walked in turn. A structure too odd to walk is left to the
    decoder, and re-encoding drops whatever it carried.
    """
    if pillow_format == "PNG":
        end = _png_end(data)
    elif pillow_format == "WEBP":
        end = _riff_end(data)
    else:
        end, frames = _jpeg_end(data, 0), 1
        while end is not None and data[end : end + 2] == b"\xff\xd8" and frames < 16:
            end, frames = _jpeg_end(data, end), frames + 1
    if end is None:
        return False
    return bool(data[end:].strip(b"\x00"))


def _png_end(data: bytes) -> int | None:
    pos = 8
    while pos + 8 <= len(data):
        length, chunk_type = struct.unpack(">I4s", data[pos : pos + 8])
        pos += 12 + length
        if chunk_type == b"IEND":
            return pos
    return None


def _riff_end(data: bytes) -> int | None:
    if len(data) < 12 or data[:4] != b"RIFF":
        return None
    (size,) = struct.unpack("<I", data[4:8])
    return 8 + size + (size & 1)


def _jpeg_end(data: bytes, start: int) -> int | None:
    """The offset just past the EOI marker of the JPEG starting at `start`."""
    if data[start : start + 2] != b"\xff\xd8":
        return None
    pos, length = start + 2, len(data)
    while pos < length:
        if data[pos] != 0xFF:
            return None
        while pos < length and data[pos] == 0xFF:
            pos += 1
        if pos >= length:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            return pos
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if pos + 2 > length:
            return None
        pos += int.from_bytes(data[pos : pos + 2], "big")
        if marker == 0xDA:
            # Entropy-coded data runs to the next 0xFF that is neither stuffing (FF 00)
            # nor a restart marker.
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= length:
                    return None
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                    continue
                if following == 0xFF:
                    pos += 1
                    continue
                break
    return None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or (
        image.mode == "P" and "transparency" in image.info
    )


def _clean_pixels(image: Image.Image, fmt: str) -> Image.Image:
    """Upright, sRGB pixels in a web mode, with no metadata attached."""
    try:
        image = ImageOps.exif_transpose(image) or image
    except Exception:  # malformed EXIF: keep the pixels the way they are stored
        image = image.copy()
    if image.mode.startswith("I"):
        # 16-bit greyscale (PNG): Pillow's convert() clips it to 8 bits instead of scaling,
        # which turns nearly every grey white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    alpha = _has_alpha(image) and fmt != "jpeg"
    mode = "RGBA" if alpha else "RGB"
    icc = image.info.get("icc_profile")
    converted = None
    if icc and image.mode in {"RGB", "RGBA", "CMYK", "L"}:
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None
    if converted is None:
        converted = image.convert(mode)
    # A fresh image carries no info dictionary: no EXIF, XMP, ICC, comments or text chunks.
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def encode(image: Image.Image, fmt: str) -> bytes:
    """Encode `image` as `fmt` ("jpeg", "png" or "webp") with no metadata."""
    if fmt == "jpeg" and image.mode != "RGB":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=PILLOW_FORMATS[fmt], **ENCODER_OPTIONS[fmt])
    return buffer.getvalue()


def rendition_widths(original_width: int) -> list[int]:
    """The widths to make for an image `original_width` pixels wide; never wider than it."""
    widths = settings.FCS_PHOTO_WIDTHS
    chosen = {width for width in widths if width < original_width}
    chosen.add(min(original_width, max(widths)))
    return sorted(chosen)


def resize(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
