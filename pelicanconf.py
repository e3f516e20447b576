"""Pelican settings for the help-centre portal (development build: `make html`, `make devserver`)."""

from pathlib import Path

from helpdesk import shared_settings

ROOT = Path(__file__).resolve().parent

SITENAME = "Tidewater Help Centre"
SITESUBTITLE = "Answers, guides and news for Tidewater backup and sync"
# Links inside the portal are site-absolute (/kb/...): the portal is always served at a domain
# root, beside the ticketapi's /portal/, /api/ and /agent/. Only feeds and the sitemap need the
# public address, so a single build works on localhost and in production alike. SITEURL is
# Pelican's prefix for those links and stays empty; SITE_URL is the public address.
SITEURL = ""
# The settings the ticketapi reads too come from helpdesk/shared_settings.py, so that plain
# `pelican`, `helpdesk build` and `helpdesk serve` agree: set HELPDESK_SITE_URL and
# HELPDESK_PORTAL_DIR (and HELPDESK_SEARCH_INDEX) rather than changing these lines.
SITE_URL = shared_settings.site_url(default="http://127.0.0.1:5000")
TIMEZONE = "UTC"
DEFAULT_LANG = "en"

PATH = "content"
# Pelican's `-o` wins; without it, HELPDESK_PORTAL_DIR, else output/ beside this file.
OUTPUT_PATH = str(shared_settings.portal_dir(default=ROOT / shared_settings.DEFAULT_PORTAL_DIR))
THEME = "theme"
GLOSSARY_FILE = str(ROOT / "glossary.yml")
GLOSSARY_FIRST_ONLY = True
IGNORE_FILES = [".*", "_*.yml"]

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "portal",  # front matter, knowledgebase, news, downloads, glossary page, sitemap
    "glossary",  # annotates glossary terms in articles, news and pages
    "search_index",  # the whoosh search index, beside the output folder (docs/search.md)
]
# The search index is HELPDESK_SEARCH_INDEX, else search-index/ beside the output folder (never
# inside the public output); SEARCH_INDEX_FULL = True indexes everything again (`--full-index`).
SEARCH_INDEX_FULL = False

# Knowledgebase articles: content/articles/<category>/<slug>.md
ARTICLE_PATHS = ["articles"]
ARTICLE_URL = "kb/{category}/{slug}/"
ARTICLE_SAVE_AS = "kb/{category}/{slug}/index.html"
ARTICLE_ORDER_BY = "title"
USE_FOLDER_AS_CATEGORY = True
SLUGIFY_SOURCE = "basename"
CATEGORY_URL = "kb/{slug}/"
CATEGORY_SAVE_AS = "kb/{slug}/index.html"
CATEGORIES_URL = "kb/"
CATEGORIES_SAVE_AS = "kb/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
RELATED_ARTICLES = 5
# Articles with `usergroups:` stay out of the public build; the ticketapi serves them here.
RESTRICTED_ARTICLE_URL = "portal/kb/{category}/{slug}/"

# News: content/news/<slug>.md, newest first, paginated, with Atom and RSS feeds.
NEWS_PATHS = ["news"]
NEWS_URL = "news/{slug}/"
NEWS_SAVE_AS = "news/{slug}/index.html"
NEWS_INDEX_URL = "news/"
NEWS_INDEX_SAVE_AS = "news/index.html"
NEWS_PER_PAGE = 10
NEWS_FEED_ATOM = "feeds/news.atom.xml"
NEWS_FEED_RSS = "feeds/news.rss.xml"

# Downloads: content/downloads/<slug>.md describing a file in content/downloads/files/.
DOWNLOAD_PATHS = ["downloads"]
DOWNLOAD_FILES_PATH = "downloads/files"
DOWNLOAD_URL = "downloads/{slug}/"
DOWNLOAD_SAVE_AS = "downloads/{slug}/index.html"
DOWNLOADS_INDEX_URL = "downloads/"
DOWNLOADS_INDEX_SAVE_AS = "downloads/index.html"

# Pages: content/pages/<slug>.md
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"

GLOSSARY_URL = "glossary/"
GLOSSARY_SAVE_AS = "glossary/index.html"

STATIC_PATHS = ["images", DOWNLOAD_FILES_PATH]
DIRECT_TEMPLATES = ["index", "categories", "tags", "404"]
INDEX_SAVE_AS = "index.html"
TEMPLATE_PAGES: dict[str, str] = {}
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""

# Pelican's own feeds are off: the portal publishes the news feeds above.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

DEFAULT_PAGINATION = False
PAGINATED_TEMPLATES = {"news": NEWS_PER_PAGE, "index": None, "category": None, "tag": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# The dynamic half (ticketapi) owns these prefixes; the theme links into them. Only pages the
# ticketapi serves are named here: the theme shows a link (Community, My tickets, the articles'
# "Was this helpful?" form) only when its key is present, so no link leads to an error page.
# Add "community": "/portal/community/", "my_tickets": "/portal/tickets/" and
# "feedback": "/portal/kb/feedback" when the ticketapi serves them.
PORTAL_LINKS = {
    "submit": "/portal/tickets/new",
    "search": "/portal/search",
    # The JSON routes the theme's search.js calls (search as you type, "this answered my question").
    "search_api": "/api/v1/search",
    "deflections_api": "/api/v1/search/deflections",
}

MARKDOWN = {
    "extensions": [
        "markdown.extensions.admonition",
        "markdown.extensions.attr_list",
        "markdown.extensions.def_list",
        "markdown.extensions.footnotes",
        "markdown.extensions.md_in_html",
        "markdown.extensions.tables",
        "markdown.extensions.toc",
        "pymdownx.details",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "pymdownx.tasklist",
    ],
    "extension_configs": {
        "markdown.extensions.toc": {
            "permalink": "#",
            "permalink_title": "Link to this section",
            "toc_depth": "2-3",
        },
        # align="center", not style="text-align: center": the portal's Content-Security-Policy
        # (ticketapi/portal/security.py) refuses inline styles.
        "markdown.extensions.tables": {"use_align_attribute": True},
        "pymdownx.highlight": {"css_class": "highlight", "guess_lang": False},
        "pymdownx.tabbed": {"alternate_style": True},
        "pymdownx.tasklist": {"custom_checkbox": True},
    },
    "output_format": "html5",
}
PYGMENTS_STYLE_LIGHT = "xcode"
PYGMENTS_STYLE_DARK = "lightbulb"

DELETE_OUTPUT_DIRECTORY = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# Our theme escapes everything it prints; only rendered Markdown is marked safe.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# `helpdesk build` checks a large site in a second process while Pelican builds.
PARALLEL_CHECK_MIN_DOCUMENTS = 100
