"""Cover images are decoded as the image they claim to be (issue 17): an SVG or HTML page
behind a PNG or JPEG signature is refused, so is a truncated image and a decompression bomb;
what is kept is the image encoded again, without its EXIF (GPS), text chunks or trailing
payload, and standing the right way up."""

from __future__ import annotations

import io
import zlib

import pytest
from fastapi.testclient import TestClient
from PIL import ExifTags, Image, PngImagePlugin
from sqlalchemy.orm import Session

from app.challenges.models import Challenge
from app.errors import ValidationFailed
from app.kit import file_types
from tests.challenges.factories import draft, sponsor
from tests.factories import token_for
from tests.files import jpeg, png

SVG_BEHIND_PNG = (b"\x89PNG\r\n\x1a\n<svg xmlns='http://www.w3.org/2000/svg'>"
                  b"<script>fetch('/api/v1/me')</script></svg>")
HTML_BEHIND_JPEG = b"\xff\xd8\xff<html><script>alert(1)</script></html>"


def put_cover(client: TestClient, db: Session, data: bytes, name: str = "cover.png"):
    owner = sponsor(db)
    challenge = draft(db, owner)
    db.commit()
    headers = token_for(client, owner.email or "")
    response = client.put(f"/api/v1/challenges/{challenge.id}/cover", headers=headers,
                          files={"cover": (name, data, "image/png")})
    return response, challenge, headers


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` one-bit pixels, all of them zero: a few
    kilobytes that would decode into hundreds of megabytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    rows = zlib.compress(b"\x00" * ((width + 7) // 8 + 1) * height, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def test_an_svg_behind_a_png_signature_is_refused(client: TestClient, db: Session,
                                                   clock) -> None:
    response, challenge, _ = put_cover(client, db, SVG_BEHIND_PNG, "cover.png")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"cover": "upload a PNG or JPEG image"}
    db.expire_all()
    assert db.get(Challenge, challenge.id).cover_image is None  # type: ignore[union-attr]


@pytest.mark.parametrize("data", [HTML_BEHIND_JPEG, png(width=40, height=40)[:-30],
                                  jpeg()[:200]], ids=["html", "truncated png", "truncated jpeg"])
def test_html_behind_a_jpeg_signature_and_truncated_images_are_refused(data: bytes) -> None:
    with pytest.raises(ValidationFailed) as refused:
        file_types.clean_image(data, field="cover")
    assert refused.value.fields == {"cover": "upload a PNG or JPEG image"}


def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded(
        client: TestClient, db: Session, clock) -> None:
    for width, height in ((6000, 5000), (12_000, 12_000)):  # ours, then Pillow's own limit
        bomb = png_header_claiming(width, height)
        assert len(bomb) < 2 * 1024 * 1024
        response, _, _ = put_cover(client, db, bomb)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["message"] == "The image has too many pixels."
        assert response.json()["error"]["fields"] == {"cover": "at most 24 megapixels"}


def test_the_kept_cover_has_no_exif_text_or_trailing_payload(client: TestClient, db: Session,
                                                             clock) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = "Jane Entrant's roof"
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: shown turned a quarter
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (27.0, 42.0, 0.0), 3: "E", 4: (85.0, 19.0, 0.0)}
    photo = jpeg(width=8, height=4, exif=exif)
    assert b"Jane Entrant" in photo
    response, challenge, headers = put_cover(client, db, photo, "roof.jpg")
    assert response.status_code == 200, response.text
    served = client.get(f"/challenges/{challenge.id}/cover", headers=headers)
    assert served.headers["content-type"] == "image/jpeg" and b"Jane" not in served.content
    kept = Image.open(io.BytesIO(served.content))
    assert kept.format == "JPEG" and kept.size == (4, 8)  # upright
    assert dict(kept.getexif()) == {} and "exif" not in kept.info

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jane Entrant")
    labelled = png(pnginfo=text) + b"<html><script>alert(1)</script></html>"
    response, challenge, headers = put_cover(client, db, labelled)
    assert response.status_code == 200, response.text
    served = client.get(f"/challenges/{challenge.id}/cover", headers=headers)
    assert served.content == png()  # the same pixels, nothing else
