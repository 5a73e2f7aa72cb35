import pytest
from sqlalchemy.orm import Session

from app.accounts import auth
from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.audit import service as audit
from app.errors import Conflict, Forbidden, NotAuthenticated, TooManyRequests, ValidationFailed
from tests.factories import PASSWORD, make_user


def test_email_is_unique_case_insensitively(db: Session) -> None:
    make_user(db, email="Ada@Example.org")
    with pytest.raises(Conflict):
        make_user(db, email="ada@example.ORG")


def test_unknown_country_is_refused(db: Session) -> None:
    with pytest.raises(ValidationFailed) as err:
        make_user(db, country_code="XXX")
    assert "country_code" in err.value.fields


def test_sign_up_gives_the_solver_role_only(db: Session) -> None:
    user = make_user(db)
    assert user.role_names == {Role.SOLVER}


def test_grant_records_who_and_when(db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    user = make_user(db)
    accounts_service.grant_role(db, user=user, role=Role.SPONSOR, granted_by=admin)
    db.commit()
    grant = next(r for r in user.roles if r.role == Role.SPONSOR)
    assert grant.granted_by_id == admin.id
    assert grant.granted_at.tzinfo is not None
    events = audit.list_events(db, event="role.granted")
    assert events[0].subject_user_id == user.id and events[0].actor_id == admin.id


def test_only_admins_grant_roles(db: Session) -> None:
    sponsor = make_user(db, roles=[Role.SPONSOR])
    user = make_user(db)
    with pytest.raises(Forbidden):
        accounts_service.grant_role(db, user=user, role=Role.ADMIN, granted_by=sponsor)


def test_admin_cannot_remove_own_admin_role(db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    with pytest.raises(Conflict):
        accounts_service.revoke_role(db, user=admin, role=Role.ADMIN, revoked_by=admin)


def test_authenticate_records_failures_and_throttles_the_account(db: Session) -> None:
    user = make_user(db)
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            auth.authenticate(db, email=user.email or "", password="wrong password!!", ip="10.0.0.1")
    db.commit()
    # Even the right password is refused while this client cools off for this account.
    with pytest.raises(TooManyRequests) as err:
        auth.authenticate(db, email=user.email or "", password=PASSWORD, ip="10.0.0.1")
    assert int(err.value.headers["Retry-After"]) > 0
    assert len(audit.list_events(db, event="login.failed")) == 5
    # Another client (the owner's) is not held back by those failures.
    assert auth.authenticate(db, email=user.email or "", password=PASSWORD,
                             ip="10.0.0.2").id == user.id


def test_twenty_failures_from_one_address_throttle_it(db: Session) -> None:
    for n in range(20):
        with pytest.raises(NotAuthenticated):
            auth.authenticate(db, email=f"nobody{n}@example.org", password="x" * 12, ip="10.9.9.9")
    with pytest.raises(TooManyRequests):
        auth.authenticate(db, email="another@example.org", password="x" * 12, ip="10.9.9.9")


def test_token_is_stored_only_as_a_hash(db: Session) -> None:
    user = make_user(db)
    token, raw = auth.create_token(db, user=user, name="ci")
    assert raw.startswith("vcx_") and raw not in token.token_hash
    assert auth.user_for_token(db, raw_token=raw).id == user.id
    auth.revoke_token(db, user=user, token_id=token.id)
    assert auth.user_for_token(db, raw_token=raw) is None


def test_revoking_someone_elses_token_is_not_found(db: Session) -> None:
    owner, other = make_user(db), make_user(db)
    token, _ = auth.create_token(db, user=owner, name="mine")
    from app.errors import NotFound

    with pytest.raises(NotFound):
        auth.revoke_token(db, user=other, token_id=token.id)
