"""Synthetic help-centre content of any size, for the benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = [
    "backup",
    "restore",
    "snapshot",
    "sync",
    "folder",
    "device",
    "workspace",
    "policy",
    "retention",
    "schedule",
    "upload",
    "download",
    "network",
    "proxy",
    "storage",
    "quota",
    "invoice",
    "plan",
    "team",
    "member",
    "role",
    "token",
    "audit",
    "log",
    "error",
    "code",
    "cache",
    "conflict",
    "version",
    "server",
    "client",
    "install",
    "update",
    "settings",
    "console",
]


# Prose is mostly ordinary words: about one word in four is product vocabulary.
FILLER = [
    "the",
    "a",
    "to",
    "of",
    "and",
    "your",
    "you",
    "when",
    "if",
    "this",
    "is",
    "in",
    "for",
    "with",
    "then",
    "on",
    "it",
    "that",
    "be",
    "can",
    "by",
    "from",
    "not",
    "are",
    "as",
    "at",
    "or",
    "an",
    "will",
    "each",
    "so",
    "new",
    "more",
    "after",
    "before",
    "which",
    "only",
    "all",
    "any",
    "may",
]


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS if rng.random() < 0.25 else FILLER) for _ in range(words))
    return text.capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def article(rng: random.Random, index: int, categories: int, total: int) -> str:
    other = rng.randrange(total)
    tags = ", ".join(sorted({f"tag{rng.randrange(200)}" for _ in range(3)}))
    return f"""---
title: Synthetic article {index}
date: 2026-{1 + index % 12:02d}-{1 + index % 28:02d}
tags: [{tags}]
summary: {sentence(rng, 10)}
---

{paragraph(rng)}

## Before you start

{paragraph(rng)} See [article {other}]({{filename}}/articles/cat{other % categories}/article-{other}.md).

!!! note
    {sentence(rng)}

## Steps

1. {sentence(rng, 8)}
2. {sentence(rng, 8)}
3. {sentence(rng, 8)}

```bash
tide backup run --set documents-{index}
```

| Setting | Value |
|---|---|
| retention | {rng.randrange(7, 90)} days |
| bandwidth | {rng.randrange(1, 100)} Mbit/s |

## If it fails

{paragraph(rng, 6)}
"""


def write_site(root: Path, articles: int, categories: int = 20, seed: int = 7) -> Path:
    """Write content/ and glossary.yml for a site of `articles` articles; return root."""
    rng = random.Random(seed)
    content = root / "content"
    for index in range(articles):
        folder = content / "articles" / f"cat{index % categories}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article-{index}.md").write_text(article(rng, index, categories, articles))
    (content / "news").mkdir(parents=True, exist_ok=True)
    for index in range(20):
        (content / "news" / f"post-{index}.md").write_text(
            f'---\ntitle: News {index}\ndate: "2026-{1 + index % 12:02d}-01 09:00"\n---\n\n{paragraph(rng)}\n'
        )
    (content / "downloads" / "files").mkdir(parents=True, exist_ok=True)
    (content / "downloads" / "files" / "tool.sh").write_text("echo tool\n")
    (content / "downloads" / "tool.md").write_text(
        '---\ntitle: Tool\nversion: "1.0"\nfile: tool.sh\n---\n\nA tool.\n'
    )
    write_glossary(root, 50)
    return root


def write_glossary(root: Path, terms: int, seed: int = 11) -> Path:
    """A glossary of `terms` entries made of the words the synthetic articles use."""
    rng = random.Random(seed)
    names = list(WORDS)
    pairs = [f"{a} {b}" for a in WORDS for b in WORDS if a != b]
    rng.shuffle(pairs)
    names = (names + pairs)[:terms]
    entries = [f"- term: {name}\n  definition: {sentence(rng, 12)}\n" for name in names]
    path = root / "glossary.yml"
    path.write_text("".join(entries))
    return path


def write_settings(root: Path, engine: Path, plugins: list[str], name: str) -> Path:
    """A settings file for the engine's theme and plugins with the given PLUGINS."""
    path = root / name
    path.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(engine)!r})\n"
        "from pelicanconf import *  # noqa: F403\n"
        f"PATH = {str(root / 'content')!r}\n"
        f"THEME = {str(engine / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(engine / 'plugins')!r}]\n"
        f"GLOSSARY_FILE = {str(root / 'glossary.yml')!r}\n"
        f"PLUGINS = {plugins!r}\n"
    )
    return path
