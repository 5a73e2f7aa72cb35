from app.accounts.passwords import hash_password, password_problem, verify_password


def test_short_password_is_refused() -> None:
    assert password_problem("short pass") == "Use at least 12 characters."


def test_common_password_is_refused_whatever_its_case() -> None:
    assert password_problem("1q2w3e4r5t6y") is not None
    assert password_problem("1Q2W3E4R5T6Y") is not None


def test_no_composition_rules_for_a_long_phrase() -> None:
    assert password_problem("all lower case words here") is None


def test_password_equal_to_email_is_refused() -> None:
    assert password_problem("someone@example.org", email="someone@example.org") is not None


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password("a sufficiently long phrase")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a sufficiently long phrase")
    assert not verify_password(hashed, "a sufficiently long phrasE")
    assert not verify_password(None, "anything at all")
