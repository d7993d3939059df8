"""Image files the tests build themselves: ordinary photos and hostile uploads."""

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def picture(width: int = 640, height: int = 427, colour=(11, 79, 138)) -> Image.Image:
    """A picture with some structure (so encoders behave as with a photo) and a red
    block in the top-left corner (so tests can tell which way up it is)."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 16):
        draw.line([(x, 0), (x, height)], fill=(240, 240, 240), width=3)
    draw.rectangle([0, 0, width // 4, height // 4], fill=(220, 20, 20))
    return image


def encoded(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def photo_bytes(width: int = 640, height: int = 427, fmt: str = "JPEG") -> bytes:
    return encoded(picture(width, height), fmt)


def jpeg_with_gps_and_rotation() -> bytes:
    """A 300 × 200 JPEG shot "sideways": EXIF orientation 6 (turn 90° clockwise to view),
    a GPS position, the camera's make and serial number, and an XMP packet."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "ExampleCam"
    exif[ExifTags.Base.BodySerialNumber] = "SN-0042-SECRET"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (55.0, 45.0, 21.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (37.0, 37.0, 4.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">photographer-home-address</x:xmpmeta>'
    return encoded(picture(300, 200), "JPEG", exif=exif, xmp=xmp, quality=90)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_size(width: int, height: int) -> bytes:
    """A greyscale PNG that claims `width` × `height` in its IHDR header, written by hand.

    The IDAT holds a few compressed rows of zeros only, so the file is a few KB; a decoder
    that trusted the header would set out to allocate width × height bytes.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 8, 9)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def polyglot_png() -> bytes:
    """A valid PNG with an HTML page appended after its IEND chunk."""
    return photo_bytes(64, 48, "PNG") + b"<html><body><script>window.__xss=1</script></body></html>"


def polyglot_jpeg() -> bytes:
    return photo_bytes(64, 48, "JPEG") + b"<html><script>window.__xss=1</script></html>"


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>window.__xss=1;alert(1)</script><rect width="100" height="100"/></svg>'
)

HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

TEXT_FILE = "Пресс-релиз: это текст, а не фотография.\n".encode()


def oversized_jpeg(limit: int) -> bytes:
    """A genuine JPEG padded past `limit` bytes with a comment segment per 64 KB."""
    data = photo_bytes(200, 150)
    padding = b""
    chunk = b"\xff\xfe" + struct.pack(">H", 65535) + b"x" * 65533
    while len(data) + len(padding) <= limit:
        padding += chunk
    return data[:2] + padding + data[2:]
