"""Flat illustrations for the demo content, drawn with Pillow: no photographs, no text.

Each motif is a few geometric shapes that suggest what an article is about (a meeting
room, a videoconference, a row of flags, a container terminal, a document, a building).
The same motif and seed always give the same picture, so the demo can be reloaded
without writing anything new. Drawn at twice the size and reduced, for smooth edges.
"""

import math
import random
from collections.abc import Callable

from PIL import Image, ImageDraw

# Muted colours of a government press office: navy, teal, sand, slate, a little gold.
PALETTES = [
    {
        "wall": "#e9e4d8",
        "floor": "#c9bda6",
        "dark": "#1f3a5f",
        "mid": "#2f6f8f",
        "light": "#9cc3d5",
        "accent": "#c9a227",
        "warm": "#b5563f",
        "paper": "#fbfaf6",
    },
    {
        "wall": "#dfe7ea",
        "floor": "#a9b8c0",
        "dark": "#23395b",
        "mid": "#3e7c78",
        "light": "#a8d0c6",
        "accent": "#d9a441",
        "warm": "#9e4a3c",
        "paper": "#fdfdfb",
    },
    {
        "wall": "#ece6f0",
        "floor": "#b9adc4",
        "dark": "#2b2d52",
        "mid": "#4f6d9a",
        "light": "#b7c6e0",
        "accent": "#c78f2e",
        "warm": "#a34f5d",
        "paper": "#fcfbfd",
    },
    {
        "wall": "#f1e9dc",
        "floor": "#cfb997",
        "dark": "#2d4a3e",
        "mid": "#5b8a72",
        "light": "#bcd6c3",
        "accent": "#c5932f",
        "warm": "#b0603a",
        "paper": "#fffdf8",
    },
]
FLAG_COLOURS = ["#ffffff", "#1f3a5f", "#c0392b", "#2e7d32", "#f2c230", "#1e88e5", "#222222"]

SCALE = 2  # drawn at twice the size, then reduced: Pillow's shapes have no anti-aliasing


def illustration(motif: str, seed: str, width: int = 1600, height: int = 900) -> Image.Image:
    """The picture for `motif` (a key of MOTIFS), varied by `seed`, `width`×`height` RGB."""
    rng = random.Random(f"{motif}:{seed}")
    palette = rng.choice(PALETTES)
    w, h = width * SCALE, height * SCALE
    image = Image.new("RGB", (w, h), palette["wall"])
    MOTIFS[motif](image, w, h, palette, rng)
    return image.reduce(SCALE)


def _meeting_room(image, w, h, p, rng):
    """A long table in perspective with chairs on both sides and a screen on the wall."""
    draw = ImageDraw.Draw(image)
    horizon = int(h * 0.52)
    draw.rectangle([0, horizon, w, h], fill=p["floor"])
    # Windows on the back wall.
    for i in range(4):
        x = int(w * (0.06 + i * 0.1))
        draw.rectangle([x, int(h * 0.1), x + int(w * 0.07), int(h * 0.42)], fill=p["light"])
    # The screen, with a plain emblem-like disc.
    sx0, sx1 = int(w * 0.5), int(w * 0.9)
    draw.rectangle([sx0, int(h * 0.08), sx1, int(h * 0.4)], fill=p["dark"])
    cx, cy, r = (sx0 + sx1) // 2, int(h * 0.24), int(h * 0.09)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=p["accent"], width=int(h * 0.012))
    # The table: narrow at the back, wide at the front.
    top_y, bottom_y = int(h * 0.56), int(h * 0.95)
    back_half, front_half = w * 0.08, w * 0.3
    mid = w * rng.uniform(0.46, 0.54)
    table = [
        (mid - back_half, top_y),
        (mid + back_half, top_y),
        (mid + front_half, bottom_y),
        (mid - front_half, bottom_y),
    ]
    seats = rng.randint(4, 6)
    for side in (-1, 1):
        for i in range(seats):
            t = (i + 0.5) / seats
            y = top_y + (bottom_y - top_y) * t
            half = back_half + (front_half - back_half) * t
            size = h * (0.05 + 0.07 * t)
            x = mid + side * (half + size * 0.7)
            colour = p["mid"] if (i + (side > 0)) % 2 else p["dark"]
            draw.rounded_rectangle(
                [x - size / 2, y - size * 1.4, x + size / 2, y + size * 0.3],
                radius=size * 0.25,
                fill=colour,
            )
    draw.polygon(table, fill=p["warm"])
    inset = [(x + (mid - x) * 0.06, y + (6 if y == top_y else -12)) for x, y in table]
    draw.polygon(inset, fill=p["paper"])
    # Microphones and name plates along the table.
    for i in range(seats):
        t = (i + 0.5) / seats
        y = top_y + (bottom_y - top_y) * t
        half = back_half + (front_half - back_half) * t
        for side in (-1, 1):
            x = mid + side * half * 0.75
            plate = h * (0.012 + 0.02 * t)
            draw.rectangle([x - plate * 2, y - plate, x + plate * 2, y], fill=p["dark"])


