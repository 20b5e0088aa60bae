"""Bidirectional controls are made visible once per rendered page: the pages' own text (the
templates and the translations) must hold none, and every control from the API must be
caught, whatever it is next to."""

from __future__ import annotations

from pathlib import Path

import pytest

import audit
from audit.publish.render.templates import environment, render_page, template_dirs
from audit.safetext import _BIDI_CHARS, neutralise_bidi

CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_the_controls_searched_for_are_every_embedding_override_and_isolate() -> None:
    assert sorted(_BIDI_CHARS) == CONTROLS


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("padding", [0, 1, 30, 31, 32, 200])  # short texts and long ones
def test_each_control_is_made_visible_anywhere_in_a_text(control: str, padding: int) -> None:
    text = "—" * padding + control + "gnp.exe" + "€" * padding
    out = neutralise_bidi(text)
    assert control not in out
    assert out == "—" * padding + f"[U+{ord(control):04X}]gnp.exe" + "€" * padding


def test_the_templates_and_translations_hold_no_control() -> None:
    files = [p for d in template_dirs(None) for p in Path(d).glob("*.j2")]
    files += list(Path(audit.__file__).parent.glob("publish/locale/*/LC_MESSAGES/*.po"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not any(c in text for c in CONTROLS), path


def test_a_rendered_page_shows_the_controls_in_values(tmp_path: Path) -> None:
    (tmp_path / "page.html.j2").write_text("<p title='{{ name }}'>{{ name }}</p>", "utf-8")
    env = environment(tmp_path)
    page = render_page(env, "page.html.j2", name="Shop\u202egnp.exe")
    assert "\u202e" not in page
    assert page.count("Shop[U+202E]gnp.exe") == 2
