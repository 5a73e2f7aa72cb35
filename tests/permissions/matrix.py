"""THE permission matrix: every route of the application × every role → the expected outcome.

tests/permissions/test_matrix.py fails when a route of `app.routes` is missing here (or listed
here but gone), and runs every cell as a real request as that role: API cells with the role's
bearer token, page cells with its browser session cookie and CSRF token.

Outcomes:
- ALLOW  the request was processed: any status that is not an auth decision (2xx, 3xx other than
         the login redirect, 409, 422, ... — bodies here are minimal, so 422 is fine);
- D401   401: not signed in, or the token is not valid (API);
- D403   403: signed in but not allowed;
- H404   404: the object is hidden from this role (not merely forbidden);
- LOGIN  303 to /login?next=... (pages, for a visitor).
A 5xx is never an outcome.

Placeholders `{name}` in paths and bodies are filled from tests/permissions/scenario.py:
`{token_id}` is a token and `{identity_id}` a linked provider identity owned by sponsor_owner,
`{user_id}` a bystander, `{email}`/`{password}` the acting role's own credentials (a spare
account's for anonymous). A body value that is only `{name:int}` is sent as a JSON number.

Not in the table, on purpose: the `/static` mount (the public stylesheet: files, no handler of
ours) and HEAD, which Starlette answers with the GET handler of the same route.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from tests.files import minimal_pdf, png
from tests.permissions.scenario import ROLES


class Outcome(enum.Enum):
    ALLOW = "allow"
    D401 = "401"
    D403 = "403"
    H404 = "hidden 404"
    LOGIN = "login redirect"


ALLOW, D401, D403, H404, LOGIN = (Outcome.ALLOW, Outcome.D401, Outcome.D403, Outcome.H404,
                                  Outcome.LOGIN)


@dataclass(frozen=True)
class Row:
    expect: dict[str, Outcome]
    params: dict[str, str] = field(default_factory=dict)  # path parameter -> value/placeholder
    body: dict[str, Any] | None = None  # JSON (API) or form fields (pages)
    isolate: bool = False  # each cell on its own copy of the scenario database
    files: dict[str, tuple[str, bytes, str]] | None = None  # multipart uploads
    query: str = ""  # appended after `?` (placeholders allowed)


def row(*outcomes: Outcome, params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None, isolate: bool = False,
        files: dict[str, tuple[str, bytes, str]] | None = None, query: str = "") -> Row:
    assert len(outcomes) == len(ROLES), f"a row needs one outcome per role: {ROLES}"
    return Row(dict(zip(ROLES, outcomes, strict=True)), params or {}, body, isolate, files,
               query)


LOGIN_BODY = {"email": "{email}", "password": "{password}", "next": "/"}
TOKEN_BODY = {"name": "matrix", "email": "{email}", "password": "{password}"}
# judging: sponsor_owner's challenge in judging, solver's entry, judge_assigned on the panel
JUDGED = {"challenge_id": "{judged}"}
JUDGED_ENTRY = {**JUDGED, "code": "{entry_code}"}
JUDGED_FILE = {**JUDGED_ENTRY, "number": "1"}
ON_PANEL = {**JUDGED, "judge_id": "{judge_assigned}"}
# verification: sponsor_owner's challenge in verification, solver's entry shortlisted
VERIFYING = {"challenge_id": "{verifying}"}
VERIFIED_ENTRY = {**VERIFYING, "submission_id": "{verified_entry}"}
ATTEST = {**VERIFIED_ENTRY, "target_key": "cooling"}
ATTEST_BODY = {"measured_value": "640", "evidence": "matrix logger readings"}
C = {"code": "{country}"}
G = {"code": "{group}"}
DRAFT = {"challenge_id": "{draft}"}  # sponsor_owner's draft, with a cover: hidden from others
OPEN = {"challenge_id": "{open}"}  # sponsor_owner's open challenge; solver registered, asked
QUESTION = {**OPEN, "question_id": "{question}"}
REASON = {"reason": "matrix check"}
REGISTER = {"solver_kind": "individual", "declares_not_sponsor_employee": True}
REGISTER_FORM = {"solver_kind": "individual", "declares_not_sponsor_employee": "on"}
TEAM = {"team_id": "{team}"}  # led by solver, verifier a member; hidden from everyone else
TEAM_MEMBER = {**TEAM, "user_id": "{team_member}"}  # verifier
TEAM_INVITATION = {**TEAM, "invitation_id": "{invitation}"}  # to curator's address
INVITATION = {"invitation_id": "{invitation}"}
COVER = {"cover": ("cover.png", png(), "image/png")}
ENTRY = {"submission_id": "{submission}"}  # solver's submitted entry on {open}, one PDF file
ENTRY_FILE = {**ENTRY, "file_id": "{submission_file}"}
RECEIPT = {**ENTRY, "number": "1"}
PDF_UPLOAD = {"file": ("plan.pdf", minimal_pdf(b"plan"), "application/pdf")}
LINK = {"token": "made-up-token"}  # links sent by email: no such link
REPORTED = {"kind": "question", "subject_id": "{question}"}  # moderation: solver's question
REPORT_BODY = {"subject_kind": "question", "subject_id": "{question:int}", "reason": "spam"}

MATRIX: dict[tuple[str, str], Row] = {
    # route                                                  anonym solver sp_own sp_oth j_asgn j_oth  verif  curat  admin
    # -- platform
    ("GET", "/healthz"):                                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/openapi.json"):                             row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/"):                                         row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    # -- accounts: API
    ("POST", "/api/v1/auth/signup"):                      row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("POST", "/api/v1/auth/tokens"):                      row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body=TOKEN_BODY),
    ("GET", "/api/v1/auth/tokens"):                       row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"):         row(D401,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  H404),
    ("GET", "/api/v1/me"):                                row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("PATCH", "/api/v1/me"):                              row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("GET", "/api/v1/users"):                             row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW),
    ("GET", "/api/v1/users/{user_id}"):                   row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW),
    ("PUT", "/api/v1/users/{user_id}/roles/{role}"):      row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW),
    ("DELETE", "/api/v1/users/{user_id}/roles/{role}"):   row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW),
    ("GET", "/api/v1/audit"):                             row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW),
    # -- accounts: pages
    ("GET", "/signup"):                                   row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/signup"):                                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("GET", "/login"):                                    row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/login"):                                   row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body=LOGIN_BODY),
    ("POST", "/logout"):                                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    # -- i18n: the language switch (everyone, signed in or not)
    ("POST", "/language"):                                row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"lang": "zh-Hans"}),
    ("GET", "/account"):                                  row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/account"):                                 row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("POST", "/account/tokens"):                          row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"name": "matrix"}),
    ("POST", "/account/tokens/{token_id}/revoke"):        row(LOGIN, H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  body={}),
    ("GET", "/admin/users"):                              row(LOGIN, D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW),
    # -- accounts: one's own sessions and password (sponsor_owner has another browser,
    #    {session_id}; signing out everywhere ends the role's page session too, so isolated;
    #    a password change with an empty body is a 422)
    ("GET", "/api/v1/me/sessions"):                       row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("DELETE", "/api/v1/me/sessions/{session_id:int}"):   row(D401,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  isolate=True),
    ("POST", "/api/v1/me/sessions/revoke-others"):        row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}, isolate=True),
    ("POST", "/api/v1/me/password"):                      row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("POST", "/account/sessions/{session_id}/revoke"):    row(LOGIN, H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  body={}, isolate=True),
    ("POST", "/account/sessions/revoke-others"):          row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}, isolate=True),
    ("POST", "/account/password"):                        row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("GET", "/account/email"):                            row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/account/email"):                           row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    # -- privacy: everyone's own data (download it, delete the account: a 409 while the record
    #    needs them, 422 without the password), and the public terms and privacy pages
    ("GET", "/api/v1/me/export"):                         row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("DELETE", "/api/v1/me"):                             row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("GET", "/account/export"):                           row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/account/delete"):                           row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/account/delete"):                          row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"current_password": "not the password"}),
    ("GET", "/terms"):                                    row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/privacy"):                                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    # -- home: the public guide (app/home/guide_pages.py)
    ("GET", "/about"):                                    row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/how-it-works"):                             row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/faq"):                                      row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    # -- accounts: links sent by email (confirm an address, reset a password, sign in by link);
    #    a made-up token is refused for everyone alike (422), which is not an access decision
    ("POST", "/api/v1/auth/verify-email"):                row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"token": "made-up"}),
    ("POST", "/api/v1/me/email-verification"):            row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("POST", "/api/v1/auth/password-reset"):              row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"email": "{email}"}),
    ("POST", "/api/v1/auth/password-reset/confirm"):      row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"token": "made-up", "password": "{password}"}),
    ("POST", "/api/v1/auth/sign-in-link"):                row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"email": "{email}"}),
    ("GET", "/verify-email/{token}"):                     row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=LINK),
    ("POST", "/verify-email/{token}"):                    row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=LINK, body={}),
    ("POST", "/account/email-verification"):              row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("GET", "/password-reset"):                           row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/password-reset"):                          row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"email": "{email}"}),
    ("GET", "/password-reset/{token}"):                   row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=LINK),
    ("POST", "/password-reset/{token}"):                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=LINK, body={"password": "{password}"}),
    ("GET", "/login/link"):                               row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/login/link"):                              row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"email": "{email}"}),
    ("GET", "/login/link/{token}"):                       row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=LINK),
    ("POST", "/login/link/{token}"):                      row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=LINK, body={}),
    # -- accounts: OpenID Connect (configured with tests/oidc_provider.py); the callback without
    #    a flow in progress is refused for everyone alike, which is not an access decision
    ("GET", "/auth/oidc/login"):                          row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/auth/oidc/callback"):                       row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/account/identities/link"):                 row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("POST", "/account/identities/{identity_id}/unlink"): row(LOGIN, H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  body={}),
    ("POST", "/admin/users/{user_id}/roles"):             row(LOGIN, D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, body={"role": "judge", "action": "grant"}),
    # -- reference data (public, read-only)
    ("GET", "/api/v1/reference/countries"):               row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/reference/countries/{code}"):        row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=C),
    ("GET", "/api/v1/reference/country-groups"):          row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/reference/country-groups/{code}"):   row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=G),
    ("GET", "/api/v1/reference/currencies"):              row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/reference/sdg-goals"):               row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/reference/sdg-targets"):             row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/reference/sectors"):                 row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/reference/stages"):                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/reference/functions"):               row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    # -- challenges: API (drafts are hidden: 404; visible but not yours: 403)
    ("GET", "/api/v1/challenges"):                                        row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/api/v1/challenges"):                                       row(D401,  D403,  ALLOW, ALLOW, D403,  D403,  D403,  D403,  ALLOW, body={}),
    ("GET", "/api/v1/challenges/{challenge_id}"):                         row(H404,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=DRAFT),
    ("PATCH", "/api/v1/challenges/{challenge_id}"):                       row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body={}),
    ("POST", "/api/v1/challenges/{challenge_id}/submit"):                 row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    ("POST", "/api/v1/challenges/{challenge_id}/withdraw"):               row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    ("POST", "/api/v1/challenges/{challenge_id}/approve"):                row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    ("POST", "/api/v1/challenges/{challenge_id}/request-changes"):        row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    ("POST", "/api/v1/challenges/{challenge_id}/start-judging"):          row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    ("POST", "/api/v1/challenges/{challenge_id}/start-verification"):     row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    ("POST", "/api/v1/challenges/{challenge_id}/propose-awards"):         row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    ("POST", "/api/v1/challenges/{challenge_id}/finalise"):               row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    ("POST", "/api/v1/challenges/{challenge_id}/archive"):                row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body=REASON),
    # cancelling a challenge in verification (or with awards proposed) is an admin's decision;
    # its sponsor cancels it before that (tests/challenges/test_cancelling.py)
    ("POST", "/api/v1/challenges/{challenge_id}/cancel"):                 row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, params=VERIFYING, body=REASON),
    ("GET", "/api/v1/challenges/{challenge_id}/transitions"):             row(H404,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=DRAFT),
    ("GET", "/api/v1/challenges/{challenge_id}/contract"):                row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=OPEN),
    ("GET", "/api/v1/challenges/{challenge_id}/cover"):                   row(H404,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=DRAFT),
    ("PUT", "/api/v1/challenges/{challenge_id}/cover"):                   row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, files=COVER),
    ("DELETE", "/api/v1/challenges/{challenge_id}/cover"):                row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN),
    ("GET", "/api/v1/challenges/{challenge_id}/questions"):               row(H404,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=DRAFT),
    ("POST", "/api/v1/challenges/{challenge_id}/questions"):              row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=OPEN, body={"body": "Which loggers?"}),
    ("POST", "/api/v1/challenges/{challenge_id}/questions/{question_id}/answer"): row(D401, D403, ALLOW, D403, D403, D403, D403, D403, ALLOW, params=QUESTION, body={"answer": "Yes."}),
    ("GET", "/api/v1/challenges/{challenge_id}/announcements"):           row(H404,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=DRAFT),
    ("POST", "/api/v1/challenges/{challenge_id}/announcements"):          row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body={"title": "T", "body": "B"}),
    ("POST", "/api/v1/challenges/{challenge_id}/registrations"):          row(D401,  ALLOW, D403,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=OPEN, body=REGISTER),
    ("DELETE", "/api/v1/challenges/{challenge_id}/registrations/me"):     row(D401,  ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  H404,  params=OPEN),
    ("GET", "/api/v1/challenges/{challenge_id}/registrations"):           row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN),
    ("GET", "/api/v1/challenges/{challenge_id}/registrations.csv"):       row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN),
    # -- challenges: pages and feeds
    ("GET", "/challenges"):                                               row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/challenges/mine"):                                          row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/admin/challenges/review"):                                  row(LOGIN, D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW),
    ("GET", "/challenges/new"):                                           row(LOGIN, D403,  ALLOW, ALLOW, D403,  D403,  D403,  D403,  ALLOW),
    ("POST", "/challenges/new"):                                          row(LOGIN, D403,  ALLOW, ALLOW, D403,  D403,  D403,  D403,  ALLOW, body={}),
    ("GET", "/challenges/{challenge_id:int}"):                            row(H404,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=DRAFT),
    ("GET", "/challenges/{challenge_id:int}/contract.json"):              row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=OPEN),
    ("GET", "/challenges/{challenge_id:int}/cover"):                      row(H404,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=DRAFT),
    ("GET", "/challenges/{challenge_id:int}/deadlines.ics"):              row(H404,  H404,  ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=DRAFT),
    ("GET", "/challenges/{challenge_id:int}/edit"):                       row(LOGIN, D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN),
    ("POST", "/challenges/{challenge_id:int}/edit"):                      row(LOGIN, D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body={}),
    ("POST", "/challenges/{challenge_id:int}/cover"):                     row(LOGIN, D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, files=COVER),
    ("POST", "/challenges/{challenge_id:int}/actions/{action}"):          row(LOGIN, D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params={**OPEN, "action": "submit"}),
    ("POST", "/challenges/{challenge_id:int}/questions"):                 row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=OPEN, body={"body": "Which loggers?"}),
    ("POST", "/challenges/{challenge_id:int}/questions/{question_id:int}/answer"): row(LOGIN, D403, ALLOW, D403, D403, D403, D403, D403, ALLOW, params=QUESTION, body={"answer": "Yes."}),
    ("POST", "/challenges/{challenge_id:int}/announcements"):             row(LOGIN, D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN, body={"title": "T", "body": "B"}),
    ("POST", "/challenges/{challenge_id:int}/register"):                  row(LOGIN, ALLOW, D403,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params=OPEN, body=REGISTER_FORM),
    ("POST", "/challenges/{challenge_id:int}/unregister"):                row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  H404,  params=OPEN, body={}),
    ("GET", "/challenges/{challenge_id:int}/registrations.csv"):          row(LOGIN, D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN),
    ("GET", "/feeds/challenges.atom"):                                    row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/feeds/deadlines.ics"):                                      row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    # -- teams: seen by members (solver leads, verifier is a member) and admins, 404 for others;
    #    changed by the lead (403 for a member or an admin); an invitation answered only by its
    #    invitee (curator), 404 for everyone else, admins too. Removing a member runs each cell on
    #    its own copy: the lead removing verifier and verifier leaving both succeed.
    ("GET", "/api/v1/teams"):                                             row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/api/v1/teams"):                                            row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"name": "Matrix new team"}),
    ("GET", "/api/v1/teams/{team_id}"):                                   row(D401,  ALLOW, H404,  H404,  H404,  H404,  ALLOW, H404,  ALLOW, params=TEAM),
    ("PATCH", "/api/v1/teams/{team_id}"):                                 row(D401,  ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM, body={"name": "Matrix Coral"}),
    ("DELETE", "/api/v1/teams/{team_id}"):                                row(D401,  ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM),
    ("POST", "/api/v1/teams/{team_id}/invitations"):                      row(D401,  ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM, body={"email": "new@matrix.example"}),
    ("DELETE", "/api/v1/teams/{team_id}/invitations/{invitation_id}"):    row(D401,  ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM_INVITATION),
    ("DELETE", "/api/v1/teams/{team_id}/members/{user_id}"):              row(D401,  ALLOW, H404,  H404,  H404,  H404,  ALLOW, H404,  D403,  params=TEAM_MEMBER, isolate=True),
    ("POST", "/api/v1/teams/{team_id}/lead"):                             row(D401,  ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM, body={"member_id": "{team_member:int}"}),
    ("GET", "/api/v1/me/invitations"):                                    row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/api/v1/invitations/{invitation_id}/accept"):               row(D401,  H404,  H404,  H404,  H404,  H404,  H404,  ALLOW, H404,  params=INVITATION),
    ("POST", "/api/v1/invitations/{invitation_id}/decline"):              row(D401,  H404,  H404,  H404,  H404,  H404,  H404,  ALLOW, H404,  params=INVITATION),
    ("GET", "/teams"):                                                    row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/teams"):                                                   row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={"name": "Matrix new team"}),
    ("GET", "/teams/{team_id:int}"):                                      row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  ALLOW, H404,  ALLOW, params=TEAM),
    ("POST", "/teams/{team_id:int}/rename"):                              row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM, body={"name": "Matrix Coral"}),
    ("POST", "/teams/{team_id:int}/dissolve"):                            row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM, body={}),
    ("POST", "/teams/{team_id:int}/invitations"):                         row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM, body={"email": "new@matrix.example"}),
    ("POST", "/teams/{team_id:int}/invitations/{invitation_id:int}/revoke"): row(LOGIN, ALLOW, H404, H404, H404, H404, D403, H404, D403, params=TEAM_INVITATION, body={}),
    ("POST", "/teams/{team_id:int}/members/{user_id:int}/remove"):        row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  ALLOW, H404,  D403,  params=TEAM_MEMBER, body={}, isolate=True),
    ("POST", "/teams/{team_id:int}/lead"):                                row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  D403,  H404,  D403,  params=TEAM, body={"member_id": "{team_member}"}),
    ("POST", "/teams/invitations/{invitation_id:int}/accept"):            row(LOGIN, H404,  H404,  H404,  H404,  H404,  H404,  ALLOW, H404,  params=INVITATION, body={}),
    ("POST", "/teams/invitations/{invitation_id:int}/decline"):           row(LOGIN, H404,  H404,  H404,  H404,  H404,  H404,  ALLOW, H404,  params=INVITATION, body={}),
    # -- submissions: the entrant (solver) sees and changes their entry; the owner and admins
    #    see it once submitted (so changing it is 403 for them); everyone else: 404. `solver`'s
    #    entry is submitted, so their changes answer 409 (ALLOW: processed), except reopen.
    ("POST", "/api/v1/challenges/{challenge_id}/submission"):             row(D401,  ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  H404,  params=OPEN, body={"title": "Again"}),
    ("GET", "/api/v1/challenges/{challenge_id}/submission"):              row(D401,  ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  H404,  params=OPEN),
    ("GET", "/api/v1/challenges/{challenge_id}/submissions"):             row(D401,  D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN),
    ("GET", "/api/v1/submissions/{submission_id}"):                       row(D401,  ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=ENTRY),
    ("PATCH", "/api/v1/submissions/{submission_id}"):                     row(D401,  ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY, body={"title": "Edited"}),
    ("POST", "/api/v1/submissions/{submission_id}/files"):                row(D401,  ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY, files=PDF_UPLOAD),
    ("GET", "/api/v1/submissions/{submission_id}/files/{file_id}"):       row(D401,  ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=ENTRY_FILE),
    ("DELETE", "/api/v1/submissions/{submission_id}/files/{file_id}"):    row(D401,  ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY_FILE),
    ("POST", "/api/v1/submissions/{submission_id}/submit"):               row(D401,  ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY),
    ("POST", "/api/v1/submissions/{submission_id}/reopen"):               row(D401,  ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY),
    ("GET", "/api/v1/submissions/{submission_id}/receipts/{number}"):     row(D401,  ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=RECEIPT),
    ("GET", "/challenges/{challenge_id:int}/submission"):                 row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  H404,  params=OPEN),
    ("POST", "/challenges/{challenge_id:int}/submission"):                row(LOGIN, ALLOW, H404,  H404,  H404,  H404,  H404,  H404,  H404,  params=OPEN, body={"title": "Again"}),
    ("GET", "/challenges/{challenge_id:int}/submissions"):                row(LOGIN, D403,  ALLOW, D403,  D403,  D403,  D403,  D403,  ALLOW, params=OPEN),
    ("GET", "/submissions/{submission_id:int}"):                          row(LOGIN, ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=ENTRY),
    ("POST", "/submissions/{submission_id:int}/edit"):                    row(LOGIN, ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY, body={"title": "Edited"}),
    ("POST", "/submissions/{submission_id:int}/files"):                   row(LOGIN, ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY, files=PDF_UPLOAD),
    ("GET", "/submissions/{submission_id:int}/files/{file_id:int}"):      row(LOGIN, ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=ENTRY_FILE),
    ("POST", "/submissions/{submission_id:int}/files/{file_id:int}/delete"): row(LOGIN, ALLOW, D403, H404, H404,  H404,  H404,  H404,  D403,  params=ENTRY_FILE, body={}),
    ("POST", "/submissions/{submission_id:int}/submit"):                  row(LOGIN, ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY, body={}),
    ("POST", "/submissions/{submission_id:int}/reopen"):                  row(LOGIN, ALLOW, D403,  H404,  H404,  H404,  H404,  H404,  D403,  params=ENTRY, body={}),
    ("GET", "/submissions/{submission_id:int}/receipts/{number:int}"):    row(LOGIN, ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, params=RECEIPT),
    ("GET", "/submissions/{submission_id:int}/receipts/{number:int}.json"): row(LOGIN, ALLOW, ALLOW, H404, H404,  H404,  H404,  H404,  ALLOW, params=RECEIPT),
    # -- inventory (public reads; curators and admins write; anyone signed in suggests, and
    #    sees only their own suggestions; the DELETE rows run each cell on its own copy)
    ("DELETE", "/api/v1/mechanisms/{mechanism_id}"):                            row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}, isolate=True),
    ("DELETE", "/api/v1/mechanisms/{mechanism_id}/links/{link_id}"):            row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}", "link_id": "{link}"}, body={}, isolate=True),
    ("DELETE", "/api/v1/technologies/{technology_id}"):                         row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"technology_id": "{technology}"}, body={}, isolate=True),
    ("GET", "/api/v1/inventory/export"):                                        row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/inventory/export.zip"):                                    row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/mechanisms"):                                              row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/mechanisms/{mechanism_id}"):                               row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}),
    ("GET", "/api/v1/mechanisms/{mechanism_id}/links"):                         row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}),
    ("GET", "/api/v1/mechanisms/{mechanism_id}/revisions"):                     row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}),
    ("GET", "/api/v1/mechanisms/{mechanism_id}/revisions/compare"):             row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, query="older=1&newer=1"),
    ("GET", "/api/v1/suggestions"):                                             row(D401 , ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/suggestions/{suggestion_id}"):                             row(D401 , ALLOW, H404 , H404 , H404 , H404 , H404 , ALLOW, ALLOW, params={"suggestion_id": "{suggestion}"}),
    ("GET", "/api/v1/technologies"):                                            row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/technologies/{technology_id}"):                            row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"technology_id": "{technology}"}),
    ("GET", "/api/v1/technologies/{technology_id}/revisions"):                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"technology_id": "{technology}"}),
    ("GET", "/api/v1/technologies/{technology_id}/revisions/compare"):          row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"technology_id": "{technology}"}, query="older=1&newer=1"),
    ("GET", "/inventory"):                                                      row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/inventory/mechanisms/new"):                                       row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/inventory/mechanisms/{mechanism_id:int}"):                        row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}),
    ("GET", "/inventory/mechanisms/{mechanism_id}/edit"):                       row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}),
    ("GET", "/inventory/mechanisms/{mechanism_id}/suggest"):                    row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}),
    ("GET", "/inventory/stale"):                                                row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW),
    ("GET", "/inventory/suggestions"):                                          row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/inventory/technologies"):                                         row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/inventory/technologies/new"):                                     row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/inventory/technologies/{technology_id:int}"):                     row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"technology_id": "{technology}"}),
    ("GET", "/inventory/technologies/{technology_id}/edit"):                    row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"technology_id": "{technology}"}),
    ("GET", "/inventory/technologies/{technology_id}/suggest"):                 row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"technology_id": "{technology}"}),
    ("GET", "/inventory/transfer"):                                             row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/inventory/{kind}/{entity_id:int}/history"):                       row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"kind": "mechanisms", "entity_id": "{mechanism}"}),
    ("PATCH", "/api/v1/mechanisms/{mechanism_id}"):                             row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}),
    ("PATCH", "/api/v1/technologies/{technology_id}"):                          row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"technology_id": "{technology}"}, body={}),
    ("POST", "/api/v1/inventory/import"):                                       row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, body={}),
    ("POST", "/api/v1/mechanisms"):                                             row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, body={}),
    ("POST", "/api/v1/mechanisms/{mechanism_id}/links"):                        row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}),
    ("POST", "/api/v1/mechanisms/{mechanism_id}/revisions/{number}/restore"):   row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}", "number": "{revision}"}, body={}),
    ("POST", "/api/v1/mechanisms/{mechanism_id}/verify"):                       row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}),
    ("POST", "/api/v1/suggestions"):                                            row(D401 , ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("POST", "/api/v1/suggestions/{suggestion_id}/accept"):                     row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"suggestion_id": "{suggestion}"}, body={}),
    ("POST", "/api/v1/suggestions/{suggestion_id}/reject"):                     row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"suggestion_id": "{suggestion}"}, body={}),
    ("POST", "/api/v1/technologies"):                                           row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, body={}),
    ("POST", "/api/v1/technologies/{technology_id}/revisions/{number}/restore"):row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"technology_id": "{technology}", "number": "{revision}"}, body={}),
    ("POST", "/api/v1/technologies/{technology_id}/verify"):                    row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"technology_id": "{technology}"}, body={}),
    ("POST", "/inventory/mechanisms/new"):                                      row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("POST", "/inventory/mechanisms/{mechanism_id}/delete"):                    row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}, isolate=True),
    ("POST", "/inventory/mechanisms/{mechanism_id}/edit"):                      row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}),
    ("POST", "/inventory/mechanisms/{mechanism_id}/links"):                     row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}),
    ("POST", "/inventory/mechanisms/{mechanism_id}/links/{link_id}/delete"):    row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}", "link_id": "{link}"}, body={}, isolate=True),
    ("POST", "/inventory/mechanisms/{mechanism_id}/suggest"):                   row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}),
    ("POST", "/inventory/mechanisms/{mechanism_id}/verify"):                    row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"mechanism_id": "{mechanism}"}, body={}),
    ("POST", "/inventory/suggestions/{suggestion_id}/accept"):                  row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"suggestion_id": "{suggestion}"}, body={}),
    ("POST", "/inventory/suggestions/{suggestion_id}/reject"):                  row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"suggestion_id": "{suggestion}"}, body={}),
    ("POST", "/inventory/technologies/new"):                                    row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("POST", "/inventory/technologies/{technology_id}/delete"):                 row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"technology_id": "{technology}"}, body={}, isolate=True),
    ("POST", "/inventory/technologies/{technology_id}/edit"):                   row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"technology_id": "{technology}"}, body={}),
    ("POST", "/inventory/technologies/{technology_id}/suggest"):                row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"technology_id": "{technology}"}, body={}),
    ("POST", "/inventory/technologies/{technology_id}/verify"):                 row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"technology_id": "{technology}"}, body={}),
    ("POST", "/inventory/transfer/import"):                                     row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, body={}),
    ("POST", "/inventory/{kind}/{entity_id:int}/revisions/{number:int}/restore"):row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"kind": "mechanisms", "entity_id": "{mechanism}", "number": "{revision}"}, body={}),
    # -- notifications: each signed-in user reads only their own inbox
    ("GET", "/api/v1/me/messages"):                       row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/api/v1/me/messages/read"):                 row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    ("GET", "/inbox"):                                    row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("POST", "/inbox/read"):                              row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, body={}),
    # -- moderation: anyone signed in reports what they can see ({question} is solver's unanswered
    #    question: its asker, its sponsor and admins see it); curators and admins decide (a 409
    #    when nothing is open is processed); admins change an account's standing (lifting a
    #    bystander in good standing is a 409)
    ("POST", "/api/v1/reports"):                          row(D401,  ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, body=REPORT_BODY),
    ("GET", "/api/v1/reports/mine"):                      row(D401,  ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/moderation/reports"):                row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, ALLOW),
    ("POST", "/api/v1/moderation/subjects/{kind}/{subject_id}"): row(D401, D403, D403, D403, D403, D403, D403, ALLOW, ALLOW, params=REPORTED, body={"action": "dismiss", **REASON}),
    ("PUT", "/api/v1/users/{user_id}/standing"):          row(D401,  D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, body={"action": "lift"}),
    ("GET", "/report"):                                   row(LOGIN, ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, query="kind=question&id={question}"),
    ("POST", "/report"):                                  row(LOGIN, ALLOW, ALLOW, H404,  H404,  H404,  H404,  H404,  ALLOW, body={"kind": "question", "id": "{question}", "reason": "spam"}),
    ("GET", "/moderation"):                               row(LOGIN, D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, ALLOW),
    ("POST", "/moderation/{kind}/{subject_id}"):          row(LOGIN, D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, ALLOW, params=REPORTED, body={"action": "dismiss", **REASON}),
    ("GET", "/admin/users/{user_id}/standing"):           row(LOGIN, D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW),
    ("POST", "/admin/users/{user_id}/standing"):          row(LOGIN, D403,  D403,  D403,  D403,  D403,  D403,  D403,  ALLOW, body={"action": "lift"}),
    # -- needs, gaps, coordination and country profiles (public reads; curators write)
    ("DELETE", "/api/v1/needs/{need_id:int}"):                                      row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"need_id": "{need}"}, body={}, isolate=True),
    ("GET", "/api/v1/coordination/budgets"):                                    row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/coordination/cells"):                                      row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/coordination/overlaps"):                                   row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/gaps"):                                                    row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/gaps/matrix"):                                             row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/needs"):                                                   row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/needs/export"):                                            row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/needs/{need_id:int}"):                                         row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"need_id": "{need}"}),
    ("GET", "/api/v1/needs/{need_id:int}/revisions"):                               row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"need_id": "{need}"}),
    ("GET", "/coordination"):                                                   row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/countries/{alpha3}"):                                             row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"alpha3": "{country}"}),
    ("GET", "/gaps"):                                                           row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/needs"):                                                          row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/needs/import"):                                                   row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW),
    ("GET", "/needs/new"):                                                      row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW),
    ("GET", "/needs/{need_id}"):                                                row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"need_id": "{need}"}),
    ("GET", "/needs/{need_id}/edit"):                                           row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"need_id": "{need}"}),
    ("GET", "/needs/{need_id}/history"):                                        row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"need_id": "{need}"}),
    ("PATCH", "/api/v1/needs/{need_id:int}"):                                       row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"need_id": "{need}"}, body={}),
    ("POST", "/api/v1/needs"):                                                  row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, body={}),
    ("POST", "/api/v1/needs/import"):                                           row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, body={}),
    ("POST", "/needs/import"):                                                  row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, body={}),
    ("POST", "/needs/new"):                                                     row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, body={}),
    ("POST", "/needs/{need_id}/delete"):                                        row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"need_id": "{need}"}, body={}, isolate=True),
    ("POST", "/needs/{need_id}/edit"):                                          row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, ALLOW, params={"need_id": "{need}"}, body={}),
    # -- judging: the manager (sponsor_owner, admin) runs the panel and reads the results, the
    #    panel's judge scores; the manager gets 403 on scoring, the judge 403 on the panel;
    #    everyone else (judge_other too) 404. Results answer 409 while judging goes on. Each
    #    cell removing judge_assigned runs on its own copy.
    ("GET", "/api/v1/judging/assignments"):                                     row(D401 , D403 , D403 , D403 , ALLOW, ALLOW, D403 , D403 , D403 ),
    ("GET", "/api/v1/challenges/{challenge_id}/judging/panel"):                 row(D401 , H404 , ALLOW, H404 , D403 , H404 , H404 , H404 , ALLOW, params=JUDGED),
    ("POST", "/api/v1/challenges/{challenge_id}/judging/panel"):                row(D401 , H404 , ALLOW, H404 , D403 , H404 , H404 , H404 , ALLOW, params=JUDGED, body={"judge_id": 1}),
    ("DELETE", "/api/v1/challenges/{challenge_id}/judging/panel/{judge_id}"):   row(D401 , H404 , ALLOW, H404 , D403 , H404 , H404 , H404 , ALLOW, params=ON_PANEL, isolate=True),
    ("GET", "/api/v1/challenges/{challenge_id}/judging/entries"):               row(D401 , H404 , D403 , H404 , ALLOW, H404 , H404 , H404 , D403 , params=JUDGED),
    ("GET", "/api/v1/challenges/{challenge_id}/judging/entries/{code}"):        row(D401 , H404 , D403 , H404 , ALLOW, H404 , H404 , H404 , D403 , params=JUDGED_ENTRY),
    ("GET", "/api/v1/challenges/{challenge_id}/judging/entries/{code}/files/{number}"): row(D401, H404, D403, H404, ALLOW, H404, H404, H404, D403, params=JUDGED_FILE),
    ("PUT", "/api/v1/challenges/{challenge_id}/judging/entries/{code}/scorecard"): row(D401, H404, D403, H404, ALLOW, H404, H404, H404, D403, params=JUDGED_ENTRY, body={"scores": [], "comment": "matrix"}),
    ("POST", "/api/v1/challenges/{challenge_id}/judging/entries/{code}/scorecard/submit"): row(D401, H404, D403, H404, ALLOW, H404, H404, H404, D403, params=JUDGED_ENTRY),
    ("POST", "/api/v1/challenges/{challenge_id}/judging/entries/{code}/recuse"): row(D401, H404, D403, H404, ALLOW, H404, H404, H404, D403, params=JUDGED_ENTRY),
    ("GET", "/api/v1/challenges/{challenge_id}/judging/results"):               row(D401 , H404 , ALLOW, H404 , D403 , H404 , H404 , H404 , ALLOW, params=JUDGED),
    ("GET", "/judging"):                                                        row(LOGIN, D403 , D403 , D403 , ALLOW, ALLOW, D403 , D403 , D403 ),
    ("GET", "/challenges/{challenge_id:int}/judging"):                          row(LOGIN, H404 , ALLOW, H404 , ALLOW, H404 , H404 , H404 , ALLOW, params=JUDGED),
    ("POST", "/challenges/{challenge_id:int}/judging/panel"):                   row(LOGIN, H404 , ALLOW, H404 , D403 , H404 , H404 , H404 , ALLOW, params=JUDGED, body={"judge_id": "{judge_other}"}),
    ("POST", "/challenges/{challenge_id:int}/judging/panel/{judge_id:int}/remove"): row(LOGIN, H404, ALLOW, H404, D403, H404, H404, H404, ALLOW, params=ON_PANEL, body={}, isolate=True),
    ("GET", "/challenges/{challenge_id:int}/judging/entries/{code}"):           row(LOGIN, H404 , D403 , H404 , ALLOW, H404 , H404 , H404 , D403 , params=JUDGED_ENTRY),
    ("POST", "/challenges/{challenge_id:int}/judging/entries/{code}"):          row(LOGIN, H404 , D403 , H404 , ALLOW, H404 , H404 , H404 , D403 , params=JUDGED_ENTRY, body={"intent": "save", "comment": "matrix"}),
    ("POST", "/challenges/{challenge_id:int}/judging/entries/{code}/recuse"):   row(LOGIN, H404 , D403 , H404 , ALLOW, H404 , H404 , H404 , D403 , params=JUDGED_ENTRY, body={}),
    ("GET", "/challenges/{challenge_id:int}/judging/entries/{code}/files/{number:int}"): row(LOGIN, H404, D403, H404, ALLOW, H404, H404, H404, D403, params=JUDGED_FILE),
    ("GET", "/challenges/{challenge_id:int}/judging/results"):                  row(LOGIN, H404 , ALLOW, H404 , D403 , H404 , H404 , H404 , ALLOW, params=JUDGED),
    # -- verification: verifiers attest (the owner and admin 403 there), the manager
    #    (sponsor_owner, admin) and verifiers read; everyone else 404.
    ("GET", "/api/v1/verification/challenges"):                                 row(D401 , D403 , D403 , D403 , D403 , D403 , ALLOW, D403 , D403 ),
    ("GET", "/api/v1/challenges/{challenge_id}/verification"):                  row(D401 , H404 , ALLOW, H404 , H404 , H404 , ALLOW, H404 , ALLOW, params=VERIFYING),
    ("PUT", "/api/v1/challenges/{challenge_id}/verification/entries/{submission_id}/targets/{target_key}"): row(D401, H404, D403, H404, H404, H404, ALLOW, H404, D403, params=ATTEST, body=ATTEST_BODY),
    ("GET", "/verification"):                                                   row(LOGIN, D403 , D403 , D403 , D403 , D403 , ALLOW, D403 , D403 ),
    ("GET", "/challenges/{challenge_id:int}/verification"):                     row(LOGIN, H404 , ALLOW, H404 , H404 , H404 , ALLOW, H404 , ALLOW, params=VERIFYING),
    ("GET", "/challenges/{challenge_id:int}/verification/entries/{submission_id:int}"): row(LOGIN, H404, ALLOW, H404, H404, H404, ALLOW, H404, ALLOW, params=VERIFIED_ENTRY),
    ("POST", "/challenges/{challenge_id:int}/verification/entries/{submission_id:int}/targets/{target_key}"): row(LOGIN, H404, D403, H404, H404, H404, ALLOW, H404, D403, params=ATTEST, body=ATTEST_BODY),
    # -- awards: the manager (sponsor_owner, admin) sees all, the entrant (solver) their own;
    #    everyone else 404.
    ("GET", "/api/v1/challenges/{challenge_id}/awards"):                        row(D401 , ALLOW, ALLOW, H404 , H404 , H404 , H404 , H404 , ALLOW, params={"challenge_id": "{awarded}"}),
    ("GET", "/challenges/{challenge_id:int}/awards"):                           row(LOGIN, ALLOW, ALLOW, H404 , H404 , H404 , H404 , H404 , ALLOW, params={"challenge_id": "{awarded}"}),
    # -- appeals: the entrant (solver) files one for their entry (here a 409: filed already) and
    #    reads their own; the manager reads all; admins decide (each decision on its own copy).
    ("GET", "/api/v1/challenges/{challenge_id}/appeals"):                       row(D401 , ALLOW, ALLOW, H404 , H404 , H404 , H404 , H404 , ALLOW, params={"challenge_id": "{awarded}"}),
    ("POST", "/api/v1/challenges/{challenge_id}/appeals"):                      row(D401 , ALLOW, H404 , H404 , H404 , H404 , H404 , H404 , H404 , params={"challenge_id": "{awarded}"}, body={"submission_id": "{awarded_entry:int}", "reason": "matrix"}),
    ("POST", "/api/v1/appeals/{appeal_id}/decision"):                           row(D401 , D403 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, params={"appeal_id": "{appeal}"}, body={"outcome": "dismissed", "decision": "matrix"}, isolate=True),
    ("POST", "/challenges/{challenge_id:int}/appeals"):                         row(LOGIN, ALLOW, H404 , H404 , H404 , H404 , H404 , H404 , H404 , params={"challenge_id": "{awarded}"}, body={"submission_id": "{awarded_entry}", "reason": "matrix"}),
    ("POST", "/appeals/{appeal_id:int}/decision"):                              row(LOGIN, D403 , D403 , D403 , D403 , D403 , D403 , D403 , ALLOW, params={"appeal_id": "{appeal}"}, body={"outcome": "dismissed", "decision": "matrix"}, isolate=True),
    # -- results: public once a challenge is final (its 360Giving export too).
    ("GET", "/api/v1/challenges/{challenge_id}/results"):                       row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"challenge_id": "{final}"}),
    ("GET", "/api/v1/challenges/{challenge_id}/results/360giving.json"):        row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"challenge_id": "{final}"}),
    ("GET", "/api/v1/results/360giving.json"):                                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/challenges/{challenge_id:int}/results"):                          row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"challenge_id": "{final}"}),
    ("GET", "/challenges/{challenge_id:int}/results/360giving.json"):           row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"challenge_id": "{final}"}),
    # -- money after the awards: the manager (sponsor_owner, admin) records payments, verifiers
    #    check holdbacks (the owner and the admin are not verifiers here); the inputs to recompute
    #    the awards and the ledger are public.
    ("POST", "/api/v1/challenges/{challenge_id}/payments"):                     row(D401 , D403 , ALLOW, D403 , D403 , D403 , D403 , D403 , ALLOW, params={"challenge_id": "{final}"}, body={"submission_id": "{final_entry:int}", "amount_minor": 1, "currency": "USD", "paid_on": "2020-01-01", "method": "other", "reference": "matrix"}, isolate=True),
    ("POST", "/challenges/{challenge_id:int}/payments"):                        row(LOGIN, D403 , ALLOW, D403 , D403 , D403 , D403 , D403 , ALLOW, params={"challenge_id": "{final}"}, body={"submission_id": "{final_entry}", "amount": "0.01", "currency": "USD", "paid_on": "2020-01-01", "method": "other", "reference": "matrix"}, isolate=True),
    ("POST", "/api/v1/challenges/{challenge_id}/holdback-checks"):              row(D401 , H404 , D403 , H404 , H404 , H404 , ALLOW, H404 , D403 , params={"challenge_id": "{final}"}, body={"submission_id": "{final_entry:int}", "measured": {}, "evidence": "matrix"}),
    ("GET", "/challenges/{challenge_id:int}/holdbacks"):                        row(LOGIN, H404 , ALLOW, H404 , H404 , H404 , ALLOW, H404 , ALLOW, params={"challenge_id": "{final}"}),
    ("POST", "/challenges/{challenge_id:int}/holdbacks"):                       row(LOGIN, H404 , D403 , H404 , H404 , H404 , ALLOW, H404 , D403 , params={"challenge_id": "{final}"}, body={"submission_id": "{final_entry}", "evidence": "matrix"}),
    ("GET", "/api/v1/challenges/{challenge_id}/awards/inputs"):                 row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, params={"challenge_id": "{final}"}),
    ("GET", "/api/v1/me/payouts"):                                              row(D401 , ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/payouts"):                                                        row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/ledger"):                                                  row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/api/v1/ledger/verify"):                                           row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/ledger"):                                                         row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
}
