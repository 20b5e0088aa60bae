"""The reports' catalogues: complete, current with the sources, and compiled at run time.

Every message of the templates and the render modules must have a reviewed Dutch
translation (not missing, not fuzzy) with the same placeholders, and the committed
``messages.pot`` must be what ``pybabel extract`` finds in the sources today.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from audit.config import parse_config
from audit.publish.render import i18n

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "audit" / "publish" / "locale" / "messages.pot"
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def ids(path: Path) -> set[object]:
    with path.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def test_the_pot_is_what_pybabel_extracts_from_the_sources_today(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    # The README's command, run through Babel's own command line.
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                                "-o", str(fresh), "--no-location", "--sort-output",
                                str(ROOT)])
    now, committed = ids(fresh), ids(POT)
    assert now - committed == set(), "new messages: run pybabel extract (README)"
    assert committed - now == set(), "messages no longer used: run pybabel extract (README)"
    assert len(now) > 500  # the templates and the catalogue, not an empty extraction


@pytest.mark.parametrize("lang", i18n.languages()[1:])
def test_every_message_has_a_reviewed_translation(lang: str) -> None:
    with i18n.catalogue_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    entries = {m.id: m for m in catalog if m.id}
    assert set(entries) == ids(POT), f"{lang} is out of step with messages.pot: pybabel update"
    missing = [m.id for m in entries.values()
               if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in entries.values() if m.fuzzy]
    assert missing == [] and fuzzy == []


@pytest.mark.parametrize("lang", i18n.languages()[1:])
def test_translations_keep_every_placeholder(lang: str) -> None:
    with i18n.catalogue_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    for m in catalog:
        if not m.id:
            continue
        sources = m.id if isinstance(m.id, tuple) else (m.id,)
        targets = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(PLACEHOLDER.findall(sources[-1])) | set(PLACEHOLDER.findall(sources[0]))
        for target in targets:
            assert set(PLACEHOLDER.findall(target)) <= wanted, (m.id, target)
            # a dropped {n} or %(name)s would silently lose a number or a name
            assert set(PLACEHOLDER.findall(sources[0])) - {"{n}", "%(num)s"} <= \
                set(PLACEHOLDER.findall(target)), (m.id, target)


def test_english_and_dutch_ship() -> None:
    assert i18n.languages()[0] == "en"  # the source language, first
    assert "nl" in i18n.languages()


def test_catalogues_compile_at_run_time_and_switch_per_block() -> None:
    with i18n.language("nl"):
        assert i18n.gettext("In order") == "In orde"
        assert i18n.ngettext("{n} check passed", "{n} checks passed", 2) == \
            "{n} controles in orde"
        with i18n.language("en"):
            assert i18n.gettext("In order") == "In order"
        assert i18n.current() == "nl"
    assert i18n.current() == "en"
    lazy = i18n.lazy_gettext("What to do")
    with i18n.language("nl"):
        assert str(lazy) == "Wat er moet gebeuren"
    assert str(lazy) == "What to do"


def test_a_fuzzy_translation_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    po = tmp_path / "xx" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  '#, fuzzy\nmsgid "In order"\nmsgstr "Guessed"\n\n'
                  'msgid "What to do"\nmsgstr "Reviewed"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.languages() == ("en", "xx")
        with i18n.language("xx"):
            assert i18n.gettext("What to do") == "Reviewed"
            assert i18n.gettext("In order") == "In order"  # fuzzy: the English text
    finally:
        i18n.translations.cache_clear()


def config_data(**report: object) -> dict[str, object]:
    return {"agency": {"name": "A", "business_id": "1"}, "report": report,
            "clients": [{"slug": "a", "name": "A", "business_id": "2"},
                        {"slug": "b", "name": "B", "business_id": "3", "language": "nl"}]}


def test_languages_come_from_the_config_and_must_have_a_catalogue() -> None:
    config = parse_config(config_data())
    assert [config.language_for(c) for c in config.clients] == ["en", "nl"]
    config = parse_config(config_data(language="nl"))
    assert config.language_for(config.clients[0]) == "nl"
    assert i18n.validate_languages(config) == []
    data = config_data(language="fr")
    data["clients"][1]["language"] = "de"  # type: ignore[index]
    problems = i18n.validate_languages(parse_config(data))
    assert problems[0].startswith('report.language: no catalogue for "fr"; available: en, nl')
    assert problems[1].startswith('clients[1].language: no catalogue for "de"')


def test_a_language_that_is_not_a_code_is_a_config_error() -> None:
    from audit.config import ConfigError

    with pytest.raises(ConfigError) as exc:
        parse_config(config_data(language="Dutch"))
    assert exc.value.problems == ["report.language: must be a language code such as en or nl"]