def _videoconference(image, w, h, p, rng):
    """A large display split into tiles, one participant in each, above a desk."""
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(h * 0.78), w, h], fill=p["floor"])
    x0, y0, x1, y1 = int(w * 0.1), int(h * 0.07), int(w * 0.9), int(h * 0.72)
    draw.rounded_rectangle([x0, y0, x1, y1], radius=h * 0.02, fill=p["dark"])
    cols, rows = 4, 3
    gap = int(h * 0.015)
    tile_w = (x1 - x0 - gap * (cols + 1)) / cols
    tile_h = (y1 - y0 - gap * (rows + 1)) / rows
    backgrounds = [p["mid"], p["light"], p["wall"], p["floor"]]
    people = [p["dark"], p["warm"], p["mid"], p["accent"]]
    for row in range(rows):
        for col in range(cols):
            tx = x0 + gap + col * (tile_w + gap)
            ty = y0 + gap + row * (tile_h + gap)
            background = rng.choice(backgrounds)
            draw.rectangle([tx, ty, tx + tile_w, ty + tile_h], fill=background)
            person = rng.choice([c for c in people if c != background])
            cx = tx + tile_w * rng.uniform(0.42, 0.58)
            r = tile_h * 0.17
            head_y = ty + tile_h * 0.42
            draw.ellipse([cx - r, head_y - r, cx + r, head_y + r], fill=person)
            draw.chord(
                [cx - r * 2.2, head_y + r * 1.1, cx + r * 2.2, ty + tile_h + r * 2.4],
                180,
                360,
                fill=person,
            )
    # The desk edge, a laptop and a microphone in front of the screen.
    draw.rectangle([0, int(h * 0.86), w, h], fill=p["warm"])
    lx = w * 0.62
    draw.polygon(
        [
            (lx, h * 0.86),
            (lx + w * 0.2, h * 0.86),
            (lx + w * 0.17, h * 0.76),
            (lx + w * 0.03, h * 0.76),
        ],
        fill=p["paper"],
    )
    mx = w * 0.25
    draw.line([(mx, h * 0.86), (mx + w * 0.04, h * 0.74)], fill=p["dark"], width=int(h * 0.012))
    draw.ellipse([mx + w * 0.03, h * 0.71, mx + w * 0.055, h * 0.755], fill=p["dark"])


