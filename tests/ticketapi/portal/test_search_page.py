"""GET /portal/search: results in the portal's theme, without any JavaScript."""

from __future__ import annotations

import pytest

from tests.ticketapi.portal.pages import HOSTILE, page_of, text_of


def search(world, query: str = "", **params):
    return world.get("/portal/search", query_string={"q": query, **params})


def results(page) -> list[str]:
    return [text_of(h2) for h2 in page.select(".result-list h2")]


def test_results_have_title_link_section_and_highlighted_snippet(world):
    response = search(world, "restore snapshot")
    assert response.status_code == 200
    page = page_of(response)
    first = page.select_one(".result-list li")
    assert first.h2.a["href"] == "/kb/backup/restore-files/"
    assert text_of(first.h2) == "Restore files from a snapshot"
    assert text_of(first.select_one(".meta")) == "Article · Backup & restore"
    marked = [text_of(mark) for mark in first.select(".snippet mark")]
    assert "snapshot" in marked
    assert text_of(page.select_one(".search-count")) == "2 results for “restore snapshot”"


def test_the_query_stays_in_the_box_and_the_header_box_gives_way(world):
    page = page_of(search(world, "invoices"))
    boxes = page.select("input[name=q]")
    assert len(boxes) == 1  # the page's own box; the header's is not repeated
    assert boxes[0]["value"] == "invoices"
    assert page.select_one("main form[role=search]")["action"] == "/portal/search"


def test_counts_per_section_are_filter_links(world):
    page = page_of(search(world, "backups"))
    tabs = {text_of(a): a["href"] for a in page.select(".search-tabs a")}
    assert tabs == {
        "All (24)": "/portal/search?q=backups",
        "News (23)": "/portal/search?q=backups&section=news",
        "Downloads (1)": "/portal/search?q=backups&section=download",
    }
    assert text_of(page.select_one(".search-tabs [aria-current=page]")) == "All (24)"


def test_a_section_filter_shows_only_that_section_and_still_counts_all(world):
    page = page_of(search(world, "backups", section="download"))
    assert results(page) == ["Sample exclusion list"]
    assert text_of(page.select_one(".search-tabs [aria-current=page]")) == "Downloads (1)"
    assert "All (24)" in [text_of(a) for a in page.select(".search-tabs a")]


def test_news_results_show_their_date(world):
    page = page_of(search(world, "maintenance", section="news"))
    assert text_of(page.select_one(".result-list .meta")).startswith("News · ")
    assert "March 2026" in text_of(page.select_one(".result-list .meta"))


def test_pages_of_results_link_to_each_other(world):
    first = page_of(search(world, "maintenance"))
    assert len(results(first)) == 10
    nav = first.select_one("nav.pagination")
    assert "Page 1 of 3" in text_of(nav)
    assert nav.select_one("a[rel=next]")["href"] == "/portal/search?q=maintenance&page=2"
    assert nav.select_one("a[rel=prev]") is None
    last = page_of(search(world, "maintenance", page="3"))
    assert len(results(last)) == 3
    assert last.select_one("nav.pagination a[rel=prev]")["href"].endswith("page=2")
    assert last.select_one("nav.pagination a[rel=next]") is None
    assert not set(results(first)) & set(results(last))


def test_a_page_past_the_last_links_back_to_the_first(world):
    page = page_of(search(world, "invoices", page="7"))
    assert results(page) == []
    assert "no more results" in text_of(page.select_one("#search-results"))
    assert page.select_one("#search-results a")["href"] == "/portal/search?q=invoices"


def test_did_you_mean_links_to_the_corrected_search(world):
    page = page_of(search(world, "invoce maintenance"))
    link = page.select_one(".search-suggestion a")
    assert text_of(link) == "invoice maintenance"
    assert link["href"] == "/portal/search?q=invoice+maintenance"


def test_a_misspelling_that_finds_nothing_shows_the_correction_s_results(world):
    page = page_of(search(world, "invoce"))
    assert results(page) == ["Download invoices"]
    assert "Nothing matched “invoce”" in text_of(page.select_one(".search-suggestion"))


def test_no_results_offers_to_submit_a_ticket_with_the_words_as_subject(world):
    page = page_of(search(world, "quantum teleporter"))
    assert text_of(page.select_one(".search-count")) == "No results for “quantum teleporter”"
    submit = page.select_one(".search-empty a.button")
    assert text_of(submit) == "Submit a ticket"
    assert submit["href"] == "/portal/tickets/new?subject=quantum+teleporter"


def test_without_a_query_the_page_invites_one(world):
    page = page_of(search(world))
    assert page.select(".result-list") == []
    assert text_of(page.select_one(".search-count")) == ""
    assert "Type a question" in text_of(page.select_one("#search-results"))


def test_typed_markup_is_shown_as_text(world):
    response = search(world, HOSTILE)
    html = response.get_data(as_text=True)
    assert "<img" not in html
    page = page_of(response)
    assert page.select_one("input[name=q]")["value"] == HOSTILE
    assert HOSTILE in text_of(page.select_one(".search-count"))
    assert HOSTILE in text_of(page.title)


def test_indexed_text_that_looks_like_markup_stays_text_in_the_snippet(world):
    response = search(world, "onerror")
    assert "<img" not in response.get_data(as_text=True)
    snippet = page_of(response).select_one(".snippet")
    assert [child.name for child in snippet.find_all(True)] == ["mark"]
    assert HOSTILE in snippet.get_text()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-3"},
        {"page": "100000"},
        {"section": "everything"},
        {"q": "x" * 5000},
        {"q": "nul\x00byte"},
    ],
)
def test_odd_query_strings_still_get_a_page(world, params):
    response = search(world, **{"q": "backups", **params})
    assert response.status_code == 200
    assert page_of(response).h1 is not None


def test_before_the_first_build_the_page_says_search_is_not_ready(
    app, world, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "SEARCH_INDEX", str(tmp_path / "no-index-yet"))
    page = page_of(search(world, "backups"))
    assert "has not been built" in text_of(page.select_one(".notice"))


def test_search_pages_forbid_inline_scripts_and_other_hosts(world):
    response = search(world, "backups")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = page_of(response)
    assert all(script.get("src") for script in page.find_all("script"))
    assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


def test_a_word_being_typed_finds_the_words_it_begins(world):
    page = page_of(search(world, "resto"))
    assert results(page)[0] == "Restore files from a snapshot"
    assert page.select_one(".search-suggestion") is None, "no 'Nothing matched “resto”'"
    assert text_of(page.select_one(".search-count")).endswith("for “resto”")
    assert "Restore" in [text_of(m) for m in page.select(".result-list .snippet mark")]
    for typed in ("snap", "snaps"):
        page = page_of(search(world, typed))
        assert set(results(page)) == {"Restore files from a snapshot", "Sample exclusion list"}
        assert page.select_one(".search-suggestion") is None
