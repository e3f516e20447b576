"""News: dated posts, newest first, on a paginated index with Atom and RSS feeds."""

from __future__ import annotations

import logging
from operator import attrgetter
from pathlib import Path

from pelican.contents import Article, Content
from pelican.generators import Generator

from helpdesk.publish.problems import ContentError, display_path

logger = logging.getLogger(__name__)


class NewsPost(Article):
    default_template = "news_post"

    def _expand_settings(self, key: str) -> str:
        return Content._expand_settings(self, key, "news")


def read_documents(generator: Generator, paths, content_class, exclude=()) -> list:
    """Read the Markdown documents under paths as content_class, as Pelican's generators do."""
    documents = []
    for name in sorted(generator.get_files(paths, exclude=list(exclude), extensions=["md"])):
        try:
            document = generator.readers.read_file(
                base_path=generator.path,
                path=name,
                content_class=content_class,
                context=generator.context,
            )
        except ContentError:
            # The reader logged the problem with its file and line; the build fails on it.
            generator._add_failed_source_path(name)
            continue
        except Exception as exc:  # as Pelican's own generators do: report, skip, go on
            where = display_path(Path(generator.path, name))
            logger.error("%s: could not be read: %s: %s", where, type(exc).__name__, exc)
            generator._add_failed_source_path(name)
            continue
        if not document.is_valid():
            generator._add_failed_source_path(name)
            continue
        generator.add_source_path(document)
        generator.add_static_links(document)
        if document.status == "published":
            documents.append(document)
    return documents


class NewsGenerator(Generator):
    """Write each news post, the paginated news index and the news feeds."""

    def generate_context(self):
        self.news = read_documents(self, self.settings["NEWS_PATHS"], NewsPost)
        self.news.sort(key=attrgetter("date"), reverse=True)
        self.context["news"] = self.news

    def generate_output(self, writer):
        for post in self.news:
            writer.write_file(
                post.save_as,
                self.get_template(post.template),
                self.context,
                article=post,
                url=post.url,
            )
        writer.write_file(
            self.settings["NEWS_INDEX_SAVE_AS"],
            self.get_template("news"),
            self.context,
            paginated={"articles": self.news, "dates": self.news},
            template_name="news",
            url=self.settings["NEWS_INDEX_URL"],
        )
        # Feed readers need absolute links: feeds use the public address, pages stay relative.
        feed_context = dict(
            self.context, SITEURL=self.settings["SITE_URL"], FEED_DOMAIN=self.settings["SITE_URL"]
        )
        title = f"{self.settings['SITENAME']}: news"
        for key, kind in (("NEWS_FEED_ATOM", "atom"), ("NEWS_FEED_RSS", "rss")):
            if self.settings.get(key):
                writer.write_feed(
                    self.news, feed_context, self.settings[key], feed_type=kind, feed_title=title
                )
