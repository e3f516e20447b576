"""News: dated posts, newest first, on a paginated index with Atom and RSS feeds."""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path

from pelican.contents import Article
from pelican.generators import Generator

from helpdesk.publish import run as portal_run
from helpdesk.publish.pelican_private import mark_unreadable, settings_named
from helpdesk.publish.problems import ContentError


class NewsPost(Article):
    default_template = "news_post"

    _expand_settings = settings_named("news")  # NEWS_URL, NEWS_SAVE_AS


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
            # The reader reported the problem with its file and line; the build fails on it.
            mark_unreadable(generator, name)
            continue
        except Exception as exc:  # as Pelican's own generators do: report, skip, go on
            portal_run.current(generator.settings).problem(
                Path(generator.path, name), None, f"could not be read: {type(exc).__name__}: {exc}"
            )
            mark_unreadable(generator, name)
            continue
        if not document.is_valid():
            mark_unreadable(generator, name)
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
