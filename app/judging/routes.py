"""JSON API of blind judging: the panel (manager), entries and scorecards (judges), results.

Everyone who neither manages the challenge nor sits on its panel gets 404 on all of these.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from fastapi.responses import Response

from app.accounts.deps import CurrentUser, require_role
from app.accounts.models import Role, User
from app.judging import codes, files, panel, results, service
from app.judging.access import ChallengeToJudge, ChallengeWithPanel
from app.judging.schemas import (
    AssignJudgeIn,
    AssignmentRead,
    EntryRead,
    EntrySummaryRead,
    PanelRead,
    ResultsRead,
    ScorecardIn,
    ScorecardRead,
)
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["judging"])
EntryCode = Annotated[str, Path(pattern=codes.PATTERN, description="e.g. E-7F3A9C")]
FileNumber = Annotated[int, Path(ge=1, le=1000)]
JudgeUser = Annotated[User, Depends(require_role(Role.JUDGE))]
BASE = "/challenges/{challenge_id}/judging"


@router.get("/judging/assignments", response_model=list[AssignmentRead])
def my_assignments(user: JudgeUser, db: SessionDep) -> object:
    """The challenges you judge, with your progress on each."""
    return panel.assignments(db, user=user)


@router.get(f"{BASE}/panel", response_model=PanelRead, responses=error_responses(403))
def get_panel(user: CurrentUser, challenge: ChallengeWithPanel, db: SessionDep) -> object:
    """The manager's view: judges, their progress (counts, never scores) and who could join."""
    return panel.panel(db, challenge=challenge, user=user)


@router.post(f"{BASE}/panel", response_model=PanelRead, status_code=201,
             responses=error_responses(403, 409))
def assign_judge(body: AssignJudgeIn, user: CurrentUser, challenge: ChallengeWithPanel,
                 db: SessionDep) -> object:
    """Put an account holding the judge role on the panel (it is told in its inbox)."""
    panel.assign(db, challenge=challenge, user=user, judge_id=body.judge_id)
    return panel.panel(db, challenge=challenge, user=user)


@router.delete(f"{BASE}/panel/{{judge_id}}", status_code=204,
               responses=error_responses(403, 409))
def remove_judge(judge_id: ObjectId, user: CurrentUser, challenge: ChallengeWithPanel,
                 db: SessionDep) -> None:
    """Take a judge off the panel while they have submitted no scorecard."""
    panel.remove(db, challenge=challenge, user=user, judge_id=judge_id)


@router.get(f"{BASE}/entries", response_model=list[EntrySummaryRead],
            responses=error_responses(403, 409))
def list_entries(user: CurrentUser, challenge: ChallengeToJudge,
                 db: SessionDep) -> object:
    """Your entries to score, by code only, while the challenge is in judging."""
    return service.entries(db, challenge=challenge, judge=user)


@router.get(f"{BASE}/entries/{{code}}", response_model=EntryRead,
            responses=error_responses(403, 409))
def get_entry(code: EntryCode, user: CurrentUser, challenge: ChallengeToJudge,
              db: SessionDep) -> object:
    """One entry: title, summary, files, the rubric and your own scorecard."""
    return service.entry(db, challenge=challenge, judge=user, code=code)


@router.get(f"{BASE}/entries/{{code}}/files/{{number}}", response_class=Response,
            responses=error_responses(403, 409))
def download_file(code: EntryCode, number: FileNumber,
                  user: CurrentUser, challenge: ChallengeToJudge, db: SessionDep) -> Response:
    """An entry's file as an attachment named after the entry code, without the document
    metadata (author, title, XMP) that could name the entrant."""
    path, name = service.entry_file(db, challenge=challenge, judge=user, code=code,
                                    number=number)
    return files.file_response(path, name)


@router.put(f"{BASE}/entries/{{code}}/scorecard", response_model=ScorecardRead,
            responses=error_responses(403, 409))
def save_scorecard(code: EntryCode, body: ScorecardIn,
                   user: CurrentUser, challenge: ChallengeToJudge, db: SessionDep) -> object:
    """Save your draft scorecard (the scores given replace those saved before)."""
    return service.save(db, challenge=challenge, judge=user, code=code, body=body)


@router.post(f"{BASE}/entries/{{code}}/scorecard/submit", response_model=ScorecardRead,
             responses=error_responses(403, 409))
def submit_scorecard(code: EntryCode, user: CurrentUser, challenge: ChallengeToJudge,
                     db: SessionDep) -> object:
    """Submit your draft for good (every criterion scored); 409 once submitted."""
    return service.submit(db, challenge=challenge, judge=user, code=code)


@router.post(f"{BASE}/entries/{{code}}/recuse", status_code=204,
             responses=error_responses(403, 409))
def recuse(code: EntryCode, user: CurrentUser, challenge: ChallengeToJudge,
           db: SessionDep) -> None:
    """Declare a conflict of interest: the entry leaves your list and the results."""
    service.recuse(db, challenge=challenge, judge=user, code=code)


@router.get(f"{BASE}/results", response_model=ResultsRead, responses=error_responses(403, 409))
def get_results(user: CurrentUser, challenge: ChallengeWithPanel,
                db: SessionDep) -> object:
    """The normalised results, for the manager, once the challenge has moved past judging."""
    return results.results(db, challenge=challenge, user=user)
