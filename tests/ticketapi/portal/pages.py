"""Reading the portal's pages in tests."""

from __future__ import annotations

from bs4 import BeautifulSoup

#: Text that must stay text wherever a page shows it.
HOSTILE = "<img src=x onerror=alert(1)>"


def page_of(response) -> BeautifulSoup:
    """The HTML page a response holds, parsed."""
    assert response.mimetype == "text/html", response.get_data(as_text=True)[:300]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())
