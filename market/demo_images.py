"""Demo cover and gallery pictures drawn with Pillow: one look per technology field.

Nothing is downloaded and no binary asset is bundled: each picture is a gradient in
the field's colours with a motif (circuits, helices, orbits, lattices …) whose layout
follows a seed, so every outcome gets its own picture and a rerun draws the same one.
The field name is written on it only when a CJK font is installed; otherwise the
picture carries no text (Pillow's own font has no Chinese glyphs).
"""

from __future__ import annotations

import functools
import glob
import hashlib
import io
import math
import random
import shutil
import subprocess
from collections.abc import Callable

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter, ImageFont, ImageOps

COLLECTION_NAME = "演示图片"
SIZE = (1200, 750)

# Gradient end colours per top-level field (dark corner → light corner).
PALETTES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "01": ((14, 35, 84), (28, 138, 204)),  # 电子信息: deep blue → cyan
    "02": ((9, 78, 74), (72, 187, 150)),  # 生物与新医药: teal → mint
    "03": ((16, 20, 58), (86, 92, 196)),  # 航空航天: night → indigo
    "04": ((74, 38, 92), (196, 112, 150)),  # 新材料: plum → rose
    "05": ((31, 58, 96), (104, 160, 190)),  # 高技术服务: slate → steel blue
    "06": ((150, 62, 14), (246, 180, 60)),  # 新能源与节能: amber → sun
    "07": ((24, 84, 44), (128, 190, 92)),  # 资源与环境: forest → leaf
    "08": ((46, 50, 60), (150, 124, 96)),  # 先进制造与自动化: graphite → bronze
}

# Fonts that cover Chinese on common Linux, macOS and Windows installations.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)

RGBA = tuple[int, int, int, int]
Motif = Callable[[ImageDraw.ImageDraw, random.Random, tuple[int, int]], None]


@functools.cache
def cjk_font_path() -> str | None:
    """The path of an installed font with Chinese glyphs, or None."""
    for path in CJK_FONT_CANDIDATES:
        if glob.glob(path):
            return path
    for path in glob.glob("/usr/share/fonts/**/*CJK*.tt[cf]", recursive=True):
        return path
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [fc_list, ":lang=zh", "file"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listed.splitlines():
        path = line.split(":", 1)[0].strip()
        if path:
            return path
    return None


def _seeded(seed: str) -> random.Random:
    # hash() is salted per process; a digest keeps the picture stable across runs.
    return random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))  # noqa: S311


def _white(alpha: int) -> RGBA:
    return (255, 255, 255, alpha)


