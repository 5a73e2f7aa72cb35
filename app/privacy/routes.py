"""JSON API for one's own data: download it all, delete the account."""

from __future__ import annotations

import json

from fastapi import Request
from fastapi.responses import Response

from app.accounts import reauth
from app.accounts.deps import CurrentUser
from app.accounts.routes import client_ip
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.unit_of_work import SessionDep, keep_changes_on_error
from app.privacy import export
from app.privacy import service as privacy_service
from app.privacy.schemas import AccountDelete, AccountDeleted

router = APIRouter(prefix="/api/v1", tags=["your data"])
EXPORT_DOC: dict[int | str, dict[str, object]] = {200: {
    "content": {"application/json": {"schema": {"type": "object"}}},
    "description": "Everything the platform holds about you, as a JSON file"}}
PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def export_response(document: dict[str, object], filename: str) -> Response:
    """The export as a file to save (never cached: it is one person's data)."""
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(body, media_type="application/json", headers={
        **PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/me/export", response_class=Response, responses=EXPORT_DOC)
def export_me(user: CurrentUser, db: SessionDep) -> Response:
    """Everything the platform holds about you: profile, sign-ins, entries, awards, messages…
    (never password, session or token hashes, nor the bytes of uploaded files)."""
    return export_response(export.personal_data(db, user=user), export.filename(user))


@router.delete("/me", response_model=AccountDeleted, responses=error_responses(409, 422, 429))
def delete_me(body: AccountDelete, request: Request, user: CurrentUser,
              db: SessionDep) -> object:
    """Delete your account: name, email, organisation, country, password, sessions, tokens and
    linked providers go; entries, scores, awards, payments and ledger entries stay as the prize
    record requires, shown as "Deleted account #id". Needs `current_password` (or a browser
    session signed in within ten minutes); 409 while the record still needs you."""
    keep_changes_on_error(request)  # failed password tries must be counted
    privacy_service.check_deletable(db, user=user)
    reauth.confirm_identity(db, user=user, password=body.current_password,
                            signed_in_at=getattr(request.state, "signed_in_at", None),
                            ip=client_ip(request))
    return privacy_service.delete_account(db, user=user, ip=client_ip(request))
