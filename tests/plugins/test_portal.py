"""The portal plugin: news pagination and feeds, downloads, categories, related articles."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

from helpdesk.publish.build import build


def soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def news_post(n: int) -> str:
    return f'---\ntitle: Post {n}\ndate: "2026-01-{n:02d} 10:00"\nsummary: Number {n}.\n---\n\nBody {n}.\n'


def test_news_is_newest_first_and_paginated(site, settings_for):
    site({f"content/news/post-{n}.md": news_post(n) for n in range(1, 6)})
    result = build(settings_for(site.root, NEWS_PER_PAGE=2, PAGINATED_TEMPLATES={"news": 2}))
    assert result.ok, [p.format() for p in result.report.problems]
    output = site.root / "output"
    first = soup(output / "news" / "index.html")
    titles = [h.get_text(strip=True) for h in first.select(".news-list h2")]
    assert titles == ["We launched", "Post 5"]
    assert first.select_one('a[rel="next"]')["href"] == "/news/page/2/"
    third = soup(output / "news" / "page" / "3" / "index.html")
    assert [h.get_text(strip=True) for h in third.select(".news-list h2")] == ["Post 2", "Post 1"]
    assert third.select_one(".pagination span").get_text() == "Page 3 of 3"
    assert third.select_one('a[rel="next"]') is None


def test_feeds_carry_the_news_content(site, settings_for):
    result = build(settings_for(site.root, SITE_URL="https://help.example.com"))
    assert result.ok
    atom = ET.parse(site.root / "output" / "feeds" / "news.atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = atom.find("a:entry", ns)
    assert entry.find("a:title", ns).text == "We launched"
    assert entry.find("a:link", ns).get("href") == "https://help.example.com/news/launch/"
    assert "https://help.example.com/kb/billing/refunds/" in entry.find("a:content", ns).text


def test_download_page_shows_version_size_and_digest(site, settings_for):
    site({"content/downloads/files/tool.sh": b"x" * 2048})
    assert build(settings_for(site.root)).ok
    page = soup(site.root / "output" / "downloads" / "tool" / "index.html")
    facts = dict(
        zip(
            [dt.get_text() for dt in page.select(".facts dt")],
            [dd.get_text() for dd in page.select(".facts dd")],
            strict=True,
        )
    )
    assert facts["Version"] == "1.0"
    assert facts["Size"] == "2.0 KB (2,048 bytes)"
    assert facts["SHA-256"] == hashlib.sha256(b"x" * 2048).hexdigest()
    assert page.select_one("a[download]")["href"] == "/downloads/files/tool.sh"
    assert (site.root / "output" / "downloads" / "files" / "tool.sh").read_bytes() == b"x" * 2048


def test_categories_follow_their_order_and_titles(site, settings_for):
    site(
        {
            "content/articles/setup/_category.yml": "title: Setting up\norder: 0\n",
            "content/articles/setup/install.md": "---\ntitle: Install\ndate: 2026-01-01\n---\n\nText.\n",
            "content/articles/zeta/misc.md": "---\ntitle: Misc\ndate: 2026-01-01\n---\n\nText.\n",
        }
    )
    assert build(settings_for(site.root)).ok
    home = soup(site.root / "output" / "index.html")
    cards = [card.find("h3").get_text(strip=True) for card in home.select(".card")]
    assert cards == ["Setting up", "Billing", "Zeta"]


def test_related_articles_share_tags_and_exclude_the_article_itself(site, settings_for):
    site(
        {
            "content/articles/billing/vat.md": "---\ntitle: VAT\ndate: 2026-01-01\ntags: [billing, refunds]\n---\n\nText.\n",
            "content/articles/billing/other.md": "---\ntitle: Other\ndate: 2026-01-01\ntags: [unrelated]\n---\n\nText.\n",
        }
    )
    assert build(settings_for(site.root)).ok
    page = soup(site.root / "output" / "kb" / "billing" / "refunds" / "index.html")
    related = [a.get_text() for a in page.select("aside.related a")]
    assert related == ["VAT", "Download invoices"]


def test_restricted_articles_stay_out_of_every_public_page(site, settings_for):
    site(
        {
            "content/articles/billing/partner-prices.md": (
                "---\ntitle: Partner prices\ndate: 2026-01-01\ntags: [billing]\n"
                "usergroups: [partners]\n---\n\nSecret numbers.\n"
            )
        }
    )
    assert build(settings_for(site.root)).ok
    output = site.root / "output"
    assert not (output / "kb" / "billing" / "partner-prices").exists()
    everything = "".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))
    everything += (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "Partner prices" not in everything and "Secret numbers" not in everything


def test_titles_and_summaries_are_escaped_not_executed(site, settings_for):
    site(
        {
            "content/articles/billing/refunds.md": (
                '---\ntitle: "Refunds <script>alert(1)</script>"\ndate: 2026-03-01\n'
                "summary: Use **bold** & <img src=x onerror=alert(1)>\n---\n\nBody.\n"
            )
        }
    )
    assert build(settings_for(site.root)).ok
    html = (site.root / "output" / "kb" / "billing" / "refunds" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "Refunds &lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Summaries are Markdown written by reviewed writers, but lists and meta tags print them
    # as text only.
    for page in ("kb/billing/refunds/index.html", "kb/billing/index.html", "index.html"):
        assert "onerror" not in (site.root / "output" / page).read_text(), page


def test_code_highlighting_has_light_and_dark_colours(site, settings_for):
    assert build(settings_for(site.root)).ok
    css = (site.root / "output" / "theme" / "css" / "pygments.css").read_text()
    assert ".highlight" in css
    assert "@media (prefers-color-scheme: dark)" in css


def test_links_to_dynamic_pages_appear_only_when_portal_links_name_them(site, settings_for):
    served = {"submit": "/portal/tickets/new", "search": "/portal/search"}
    assert build(settings_for(site.root, PORTAL_LINKS=served)).ok
    home = soup(site.root / "output" / "index.html")
    article = soup(site.root / "output" / "kb" / "billing" / "refunds" / "index.html")
    dynamic = [a["href"] for a in home.find_all("a") if a["href"].startswith("/portal/")]
    assert set(dynamic) == {"/portal/tickets/new"}
    assert "Community" not in home.select_one("header nav").get_text()
    assert article.select("section.feedback form") == []

    more = {
        **served,
        "community": "/portal/community/",
        "my_tickets": "/portal/tickets/",
        "feedback": "/portal/kb/feedback",
    }
    assert build(settings_for(site.root, PORTAL_LINKS=more)).ok
    home = soup(site.root / "output" / "index.html")
    article = soup(site.root / "output" / "kb" / "billing" / "refunds" / "index.html")
    nav = {a.get_text(): a["href"] for a in home.select("header nav a")}
    assert nav["Community"] == "/portal/community/"
    assert nav["My tickets"] == "/portal/tickets/"
    assert home.find("a", string="Ask the community")["href"] == "/portal/community/"
    form = article.select_one("section.feedback form")
    assert (form["method"], form["action"]) == ("post", "/portal/kb/feedback")
