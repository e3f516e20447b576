"""The portal plugin: the content model of SPEC §4 on top of Pelican.

YAML front matter, knowledgebase categories, news, downloads, the glossary page,
the sitemap and the code-highlighting stylesheet.
"""

from pelican import signals
from pelican.generators import Generator

from . import highlight, knowledgebase, sitemap
from .downloads import DownloadsGenerator
from .glossary_page import GlossaryPageGenerator
from .news import NewsGenerator
from .reader import FrontMatterReader


class SiteFilesGenerator(Generator):
    """Files made from the whole site: the sitemap and the highlighting stylesheet."""

    def generate_output(self, writer):
        sitemap.write(self.context, self.settings, self.output_path)
        highlight.write(self.settings, self.output_path)


def add_reader(readers) -> None:
    for extension in FrontMatterReader.file_extensions:
        readers.reader_classes[extension] = FrontMatterReader


def add_generators(pelican):
    return [NewsGenerator, DownloadsGenerator, GlossaryPageGenerator, SiteFilesGenerator]


def register():
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(add_generators)
    signals.article_generator_pretaxonomy.connect(knowledgebase.keep_restricted_out)
    signals.article_generator_finalized.connect(knowledgebase.organise)