def _flags(image, w, h, p, rng):
    """A row of flagpoles with plain striped flags in front of a hall, and a lectern."""
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(h * 0.7), w, h], fill=p["floor"])
    draw.rectangle([0, int(h * 0.64), w, int(h * 0.7)], fill=p["light"])
    count = rng.randint(6, 8)
    for i in range(count):
        x = w * (0.08 + 0.84 * i / (count - 1))
        top = h * 0.12
        draw.rectangle([x - 6, top, x + 6, h * 0.7], fill=p["dark"])
        draw.ellipse([x - 14, top - 24, x + 14, top + 4], fill=p["accent"])
        fw, fh = w * 0.075, h * 0.17
        stripes = rng.sample(FLAG_COLOURS, 3)
        vertical = rng.random() < 0.4
        for s, colour in enumerate(stripes):
            if vertical:
                box = [x + 8 + fw * s / 3, top + 10, x + 8 + fw * (s + 1) / 3, top + 10 + fh]
            else:
                box = [x + 8, top + 10 + fh * s / 3, x + 8 + fw, top + 10 + fh * (s + 1) / 3]
            draw.rectangle(box, fill=colour)
        draw.rectangle([x + 8, top + 10, x + 8 + fw, top + 10 + fh], outline=p["dark"], width=2)
    # The lectern.
    cx = w * 0.5
    draw.polygon(
        [
            (cx - w * 0.07, h * 0.95),
            (cx + w * 0.07, h * 0.95),
            (cx + w * 0.05, h * 0.62),
            (cx - w * 0.05, h * 0.62),
        ],
        fill=p["dark"],
    )
    draw.rectangle([cx - w * 0.065, h * 0.6, cx + w * 0.065, h * 0.635], fill=p["mid"])
    draw.ellipse([cx - h * 0.04, h * 0.71, cx + h * 0.04, h * 0.79], outline=p["accent"], width=8)


def _containers(image, w, h, p, rng):
    """Stacks of shipping containers on a quay, a gantry crane and the sea behind."""
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, w, int(h * 0.55)], fill=p["light"])
    draw.rectangle([0, int(h * 0.5), w, int(h * 0.6)], fill=p["mid"])
    draw.rectangle([0, int(h * 0.6), w, h], fill=p["floor"])
    # The crane.
    cx0, cx1 = w * 0.62, w * 0.8
    for x in (cx0, cx1):
        draw.rectangle([x - 14, h * 0.12, x + 14, h * 0.72], fill=p["accent"])
    draw.rectangle([w * 0.5, h * 0.12, w * 0.95, h * 0.17], fill=p["accent"])
    draw.line([(w * 0.7, h * 0.17), (w * 0.7, h * 0.38)], fill=p["dark"], width=8)
    draw.rectangle([w * 0.67, h * 0.38, w * 0.73, h * 0.43], fill=p["dark"])
    colours = [p["warm"], p["dark"], p["mid"], "#8d6e63", "#c0392b", "#2e7d32", p["accent"]]
    box_w, box_h = w * 0.11, h * 0.085
    for column in range(8):
        x = w * 0.03 + column * (box_w + w * 0.006)
        height = rng.randint(2, 5)
        for level in range(height):
            y = h * 0.9 - (level + 1) * (box_h + 4)
            colour = rng.choice(colours)
            draw.rectangle([x, y, x + box_w, y + box_h], fill=colour)
            for rib in range(1, 8):
                rx = x + box_w * rib / 8
                draw.line([(rx, y + 6), (rx, y + box_h - 6)], fill=p["paper"], width=3)


def _document(image, w, h, p, rng):
    """A sheet on a desk: lines of text shown as bars, a round seal and a pen."""
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, w, h], fill=p["warm"])
    sheet = Image.new("RGBA", (int(w * 0.42), int(h * 0.92)), p["paper"])
    sd = ImageDraw.Draw(sheet)
    sw, sh = sheet.size
    sd.rectangle([sw * 0.1, sh * 0.08, sw * 0.6, sh * 0.12], fill=p["dark"])
    y = sh * 0.2
    while y < sh * 0.72:
        length = rng.uniform(0.55, 0.8) if rng.random() < 0.2 else 0.8
        sd.rectangle([sw * 0.1, y, sw * (0.1 + length), y + sh * 0.014], fill=p["floor"])
        y += sh * 0.04
    sd.ellipse([sw * 0.55, sh * 0.76, sw * 0.85, sh * 0.76 + sw * 0.3], outline=p["mid"], width=10)
    sd.ellipse(
        [sw * 0.6, sh * 0.76 + sw * 0.05, sw * 0.8, sh * 0.76 + sw * 0.25],
        outline=p["mid"],
        width=5,
    )
    sd.line([(sw * 0.1, sh * 0.86), (sw * 0.45, sh * 0.84)], fill=p["dark"], width=6)
    sheet = sheet.rotate(rng.uniform(-6, 6), resample=Image.Resampling.BICUBIC, expand=True)
    image.paste(sheet, (int(w * 0.18), int(h * 0.03)), sheet)
    # The pen.
    draw.line([(w * 0.72, h * 0.82), (w * 0.9, h * 0.3)], fill=p["dark"], width=int(h * 0.03))
    draw.line([(w * 0.72, h * 0.82), (w * 0.735, h * 0.78)], fill=p["accent"], width=int(h * 0.03))


