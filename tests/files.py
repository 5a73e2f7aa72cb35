"""Real files for upload tests, made once here: a PDF that qpdf opens (optionally carrying its
author in the document information and in an XMP packet, both uncompressed so a test can look
for the name in the bytes) and PNG/JPEG images that Pillow decodes."""

from __future__ import annotations

import io

from PIL import Image

XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def minimal_pdf(text: bytes | str = b"", *, author: str | None = None,
                size: int | None = None) -> bytes:
    """A one-page PDF with a correct cross-reference table showing `text` (any bytes, as a hex
    string); with `author`, an /Info dictionary (Author, Creator, Producer, Title) and an XMP
    packet naming them; padded with a comment to exactly `size` bytes if given."""
    raw = text.encode() if isinstance(text, str) else text
    stream = b"BT /F1 12 Tf 72 720 Td <" + raw.hex().encode() + b"> Tj ET"
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    objects = [b"", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    trailer_extra = b""
    if author is not None:
        name = author.encode()
        xmp = XMP.format(author=author).encode()
        objects.append(b"<< /Author (%s) /Creator (%s's laptop) /Producer (Writer by %s) "
                       b"/Title (Plan by %s) /CreationDate (D:20270101120000Z) >>"
                       % (name, name, name, name))
        objects.append(b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream"
                       % (len(xmp), xmp))
        catalog += b" /Metadata %d 0 R" % len(objects)
        trailer_extra = b" /Info %d 0 R" % (len(objects) - 1)
    objects[0] = catalog + b" >>"

    def build(padding: bytes) -> bytes:
        out = io.BytesIO()
        out.write(b"%PDF-1.4\n" + padding)
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
                  % (len(objects) + 1, trailer_extra, xref))
        return out.getvalue()

    data = build(b"")
    if size is None:
        return data
    # The padding is a comment line after the header; the offsets are computed after it, and
    # the startxref number's width may grow by a digit, hence the second measurement.
    missing = size - len(data) - 2
    if missing < 0:
        raise ValueError(f"a PDF needs at least {len(data)} bytes")
    data = build(b"%" + b"0" * missing + b"\n")
    data = build(b"%" + b"0" * (missing - (len(data) - size)) + b"\n")
    assert len(data) == size
    return data


def image(fmt: str = "PNG", *, width: int = 8, height: int = 6, mode: str = "RGB",
          **save: object) -> bytes:
    """A small real image (a gradient, so it is not all one colour) in `fmt`."""
    picture = Image.new(mode, (width, height))
    if mode in ("RGB", "RGBA", "L"):
        picture.putdata([((x * 30) % 256,) * len(mode) if mode != "L" else (x * 30) % 256
                         for x in range(width * height)])  # type: ignore[arg-type]
    out = io.BytesIO()
    picture.save(out, fmt, **save)  # type: ignore[arg-type]
    return out.getvalue()


def png(**kwargs: object) -> bytes:
    return image("PNG", **kwargs)  # type: ignore[arg-type]


def jpeg(**kwargs: object) -> bytes:
    return image("JPEG", **kwargs)  # type: ignore[arg-type]
