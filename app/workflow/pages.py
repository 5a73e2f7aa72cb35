"""The buttons on a challenge's page that move it (`POST /challenges/{id}/actions/{action}`):
done, back to the page with what happened; refused, the page again with the reason beside the
buttons."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import Response

from app.accounts.deps import CurrentUser, csrf_protect
from app.challenges.deps import VisibleChallenge
from app.challenges.enums import STATE_CONTEXT, STATE_LABELS
from app.challenges.pages import detail_context
from app.challenges.states import STEPS, Action
from app.errors import AppError, NotFound, record_refusal
from app.i18n.translate import N_, gettext, pgettext
from app.kit.forms import FormData, redirect
from app.kit.routing import APIRouter
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.workflow import steps

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.post("/challenges/{challenge_id:int}/actions/{action}")
def act(action: str, request: Request, form: FormData, user: CurrentUser,
        challenge: VisibleChallenge, db: SessionDep) -> Response:
    step = STEPS.get(Action(action)) if action in Action._value2member_map_ else None
    if step is None:
        raise NotFound(N_("No such action."))
    try:
        steps.perform(db, challenge=challenge, action=step.action, user=user,
                      reason=form.get("reason"))
    except AppError as exc:
        record_refusal(request, exc)  # a refused step (403) is a security event, as in the API
        context = detail_context(db, challenge, user)
        return render(request, "challenges/detail.html",
                      {**context, "action_error": exc.message, "errors": exc.fields,
                       "failed_action": action}, status_code=exc.status_code)
    flash(request, gettext("%(action)s: done. The challenge is now %(state)s.") % {
        "action": gettext(step.label),
        "state": pgettext(STATE_CONTEXT, STATE_LABELS[challenge.state]).lower()})
    return redirect(f"/challenges/{challenge.id}")
