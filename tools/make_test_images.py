#!/usr/bin/python3
"""Writes tests/images/: photos in the formats and modes `netc run --input` decodes, made with PIL
(Debian's python3-pil) from models/images/ball_300.ppm, and broken ones it must refuse.
Run with Debian's Python: /usr/bin/python3 tools/make_test_images.py"""
import os

from PIL import Image

ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "tests", "images")
os.makedirs(OUT, exist_ok=True)
ball = Image.open(os.path.join(ROOT, "models", "images", "ball_300.ppm")).convert("RGB")

# Landscape JPEG: the crop path (shorter side to 256, center 224) with an odd offset to round.
wide = ball.resize((401, 300), Image.BILINEAR)
wide.save(os.path.join(OUT, "ball_401x300.jpg"), quality=90)
# Portrait PNG in gray + alpha: the conversion to RGB and the dropped alpha (fully opaque, so
# nothing to composite).
ball.resize((240, 320), Image.BILINEAR).convert("LA").save(os.path.join(OUT, "ball_gray_240x320.png"))
# A palette PNG, as image editors save small pictures.
ball.resize((200, 200), Image.BILINEAR).convert("P", palette=Image.ADAPTIVE, colors=64).save(os.path.join(OUT, "ball_palette_200.png"))

# Broken files: a JPEG cut in the middle of its data, a PNG whose data chunk is corrupt.
data = open(os.path.join(OUT, "ball_401x300.jpg"), "rb").read()
open(os.path.join(OUT, "truncated.jpg"), "wb").write(data[: len(data) // 2])
png = bytearray(open(os.path.join(OUT, "ball_palette_200.png"), "rb").read())
idat = png.find(b"IDAT")
png[idat + 40 : idat + 60] = bytes(20)
open(os.path.join(OUT, "corrupt.png"), "wb").write(bytes(png))
print("wrote", sorted(os.listdir(OUT)))
