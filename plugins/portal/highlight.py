"""Code highlighting colours, generated from Pygments styles for light and dark mode."""

from __future__ import annotations

from pathlib import Path

from pygments.formatters import HtmlFormatter


def stylesheet(light: str, dark: str) -> str:
    """One stylesheet: the light style, and the dark one under prefers-color-scheme."""
    light_css = HtmlFormatter(style=light).get_style_defs(".highlight")
    dark_css = HtmlFormatter(style=dark).get_style_defs(".highlight")
    indented = "\n".join("  " + line for line in dark_css.splitlines())
    return f"{light_css}\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"


def write(settings: dict, output_path: str) -> None:
    target = Path(output_path, settings["THEME_STATIC_DIR"], "css", "pygments.css")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        stylesheet(settings["PYGMENTS_STYLE_LIGHT"], settings["PYGMENTS_STYLE_DARK"]),
        encoding="utf-8",
    )
