"""Reading the portal's pages in tests, and filling in its ticket form."""

from __future__ import annotations

from bs4 import BeautifulSoup

#: The portal's ticket form.
FORM = "/portal/tickets/new"

#: Text that must stay text wherever a page shows it.
HOSTILE = "<img src=x onerror=alert(1)>"


def page_of(response) -> BeautifulSoup:
    """The HTML page a response holds, parsed."""
    assert response.mimetype == "text/html", response.get_data(as_text=True)[:300]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


TYPED = {
    "name": "Ann Lee",
    "email": "ann@users.example",
    "subject": "Restore a deleted folder",
    "message": "  I deleted my Photos folder yesterday.\nCan I get it back?",
}


def token(world) -> str:
    """Open the form as a browser would: the session cookie and the form's hidden token."""
    return page_of(world.get(FORM)).select_one("input[name=csrf_token]")["value"]


def send(world, csrf: str | None, **changes):
    data = {**TYPED, **changes}
    if csrf is not None:
        data["csrf_token"] = csrf
    return world.post(FORM, data=data)
