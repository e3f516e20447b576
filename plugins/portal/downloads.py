"""Downloads: a page per file with its version, size and SHA-256, and an index of them all."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pelican.contents import Page
from pelican.generators import Generator

from helpdesk.publish import run as portal_run
from helpdesk.publish.pelican_private import settings_named
from helpdesk.publish.problems import display_path

from .news import read_documents

UNITS = ("bytes", "KB", "MB", "GB")


class Download(Page):
    default_template = "download"

    _expand_settings = settings_named("download")  # DOWNLOAD_URL, DOWNLOAD_SAVE_AS


def human_size(size: int) -> str:
    """1536 -> '1.5 KB': decimal units, as download pages and file managers show them."""
    value, unit = float(size), UNITS[0]
    for unit in UNITS:
        if value < 1000 or unit == UNITS[-1]:
            break
        value /= 1000
    return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"


def describe_file(download: Download, files_dir: Path, files_url: str, run: portal_run.Run) -> bool:
    """Attach the file's size, digest and URL to the download; False when the file is missing."""
    path = files_dir / download.metadata["file"]
    if not path.is_file():
        run.problem(
            download.source_path,
            None,
            f"download file '{download.metadata['file']}' not found in {display_path(files_dir)}",
        )
        return False
    with path.open("rb") as handle:
        download.sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    download.size = path.stat().st_size
    download.size_text = human_size(download.size)
    download.file_name = path.name
    download.file_url = f"{files_url}/{download.metadata['file']}"
    return True


class DownloadsGenerator(Generator):
    """Read content/downloads/*.md and write each download's page and the downloads index."""

    def generate_context(self):
        files = self.settings["DOWNLOAD_FILES_PATH"]
        documents = read_documents(self, self.settings["DOWNLOAD_PATHS"], Download, exclude=[files])
        files_dir = Path(self.path) / files
        run = portal_run.current(self.settings)
        self.downloads = [d for d in documents if describe_file(d, files_dir, files, run)]
        self.downloads.sort(key=lambda d: d.title.casefold())
        self.context["downloads"] = self.downloads

    def generate_output(self, writer):
        for download in self.downloads:
            writer.write_file(
                download.save_as,
                self.get_template(download.template),
                self.context,
                page=download,
                download=download,
                url=download.url,
            )
        writer.write_file(
            self.settings["DOWNLOADS_INDEX_SAVE_AS"],
            self.get_template("downloads"),
            self.context,
            url=self.settings["DOWNLOADS_INDEX_URL"],
        )
