"""WCAG AA contrast for the theme's colours, in light and dark mode, and for code highlighting."""

from __future__ import annotations

import re

import pytest
from pygments.styles import get_style_by_name

from helpdesk import ENGINE_ROOT
from helpdesk.publish import settings as portal_settings

CSS = (ENGINE_ROOT / "theme" / "static" / "css" / "main.css").read_text(encoding="utf-8")
AA_TEXT = 4.5
AA_LARGE_OR_UI = 3.0

# (foreground, background, minimum): every pair the theme puts together.
PAIRS = [
    ("text", "bg", AA_TEXT),
    ("text", "surface", AA_TEXT),
    ("muted", "bg", AA_TEXT),
    ("muted", "surface", AA_TEXT),
    ("accent", "bg", AA_TEXT),
    ("accent", "surface", AA_TEXT),
    ("accent", "note-bg", AA_TEXT),
    ("accent-hover", "bg", AA_TEXT),
    ("on-accent", "accent", AA_TEXT),
    ("on-accent", "accent-hover", AA_TEXT),
    ("text", "note-bg", AA_TEXT),
    ("text", "tip-bg", AA_TEXT),
    ("text", "warning-bg", AA_TEXT),
    ("text", "danger-bg", AA_TEXT),
    ("text", "code-bg", AA_TEXT),
    ("muted", "note-bg", AA_TEXT),
    ("focus", "bg", AA_LARGE_OR_UI),
    ("focus", "surface", AA_LARGE_OR_UI),
    ("note-border", "note-bg", AA_LARGE_OR_UI),
    ("tip-border", "tip-bg", AA_LARGE_OR_UI),
    ("warning-border", "warning-bg", AA_LARGE_OR_UI),
    ("danger-border", "danger-bg", AA_LARGE_OR_UI),
    ("muted", "bg", AA_LARGE_OR_UI),  # form field borders
    ("text", "mark-bg", AA_TEXT),  # matched words in search snippets
    ("danger-border", "bg", AA_TEXT),  # a form field's error message
    ("accent", "danger-bg", AA_TEXT),  # links in a form's error summary
    ("accent", "tip-bg", AA_TEXT),  # articles that may answer a ticket
]


def luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palette(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", block))


def light_palette() -> dict[str, str]:
    return palette(re.search(r":root\s*\{(.*?)\}", CSS, re.DOTALL).group(1))


def dark_palette() -> dict[str, str]:
    block = re.search(r"prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{(.*?)\}", CSS, re.DOTALL)
    return light_palette() | palette(block.group(1))


def test_contrast_helper_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_theme_colours_meet_wcag_aa(mode):
    colours = light_palette() if mode == "light" else dark_palette()
    failures = [
        f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f} < {minimum}"
        for fg, bg, minimum in PAIRS
        if contrast(colours[fg], colours[bg]) < minimum
    ]
    assert failures == []


def test_dark_mode_really_changes_the_colours():
    light, dark = light_palette(), dark_palette()
    assert luminance(dark["bg"]) < 0.05 < luminance(light["bg"])


@pytest.mark.parametrize("setting", ["PYGMENTS_STYLE_LIGHT", "PYGMENTS_STYLE_DARK"])
def test_code_highlighting_colours_meet_wcag_aa(setting):
    style = get_style_by_name(portal_settings.load(ENGINE_ROOT / "pelicanconf.py")[setting])
    failures = []
    for token, spec in style:
        if spec["color"]:
            background = "#" + spec["bgcolor"] if spec["bgcolor"] else style.background_color
            if contrast("#" + spec["color"], background) < AA_TEXT:
                failures.append(f"{token}: {contrast('#' + spec['color'], background):.2f}")
    assert failures == []