def _background(code: str, rnd: random.Random, size: tuple[int, int]) -> PILImage.Image:
    dark, light = PALETTES.get(code, PALETTES["05"])
    width, height = size
    # Gradient and glow have no detail to lose: draw them at a quarter of the size and
    # scale up once; at full size they took most of the drawing time.
    quarter = (max(width // 4, 1), max(height // 4, 1))
    side = int(math.hypot(*quarter)) + 2
    ramp = PILImage.linear_gradient("L").resize((side, side))
    ramp = ramp.rotate(rnd.uniform(20, 70), resample=PILImage.Resampling.BILINEAR)
    left, top = (side - quarter[0]) // 2, (side - quarter[1]) // 2
    ramp = ramp.crop((left, top, left + quarter[0], top + quarter[1]))
    picture = ImageOps.colorize(ramp, dark, light).convert("RGBA")
    # A soft glow gives depth; blurred small and scaled up, which is cheap.
    small = (width // 10, height // 10)
    glow = PILImage.new("L", small, 0)
    cx, cy = rnd.uniform(0.25, 0.75) * small[0], rnd.uniform(0.1, 0.4) * small[1]
    ImageDraw.Draw(glow).ellipse((cx - 22, cy - 22, cx + 22, cy + 22), fill=80)
    glow = glow.filter(ImageFilter.GaussianBlur(12)).resize(quarter)
    layer = PILImage.new("RGBA", quarter, (255, 255, 255, 0))
    layer.putalpha(glow)
    picture = PILImage.alpha_composite(picture, layer)
    return picture.resize(size, PILImage.Resampling.BILINEAR)


def _circuits(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    step = 30
    for _ in range(26):
        x = rnd.randrange(0, width, step)
        y = rnd.randrange(0, height, step)
        points = [(x, y)]
        for _ in range(rnd.randint(3, 6)):
            dx, dy = rnd.choice([(1, 0), (0, 1), (1, 1), (1, -1), (-1, 0)])
            run = rnd.randint(2, 7) * step
            x, y = x + dx * run, y + dy * run
            points.append((x, y))
        draw.line(points, fill=_white(90), width=3, joint="curve")
        for px, py in (points[0], points[-1]):
            draw.ellipse((px - 7, py - 7, px + 7, py + 7), outline=_white(150), width=3)
    chip_x, chip_y = rnd.randint(width // 2, width - 260), rnd.randint(80, height - 300)
    draw.rounded_rectangle(
        (chip_x, chip_y, chip_x + 200, chip_y + 200), 14, outline=_white(170), width=4
    )
    for i in range(8):
        offset = 20 + i * 23
        for x0, y0, x1, y1 in (
            (chip_x + offset, chip_y - 24, chip_x + offset, chip_y),
            (chip_x + offset, chip_y + 200, chip_x + offset, chip_y + 224),
            (chip_x - 24, chip_y + offset, chip_x, chip_y + offset),
            (chip_x + 200, chip_y + offset, chip_x + 224, chip_y + offset),
        ):
            draw.line((x0, y0, x1, y1), fill=_white(150), width=4)


def _helix(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    centre = rnd.uniform(0.35, 0.65) * height
    amplitude = rnd.uniform(90, 140)
    period = rnd.uniform(260, 360)
    phase = rnd.uniform(0, math.tau)
    strand_a, strand_b = [], []
    for x in range(-20, width + 20, 6):
        angle = x / period * math.tau + phase
        strand_a.append((x, centre + amplitude * math.sin(angle)))
        strand_b.append((x, centre + amplitude * math.sin(angle + math.pi)))
        if x % 36 == 0:
            draw.line((strand_a[-1], strand_b[-1]), fill=_white(70), width=3)
    draw.line(strand_a, fill=_white(170), width=6)
    draw.line(strand_b, fill=_white(120), width=6)
    for _ in range(6):  # benzene-like rings
        cx, cy, r = rnd.randint(60, width - 60), rnd.randint(40, height - 40), 34
        ring = [
            (cx + r * math.cos(k * math.pi / 3), cy + r * math.sin(k * math.pi / 3))
            for k in range(7)
        ]
        draw.line(ring, fill=_white(80), width=3)


def _orbits(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    cx, cy = rnd.randint(width // 3, 2 * width // 3), rnd.randint(height // 3, height)
    draw.ellipse((cx - 70, cy - 70, cx + 70, cy + 70), fill=_white(60))
    for k in range(5):
        rx, ry = 180 + k * 120, 60 + k * 45
        draw.ellipse(
            (cx - rx, cy - ry, cx + rx, cy + ry), outline=_white(120 - k * 15), width=3
        )
        angle = rnd.uniform(0, math.tau)
        px, py = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        draw.ellipse((px - 9, py - 9, px + 9, py + 9), fill=_white(210))
    for _ in range(90):  # stars
        x, y = rnd.randrange(width), rnd.randrange(height)
        r = rnd.choice((1, 1, 2, 3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_white(rnd.randint(90, 220)))
    climb = rnd.uniform(0.7, 0.9)
    trajectory = [
        (x, height - (x / width) ** 2 * height * climb - 40)
        for x in range(0, width, 12)
    ]
    draw.line(trajectory, fill=_white(160), width=4)


def _lattice(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    spacing = rnd.randint(70, 100)
    tilt = rnd.uniform(-0.35, 0.35)
    atoms = []
    for row in range(-2, height // spacing + 3):
        for col in range(-2, width // spacing + 3):
            x = col * spacing + (spacing // 2 if row % 2 else 0) + row * spacing * tilt
            y = row * spacing * 0.87
            atoms.append((x, y))
    for x, y in atoms:
        for dx, dy in ((spacing, 0), (spacing / 2 + spacing * tilt, spacing * 0.87)):
            draw.line((x, y, x + dx, y + dy), fill=_white(70), width=3)
    for x, y in atoms:
        big = rnd.random() < 0.18
        r = 14 if big else 8
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_white(200 if big else 130))


def _network(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    nodes = [
        (rnd.randint(30, width - 30), rnd.randint(30, height - 30)) for _ in range(34)
    ]
    for i, (x, y) in enumerate(nodes):
        nearest = sorted(nodes, key=lambda p: (p[0] - x) ** 2 + (p[1] - y) ** 2)[1:4]
        for nx, ny in nearest:
            draw.line((x, y, nx, ny), fill=_white(75), width=2)
        r = 16 if i % 7 == 0 else 7
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_white(190 if r > 10 else 130))
    for x, y in nodes[::7]:
        draw.ellipse((x - 34, y - 34, x + 34, y + 34), outline=_white(90), width=3)


def _energy(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    cx, cy = rnd.randint(width // 2, width - 150), rnd.randint(120, height // 2)
    for k in range(24):
        angle = k * math.tau / 24
        draw.line(
            (
                cx + 110 * math.cos(angle),
                cy + 110 * math.sin(angle),
                cx + 210 * math.cos(angle),
                cy + 210 * math.sin(angle),
            ),
            fill=_white(110),
            width=5,
        )
    draw.ellipse((cx - 85, cy - 85, cx + 85, cy + 85), fill=_white(150))
    for k in range(4):
        base = height * (0.62 + k * 0.1)
        amplitude, length = rnd.uniform(14, 30), rnd.uniform(70, 110)
        wave = [
            (x, base + amplitude * math.sin(x / length + k))
            for x in range(0, width + 10, 10)
        ]
        draw.line(wave, fill=_white(140 - k * 20), width=4)


def _contours(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    for _ in range(2):
        cx, cy = rnd.randint(200, width - 200), rnd.randint(150, height - 150)
        lobes = [rnd.uniform(0.1, 0.25) for _ in range(3)]
        for ring in range(1, 11):
            radius = ring * 38
            outline = []
            for step in range(73):
                angle = step * math.tau / 72
                wobble = 1 + sum(
                    amp * math.sin((i + 2) * angle + i) for i, amp in enumerate(lobes)
                )
                outline.append(
                    (
                        cx + radius * wobble * math.cos(angle),
                        cy + radius * 0.7 * wobble * math.sin(angle),
                    )
                )
            draw.line(outline, fill=_white(150 - ring * 10), width=3)
    for _ in range(5):  # leaves
        x, y = rnd.randint(40, width - 40), rnd.randint(40, height - 40)
        draw.ellipse((x - 12, y - 28, x + 12, y + 28), fill=_white(110))


def _gear_outline(
    cx: float, cy: float, radius: float, teeth: int, turn: float
) -> list[tuple[float, float]]:
    points = []
    for k in range(teeth * 4 + 1):
        angle = turn + k * math.tau / (teeth * 4)
        r = radius if k % 4 in (0, 1) else radius * 0.84
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def _gears(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    cx, cy = rnd.randint(width // 2, width - 220), rnd.randint(200, height - 200)
    specs = [
        (cx, cy, 190, 24),
        (cx - 330, cy + 150, 140, 18),
        (cx + 120, cy - 260, 100, 14),
    ]
    for x, y, radius, teeth in specs:
        draw.line(
            _gear_outline(x, y, radius, teeth, rnd.uniform(0, 1)),
            fill=_white(170),
            width=5,
        )
        draw.ellipse(
            (x - radius * 0.3, y - radius * 0.3, x + radius * 0.3, y + radius * 0.3),
            outline=_white(150),
            width=5,
        )
    for x in range(0, width, 60):  # a machined-surface hatch along the bottom
        draw.line((x, height - 60, x + 40, height - 20), fill=_white(60), width=3)


def _chart(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]
) -> None:
    width, height = size
    left, bottom, right, top = 120, height - 110, width - 100, 110
    draw.line((left, top, left, bottom, right, bottom), fill=_white(190), width=4)
    for k in range(1, 6):
        y = bottom - k * (bottom - top) / 5
        draw.line((left, y, right, y), fill=_white(45), width=2)
    for curve, alpha in ((0, 210), (1, 120)):
        level = rnd.uniform(0.75, 0.9) - curve * 0.2
        fade = rnd.uniform(0.05, 0.15) + curve * 0.2
        points = []
        for i in range(41):
            t = i / 40
            value = level - fade * t + rnd.uniform(-0.012, 0.012)
            points.append((left + t * (right - left), bottom - value * (bottom - top)))
        draw.line(points, fill=_white(alpha), width=5)
        for px, py in points[::8]:
            draw.ellipse((px - 8, py - 8, px + 8, py + 8), fill=_white(alpha))


MOTIFS: dict[str, Motif] = {
    "01": _circuits,
    "02": _helix,
    "03": _orbits,
    "04": _lattice,
    "05": _network,
    "06": _energy,
    "07": _contours,
    "08": _gears,
}


def _label(picture: PILImage.Image, title: str, subtitle: str) -> None:
    path = cjk_font_path()
    if path is None or not (title or subtitle):
        return
    width, height = picture.size
    band = PILImage.new("RGBA", (width, 150), (0, 0, 0, 95))
    picture.alpha_composite(band, (0, height - 150))
    draw = ImageDraw.Draw(picture)
    try:
        big = ImageFont.truetype(path, 60)
        small = ImageFont.truetype(path, 30)
    except OSError:
        return
    draw.text((56, height - 128), title, font=big, fill=_white(255))
    if subtitle:
        draw.text((60, height - 52), subtitle, font=small, fill=_white(215))


# A test run loads the demo several times in one process; the pictures are the same.
@functools.lru_cache(maxsize=256)
def draw_picture(
    field_code: str,
    *,
    seed: str,
    title: str = "",
    subtitle: str = "",
    chart: bool = False,
    size: tuple[int, int] = SIZE,
) -> bytes:
    """A JPEG in the colours of top-level field ``field_code`` ("01".."08")."""
    rnd = _seeded(seed)
    picture = _background(field_code, rnd, size)
    overlay = PILImage.new("RGBA", size, (255, 255, 255, 0))
    motif = _chart if chart else MOTIFS.get(field_code, _network)
    motif(ImageDraw.Draw(overlay), rnd, size)
    picture = PILImage.alpha_composite(picture, overlay)
    _label(picture, title, subtitle)
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=84, optimize=True)
    return out.getvalue()


class DemoImages:
    """Finds or creates the demo pictures in the "演示图片" collection, by title."""

    def __init__(self) -> None:
        from wagtail.images import get_image_model
        from wagtail.models import Collection

        root = Collection.get_first_root_node()
        collection = root.get_children().filter(name=COLLECTION_NAME).first()
        self.collection = collection or root.add_child(name=COLLECTION_NAME)
        self.model = get_image_model()
        self.by_title = {
            image.title: image
            for image in self.model.objects.filter(collection=self.collection)
        }
        self.created: list = []  # the images this instance saved

    def get_or_create(
        self,
        title: str,
        *,
        filename: str,
        field_code: str,
        label: str = "",
        sublabel: str = "",
        chart: bool = False,
    ):  # type: ignore[no-untyped-def]
        """The image titled ``title``, drawn and saved only when it does not exist yet."""
        image = self.by_title.get(title)
        if image is not None:
            return image
        data = draw_picture(
            field_code, seed=filename, title=label, subtitle=sublabel, chart=chart
        )
        image = self.model(
            title=title,
            collection=self.collection,
            file=ImageFile(io.BytesIO(data), name=filename),
            file_size=len(data),
            # What Wagtail's upload form stores, so renditions cache by content.
            file_hash=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        )
        image.save()
        self.by_title[title] = image
        self.created.append(image)
        return image
