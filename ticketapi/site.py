"""Serve the built static portal from the same process (the embedded default)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

from ticketapi.portal.security import page_headers

#: The ticketapi's own prefixes: never files of the portal.
DYNAMIC = ("api", "agent", "portal")


class PortalPath(PathConverter):
    """A path of the static portal: anything but the ticketapi's own prefixes, so an unknown
    /portal/… or /api/… path (or method) is answered by its own family, not as a file."""

    regex = r"(?!(?:" + "|".join(DYNAMIC) + r")(?:/|$))[^/].*?"


bp = Blueprint("site", __name__)
# The built pages get the portal pages' policy: the same theme, scripts and stylesheets.
bp.after_request(page_headers)


@bp.record_once
def add_converter(state) -> None:
    state.app.url_map.converters["portal_path"] = PortalPath


@bp.get("/", defaults={"path": ""})
@bp.get("/<portal_path:path>")
def portal_file(path: str):
    """Serve a file of the portal, `index.html` for a folder, the portal's 404 page otherwise."""
    root = Path(current_app.config["PORTAL_DIR"]).resolve()
    target = safe_join(str(root), path)
    if target is not None:
        candidate = Path(target)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.is_file():
            return send_from_directory(root, candidate.relative_to(root).as_posix(), max_age=300)
    if (root / "404.html").is_file():
        return send_from_directory(root, "404.html"), 404
    abort(404)
