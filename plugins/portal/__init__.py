"""The portal plugin: the content model of SPEC §4 on top of Pelican.

YAML front matter, knowledgebase categories, news, downloads, the glossary page,
the sitemap, the code-highlighting stylesheet, and the theme's context for the ticketapi's
`/portal/` pages (portal-context.json).
"""

from pelican import signals
from pelican.generators import Generator

from helpdesk.publish import context as portal_context
from helpdesk.publish.run import listed

from . import highlight, knowledgebase, sitemap
from .downloads import DownloadsGenerator
from .glossary_page import GlossaryPageGenerator
from .news import NewsGenerator
from .reader import FrontMatterReader


class SiteFilesGenerator(Generator):
    """Files made from the whole site: sitemap, highlighting stylesheet, portal-context.json."""

    def generate_output(self, writer):
        sitemap.write(self.context, self.settings, self.output_path)
        highlight.write(self.settings, self.output_path)
        categories = [category for category, _ in self.context.get("categories", [])]
        context = portal_context.portal_context(
            self.settings, self.context.get("pages", []), categories
        )
        portal_context.write(context, self.output_path)


def add_reader(readers) -> None:
    if listed(readers.settings, __name__):
        for extension in FrontMatterReader.file_extensions:
            readers.reader_classes[extension] = FrontMatterReader


def add_generators(pelican):
    if not listed(pelican.settings, __name__):
        return []
    return [NewsGenerator, DownloadsGenerator, GlossaryPageGenerator, SiteFilesGenerator]


def keep_restricted_out(generator) -> None:
    if listed(generator.settings, __name__):
        knowledgebase.keep_restricted_out(generator)


def organise(generator) -> None:
    if listed(generator.settings, __name__):
        knowledgebase.organise(generator)


def register():
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(add_generators)
    signals.article_generator_pretaxonomy.connect(keep_restricted_out)
    signals.article_generator_finalized.connect(organise)