def _building(image, w, h, p, rng):
    """A classical façade with columns, steps and a flag on the roof."""
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, w, h], fill=p["light"])
    draw.rectangle([0, int(h * 0.85), w, h], fill=p["floor"])
    left, right = w * 0.2, w * 0.8
    draw.polygon(
        [(left - 20, h * 0.3), (right + 20, h * 0.3), (w * 0.5, h * 0.12)], fill=p["paper"]
    )
    draw.rectangle([left, h * 0.3, right, h * 0.36], fill=p["wall"])
    columns = rng.choice([6, 8])
    for i in range(columns):
        x = left + (right - left) * (i + 0.5) / columns
        draw.rectangle([x - w * 0.018, h * 0.36, x + w * 0.018, h * 0.74], fill=p["paper"])
    for door in range(columns - 1):
        x = left + (right - left) * (door + 1) / columns
        draw.rectangle([x - w * 0.02, h * 0.5, x + w * 0.02, h * 0.74], fill=p["dark"])
    for step in range(3):
        inset = step * w * 0.02
        y = h * 0.74 + step * h * 0.037
        draw.rectangle([left - 40 + inset, y, right + 40 - inset, y + h * 0.037], fill=p["wall"])
    draw.rectangle([w * 0.5 - 5, h * 0.02, w * 0.5 + 5, h * 0.13], fill=p["dark"])
    for s, colour in enumerate(("#ffffff", "#1e5aa8", "#c0392b")):
        draw.rectangle(
            [w * 0.5 + 5, h * (0.02 + 0.02 * s), w * 0.57, h * (0.04 + 0.02 * s)], fill=colour
        )


def _round_table(image, w, h, p, rng):
    """A round table seen from above, chairs around it and papers in front of each."""
    draw = ImageDraw.Draw(image)

    draw.rectangle([0, 0, w, h], fill=p["floor"])
    cx, cy, r = w * 0.5, h * 0.5, h * 0.3
    seats = rng.randint(8, 12)
    for i in range(seats):
        angle = 2 * math.pi * i / seats + rng.uniform(-0.05, 0.05)
        x, y = cx + math.cos(angle) * r * 1.3, cy + math.sin(angle) * r * 1.3
        size = h * 0.055
        draw.ellipse(
            [x - size, y - size, x + size, y + size], fill=p["dark"] if i % 2 else p["mid"]
        )
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=p["warm"])
    draw.ellipse([cx - r * 0.45, cy - r * 0.45, cx + r * 0.45, cy + r * 0.45], fill=p["light"])
    for i in range(seats):
        angle = 2 * math.pi * i / seats
        x, y = cx + math.cos(angle) * r * 0.78, cy + math.sin(angle) * r * 0.78
        size = h * 0.03
        draw.rectangle([x - size, y - size * 0.7, x + size, y + size * 0.7], fill=p["paper"])


MOTIFS: dict[str, Callable] = {
    "meeting": _meeting_room,
    "videoconference": _videoconference,
    "flags": _flags,
    "containers": _containers,
    "document": _document,
    "building": _building,
    "round-table": _round_table,
}
