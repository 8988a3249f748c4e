"""Make the installers' icons from resources/icons/ (the PNGs and the SVG), with Qt only.

    python packaging/make_icons.py                 # write resources/icons/coverage-reader.ico
    python packaging/make_icons.py --check         # exit 1 if the .ico is missing or stale
                                                   # (compares the pixels of every size)
    python packaging/make_icons.py --iconset DIR   # write DIR (a macOS .iconset folder)
    iconutil -c icns DIR -o packaging/macos/coverage-reader.icns   # then, on macOS

The Windows icon (.ico) holds 16, 24, 32, 48, 64, 128 and 256 pixel images. Qt's ICO
writer stores one image per file, so the container is written here with the standard
library: an ICONDIR, one ICONDIRENTRY per image, then the images — 32-bit BGRA DIBs
(with their AND mask) below 256 pixels, which every Windows tool reads, and a PNG at
256, as Windows Vista and later expect. The output is byte-for-byte reproducible.

The macOS iconset holds icon_16x16.png … icon_512x512@2x.png: the PNG of the exact size
where there is one, else the SVG rendered at that size.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QGuiApplication, QImage

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
NAME = "coverage-reader"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: Sizes stored as PNG inside the .ico (smaller ones are DIBs).
ICO_PNG_FROM = 256
#: The files of a macOS .iconset: name -> pixel size.
ICONSET = {
    f"icon_{size}x{size}{suffix}.png": size * scale
    for size in (16, 32, 128, 256, 512)
    for suffix, scale in (("", 1), ("@2x", 2))
}
#: The QGuiApplication made by _qt(), kept alive while this runs.
_APP: list[QGuiApplication] = []


def _qt() -> None:
    """Make Qt usable without a display (the SVG renderer wants a QGuiApplication)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        _APP.append(QGuiApplication([sys.argv[0]]))


def _load(size: int, icons: Path = ICONS) -> QImage:
    """The icon at ``size`` pixels, ARGB32: its PNG if there is one, else the SVG."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage, QImageReader

    _qt()
    png = icons / f"{NAME}-{size}.png"
    if png.exists():
        image = QImage(str(png))
        if image.isNull():
            raise SystemExit(f"make_icons: cannot read {png}")
        if (image.width(), image.height()) != (size, size):
            raise SystemExit(f"make_icons: {png} is {image.width()}x{image.height()}")
    else:
        svg = icons / f"{NAME}.svg"
        reader = QImageReader(str(svg))
        reader.setScaledSize(QSize(size, size))
        image = reader.read()
        if image.isNull():
            raise SystemExit(f"make_icons: cannot render {svg}: {reader.errorString()}")
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def _png_bytes(image: QImage) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # stub: bytes
        raise SystemExit("make_icons: Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def _dib_bytes(image: QImage) -> bytes:
    """A 32-bit icon DIB of a Format_ARGB32 image: BITMAPINFOHEADER (height doubled),
    BGRA rows bottom-up, then the 1-bit AND mask (all zero: alpha carries transparency)."""
    size = image.width()
    stride = image.bytesPerLine()
    # Format_ARGB32 is 0xAARRGGBB per pixel in native order: B, G, R, A bytes on the
    # little-endian machines this runs on — exactly a BI_RGB 32-bit DIB row.
    if sys.byteorder != "little":
        raise SystemExit("make_icons: writing a DIB needs a little-endian machine")
    pixels = bytes(image.constBits())
    rows = [pixels[y * stride : y * stride + size * 4] for y in range(size)]
    mask_stride = ((size + 31) // 32) * 4
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, size * size * 4, 0, 0, 0, 0)
    return header + b"".join(reversed(rows)) + bytes(mask_stride * size)


def ico_bytes(sizes: tuple[int, ...] = ICO_SIZES, icons: Path = ICONS) -> bytes:
    """A Windows .ico holding the icon at every size in ``sizes`` (each at most 256)."""
    images: list[tuple[int, bytes]] = []
    for size in sizes:
        if not 0 < size <= 256:
            raise ValueError(f"an .ico image is 1 to 256 pixels, not {size}")
        image = _load(size, icons)
        data = _png_bytes(image) if size >= ICO_PNG_FROM else _dib_bytes(image)
        images.append((size, data))
    header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(images)
    entries, blobs = [], []
    for size, data in images:
        side = size % 256  # 0 means 256
        # width, height, colours (0: none), reserved, planes, bits per pixel, size, offset
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset))
        blobs.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(blobs)


def read_ico(path: Path) -> list[QImage]:
    """The images in ``path`` as Qt reads them (ARGB32), in file order."""
    from PySide6.QtGui import QImage, QImageReader

    _qt()
    reader = QImageReader(str(path), b"ico")
    images = []
    for index in range(reader.imageCount()):
        if not reader.jumpToImage(index):
            raise SystemExit(f"make_icons: Qt cannot seek to image {index} of {path}")
        image = reader.read()
        if image.isNull():
            raise SystemExit(f"make_icons: Qt cannot read image {index} of {path}")
        images.append(image.convertToFormat(QImage.Format.Format_ARGB32))
    return images


def _pixels(image: QImage) -> bytes:
    width = image.width() * 4
    stride = image.bytesPerLine()
    data = bytes(image.constBits())
    return b"".join(data[y * stride : y * stride + width] for y in range(image.height()))


def ico_is_current(path: Path) -> bool:
    """Whether ``path`` holds exactly the icon's images, pixel for pixel (the bytes may
    differ with another Qt's PNG encoder)."""
    if not path.exists():
        return False
    images = read_ico(path)
    if [(i.width(), i.height()) for i in images] != [(s, s) for s in ICO_SIZES]:
        return False
    return all(_pixels(i) == _pixels(_load(s)) for i, s in zip(images, ICO_SIZES, strict=True))


def write_ico(path: Path) -> None:
    data = ico_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    found = [(image.width(), image.height()) for image in read_ico(path)]
    expected = [(size, size) for size in ICO_SIZES]
    if found != expected:
        raise SystemExit(f"make_icons: {path} reads back as {found}, expected {expected}")
    if not ico_is_current(path):
        raise SystemExit(f"make_icons: {path} does not read back as the PNGs it was made from")
    print(f"wrote {path} ({len(data)} bytes; {', '.join(str(s) for s in ICO_SIZES)} px)")


def write_iconset(folder: Path) -> None:
    """A macOS .iconset folder, for ``iconutil -c icns FOLDER``."""
    if folder.suffix != ".iconset":
        raise SystemExit(f"make_icons: iconutil wants a folder named *.iconset, not {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    for name, size in ICONSET.items():
        (folder / name).write_bytes(_png_bytes(_load(size)))
    print(f"wrote {folder} ({len(ICONSET)} images)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ico",
        type=Path,
        default=ICONS / f"{NAME}.ico",
        help="where to write the Windows icon (default: %(default)s)",
    )
    parser.add_argument(
        "--check", action="store_true", help="only check that the .ico is up to date"
    )
    parser.add_argument(
        "--iconset", type=Path, help="write this macOS .iconset folder instead of the .ico"
    )
    args = parser.parse_args(argv)
    if args.iconset:
        write_iconset(args.iconset)
    elif args.check:
        if not ico_is_current(args.ico):
            print(f"{args.ico} is missing or stale: run python packaging/make_icons.py")
            return 1
        print(f"{args.ico} is up to date")
    else:
        write_ico(args.ico)
    return 0


if __name__ == "__main__":
    sys.exit(main())
