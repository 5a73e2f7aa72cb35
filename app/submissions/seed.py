"""A demonstration entry: the demo solver registers for the first open demo challenge and
submits an entry with one small PDF, through the services (receipt included)."""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User, UserRole
from app.challenges import registrations
from app.challenges import service as challenges_service
from app.challenges.enums import ChallengeState, SolverKind
from app.challenges.models import Challenge
from app.challenges.schemas import RegistrationIn
from app.submissions import service, uploads
from app.submissions.schemas import SubmissionCreate

SEED_ORDER = 70  # after the demo challenges
CHALLENGE_TITLE = "Solar cold rooms for smallholder harvests"


def demo_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
              "%%EOF\n".encode())
    return out.getvalue()


def _demo_solver(db: Session) -> User | None:
    return db.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                      .where(UserRole.role == Role.SOLVER, User.email.like("solver@%"))
                      .order_by(User.id)).first()


def load_demo(db: Session) -> list[str]:
    solver = _demo_solver(db)
    challenge_id = db.scalar(select(Challenge.id).where(Challenge.title == CHALLENGE_TITLE))
    if solver is None or challenge_id is None:
        return ["Submissions: no demo solver or open demo challenge; demo entry skipped."]
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=solver)
    if challenge.state != ChallengeState.OPEN:
        return ["Submissions: the demo challenge is not open; demo entry skipped."]
    registration, entry = service.my_entry(db, challenge=challenge, user=solver)
    if entry is not None:
        return ["Submissions: the demo entry exists already."]
    if registration is None:
        registrations.register(db, challenge=challenge, user=solver, body=RegistrationIn(
            solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True))
    made = service.create(db, challenge=challenge, user=solver, body=SubmissionCreate(
        title="Community solar cold room, Dhading",
        summary="A 20 m3 cold room on a 6 kW solar array with an ice battery, run by a "
                "farmers' co-operative.\n\n- **Keeps** 3 tonnes below 8 °C\n"
                "- Logged temperatures, read by the verifier over SMS"))
    uploads.add_file(db, entry=made, user=solver, filename="cold-room-plan.pdf",
                     stream=io.BytesIO(demo_pdf("Community solar cold room - plan")))
    service.submit(db, entry=made, user=solver)
    return ["Submissions: 1 demo entry submitted (the demo solver's)."]
