"""Uploads parsed as the type they claim, and copies without the metadata that names people.

Magic bytes only say what a file claims to be: an HTML page behind `%PDF-1.4`, or an SVG behind
the PNG signature, passes them. So a PDF must open with a real parser (qpdf, through pikepdf)
and have a page, and an image must decode (Pillow) as the format its first bytes name.

Both work on the bytes the upload already holds in memory (their size was capped while
reading: 10 MB for an entry file, 2 MB for a cover) and both are bounded in memory and time:
qpdf reads a PDF lazily (the cross-reference table, the catalog and the page tree, whose
declared size is checked first; no content or image stream is ever decompressed), and an
image's pixel count is read from its header and checked before a single pixel is decoded
(decompression bombs).
"""

from __future__ import annotations

import io
import warnings

import pikepdf
from PIL import Image, ImageOps

from app.errors import ValidationFailed
from app.i18n.translate import N_, translatable

PDF_MAGIC = b"%PDF-"
# Accepted image formats: Pillow's name -> (file extension, media type), with their signatures.
IMAGE_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}
_IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
# 24 megapixels (6000 x 4000, a camera's full frame): at most ~100 MB decoded as RGBA.
MAX_PIXELS = 24_000_000
JPEG_QUALITY = 90
# An entry is a plan, not an archive; the page tree's declared count is read before the tree
# is walked, so an honest huge document is refused at once (a lying one costs a walk bounded
# by the file's size).
MAX_PAGES = 2000
# What qpdf and Pillow raise for a file they cannot read (pybind11 turns qpdf's C++ errors
# into RuntimeError, ValueError or IndexError; Pillow uses OSError and SyntaxError).
_PDF_ERRORS = (pikepdf.PdfError, RuntimeError, ValueError, IndexError, KeyError, TypeError,
               AttributeError)
_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)
# Keys that carry who made a document and with what: XMP packets (on the catalog, pages,
# images) and applications' private data (Illustrator, Word keep authors and paths there).
_METADATA_KEYS = ("/Metadata", "/PieceInfo")


def _not_a_pdf(field: str) -> ValidationFailed:
    return ValidationFailed(N_("This file is not a readable PDF."),
                            fields={field: N_("upload a complete PDF file (other formats are "
                                              "not accepted)")})


def _open_pdf(data: bytes) -> pikepdf.Pdf:
    # No recovery: a damaged or truncated file is refused rather than silently rebuilt, so
    # the judges read the same document the entrant sealed in their receipt.
    return pikepdf.open(io.BytesIO(data), attempt_recovery=False)


def check_pdf(data: bytes, *, field: str = "file") -> None:
    """A PDF that opens with qpdf, is not encrypted and has at least one page (422 otherwise)."""
    if not data.startswith(PDF_MAGIC):
        raise _not_a_pdf(field)
    try:
        with _open_pdf(data) as pdf:
            encrypted = pdf.is_encrypted
            declared = pdf.Root.Pages.get("/Count")
            if isinstance(declared, int) and declared > MAX_PAGES:
                pages = declared
            else:
                pages = len(pdf.pages)
    except pikepdf.PasswordError:
        encrypted, pages = True, 0
    except _PDF_ERRORS:
        raise _not_a_pdf(field) from None
    if encrypted:
        # Judges must read it without a password, and a blind copy must be writable.
        raise ValidationFailed(N_("This PDF is protected by a password or restrictions."),
                               fields={field: N_("save it without a password or restrictions "
                                                 "and upload it again")})
    if pages < 1:
        raise ValidationFailed(N_("This PDF has no pages."),
                               fields={field: N_("upload a PDF with at least one page")})
    if pages > MAX_PAGES:
        raise ValidationFailed(N_("This PDF has too many pages."),
                               fields={field: translatable("at most %(count)s pages",
                                                           count=MAX_PAGES)})


def pdf_without_metadata(data: bytes) -> bytes:
    """The same PDF without its document information (Author, Creator, Producer, Title,
    Subject, Keywords, dates), its XMP packets, applications' private data and the authors of
    comments; the same bytes in give the same bytes out (a deterministic /ID).

    Content and image streams are copied as they are, never decompressed, so the work grows
    with the number of objects, which the file's size bounds. Raises `ValueError` for a file
    that is not a readable PDF (checked at upload)."""
    try:
        with _open_pdf(data) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    _strip(obj)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, fix_metadata_version=False,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False,
                     recompress_flate=False, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
            return out.getvalue()
    except _PDF_ERRORS as exc:
        raise ValueError("not a readable PDF") from exc


def _strip(obj: pikepdf.Dictionary | pikepdf.Stream) -> None:
    for key in _METADATA_KEYS:
        if key in obj:
            del obj[key]
    # A comment's /T is its author's name; a form field's /T (widgets) is the field's name.
    if obj.get("/Type") == pikepdf.Name.Annot and obj.get("/Subtype") != pikepdf.Name.Widget \
            and "/T" in obj:
        del obj["/T"]


def _not_an_image(field: str) -> ValidationFailed:
    return ValidationFailed(N_("The file is not an image we accept."),
                            fields={field: N_("upload a PNG or JPEG image")})


def clean_image(data: bytes, *, field: str) -> tuple[str, bytes]:
    """Decode a PNG or JPEG as the format its first bytes claim and encode it again without
    its metadata (EXIF with GPS, XMP, text chunks, trailing data): (extension, bytes).

    Decoding every pixel is what proves an image; encoding again also drops whatever was
    hidden around the pixels (a polyglot's payload). EXIF orientation is applied first, so a
    photo still stands the right way up; the colour profile is kept."""
    claimed = next((fmt for magic, fmt in _IMAGE_MAGIC.items() if data.startswith(magic)), None)
    if claimed is None:
        raise _not_an_image(field)
    too_many_pixels = ValidationFailed(
        N_("The image has too many pixels."),
        fields={field: translatable("at most %(count)s megapixels",
                                    count=MAX_PIXELS // 1_000_000)})
    try:
        with warnings.catch_warnings():
            # Pillow's own (higher) limit, met while reading the header: a bomb, not a warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[claimed]) as probe:
                width, height = probe.size
                if probe.format != claimed:
                    raise _not_an_image(field)
                if width * height > MAX_PIXELS:
                    raise too_many_pixels
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[claimed]) as image:
                image.load()
                return IMAGE_FORMATS[claimed][0], _encode(image, claimed)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except _IMAGE_ERRORS:
        raise _not_an_image(field) from None


def _encode(image: Image.Image, fmt: str) -> bytes:
    icc = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    upright = ImageOps.exif_transpose(image)
    options: dict[str, object] = {}
    if icc:
        options["icc_profile"] = icc
    if fmt == "JPEG":
        if upright.mode not in ("L", "RGB", "CMYK"):
            upright = upright.convert("RGB")
        options["quality"] = JPEG_QUALITY
    elif transparency is not None:
        options["transparency"] = transparency
    out = io.BytesIO()
    upright.save(out, fmt, **options)
    return out.getvalue()
