"""Every string the interface marks for translation has its Chinese, with the same values."""

from babel.messages.catalog import Catalog

from app.i18n import extract
from app.i18n.translate import gettext, pgettext, translate_message, translations, use_locale


def test_every_marked_string_is_translated_into_chinese() -> None:
    problems = extract.problems("zh-Hans")
    assert not problems, "\n".join(map(str, problems[:40])) + (
        f"\n… {len(problems)} in all; run `python -m app.i18n.extract` and translate them")


def problems_with_core_changed(monkeypatch, translations: dict[str, str]) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """What the check finds once the core catalog's translations are changed as given."""
    real_read = extract.read_catalog

    def changed(path, locale):  # type: ignore[no-untyped-def]
        catalog: Catalog = real_read(path, locale)
        if path.stem == "core":
            for english, translated in translations.items():
                catalog[english].string = translated
        return catalog

    monkeypatch.setattr(extract, "read_catalog", changed)
    return {(p.msgid, p.what) for p in extract.problems("zh-Hans")}


def test_the_check_finds_a_missing_translation_and_a_lost_placeholder(monkeypatch) -> None:
    found = problems_with_core_changed(
        monkeypatch, {"Sign out": "", "%(count)s unread": "未读"})
    assert ("Sign out", "not translated") in found
    assert ("%(count)s unread", "placeholders differ") in found


def test_translation_follows_the_request_language() -> None:
    with use_locale("zh-Hans"):
        assert gettext("Sign out") == "退出登录"
    with use_locale("en"):
        assert gettext("Sign out") == "Sign out"
    assert gettext("A sentence no catalog has") == "A sentence no catalog has"
    assert translations("en").gettext("Inbox") == "Inbox"


def test_pydantic_messages_are_translated_with_their_values() -> None:
    from pydantic import BaseModel, Field, ValidationError

    class Form(BaseModel):
        name: str = Field(min_length=3)
        count: int = Field(ge=1)

    try:
        Form.model_validate({"name": "ab", "count": "many"})
    except ValidationError as exc:
        name, count = (str(e["msg"]) for e in exc.errors())
    with use_locale("zh-Hans"):
        assert translate_message(name) == "至少应有 3 个字符"
        assert translate_message(count) == "请输入有效的整数，无法将该文本识别为整数"
        assert translate_message("A message of our own, unknown") == "A message of our own, unknown"
    with use_locale("en"):
        assert translate_message(name) == name


def test_areas_agree_on_the_translation_of_shared_strings() -> None:
    found = extract.disagreements("zh-Hans")
    assert not found, "\n".join(map(str, found))


def test_the_check_finds_english_copied_into_the_translation(monkeypatch) -> None:
    found = problems_with_core_changed(monkeypatch, {"Skip to content": "Skip to content"})
    assert ("Skip to content", "the translation is the English") in found


def test_a_word_with_two_meanings_is_translated_by_its_context() -> None:
    with use_locale("zh-Hans"):
        assert pgettext("challenge state", "Judging") == "评审中"
        assert gettext("Judging") == "评审"  # the menu


def test_a_message_with_values_is_english_everywhere_and_chinese_on_a_page() -> None:
    import json

    from app.i18n.translate import Translatable, translatable

    message = translatable("No such challenge.")  # in the catalogs already
    assert message == "No such challenge." and isinstance(message, Translatable)
    with_values = Translatable("%(first)s–%(last)s of %(total)s", first=1, last=20, total=42)
    assert with_values == "1–20 of 42"
    assert json.dumps({"message": with_values}) == '{"message": "1\\u201320 of 42"}'
    with use_locale("zh-Hans"):
        assert translate_message(with_values) == "第 1–20 条，共 42 条"
        assert translate_message(Translatable("Unknown %(x)s", x=1)) == "Unknown 1"


def test_a_rate_limit_refusal_reads_whole_in_chinese() -> None:
    import datetime as dt

    from app.kit.rate_limit import refusal_message

    message = refusal_message(what="Sign in to continue.", limit=20, window=dt.timedelta(days=1),
                              retry_after_seconds=3 * 3600)
    assert message == "Too many Sign in to continue.: the limit is 20 a day. Try again in 3 hours."
    with use_locale("zh-Hans"):
        assert translate_message(message) == "请登录后继续。过多：上限为每天 20 次。请在 3 小时后重试。"
