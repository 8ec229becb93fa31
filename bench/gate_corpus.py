"""English documentation for the source-gate bench, from the inputs pinned in
``bench/source-gate-inputs.txt``, as pages of a project's ``source/``.

MkDocs' pages come built to HTML (Debian's mkdocs-doc: MkDocs' sdist holds no
docs); they are turned back into the Markdown they were written in: headings,
paragraphs, list items, table cells, quotes and code blocks, with inline code,
links and emphasis as Markdown. Python-Markdown's pages are its sdist's
``docs/**/*.md`` as written (their MultiMarkdown ``title:`` line becomes front
matter).
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from lxml import html

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "source-gate-inputs.txt"
CACHE = HERE / ".corpus" / "source-gate"

Page = tuple[str, str, str]  # (slug, title, Markdown body)


def pinned() -> list[tuple[str, str, str]]:
    """(kind, requirement, sha256) of each pinned input: kind "deb" or "pypi"."""
    found = []
    for line in INPUTS.read_text("utf-8").splitlines():
        if match := re.match(r"^(deb|pypi) (\S+) --hash=sha256:([0-9a-f]{64})$", line.strip()):
            found.append((match[1], match[2], match[3]))
    return found


def digest() -> str:
    """Names the pinned inputs in the results."""
    return hashlib.sha256(INPUTS.read_bytes()).hexdigest()[:12]


def _cached(name_start: str, sha256: str) -> Path | None:
    for path in sorted(CACHE.glob(f"{name_start}*")):
        if hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
            return path
    return None


def fetch(kind: str, requirement: str, sha256: str) -> Path:
    """The pinned file, downloaded once by its registry's own client and checked by hash."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = re.split(r"[=<>]", requirement)[0]
    stem = name if kind == "deb" else name.replace("-", "_").lower()
    found = _cached(stem, sha256) or _cached(name, sha256)
    if found is not None:
        return found
    if kind == "deb":
        subprocess.run(["apt-get", "download", "-q", requirement], cwd=CACHE, check=True)
    else:
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as wanted:
            wanted.write(f"{requirement} --hash=sha256:{sha256}\n")
            wanted.flush()
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--no-binary", ":all:", "--require-hashes", "-d", str(CACHE), "-r", wanted.name],
                check=True,
            )  # fmt: skip
    found = _cached(stem, sha256) or _cached(name, sha256)
    if found is None:
        raise RuntimeError(f"{requirement}: downloaded, but not with the pinned sha256 {sha256}")
    return found


# ---------------------------------------------------------------------------
# MkDocs: HTML back into Markdown
# ---------------------------------------------------------------------------


def _deb_members(deb: Path) -> dict[str, bytes]:
    """The files of a .deb's data archive (an ar archive holding data.tar.*)."""
    data = deb.read_bytes()
    assert data.startswith(b"!<arch>\n"), deb
    offset, payload = 8, b""
    while offset < len(data):
        header = data[offset : offset + 60]
        name, size = header[:16].decode().strip().rstrip("/"), int(header[48:58])
        if name.startswith("data.tar"):
            payload = data[offset + 60 : offset + 60 + size]
        offset += 60 + size + size % 2
    with tarfile.open(fileobj=io.BytesIO(payload)) as archive:
        return {
            member.name.removeprefix("./"): archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile()
        }


_ESCAPE = re.compile(r"([\\`*_\[\]<>])")


def _inline(element: html.HtmlElement) -> str:
    """An element's content as inline Markdown."""
    parts = [_ESCAPE.sub(r"\\\1", element.text or "")]
    for child in element:
        parts.append(_inline_element(child))
        parts.append(_ESCAPE.sub(r"\\\1", child.tail or ""))
    return "".join(parts)


def _inline_element(child: html.HtmlElement) -> str:
    tag = child.tag if isinstance(child.tag, str) else ""
    if tag == "a" and "headerlink" in (child.get("class") or ""):
        return ""
    if tag == "code":
        code = " ".join(child.text_content().split())
        fence = "``" if "`" in code else "`"
        return f"{fence}{code}{fence}" if code else ""
    inner = " ".join(_inline(child).split())
    if tag == "a" and child.get("href") and inner:
        return f"[{inner}]({child.get('href')})"
    if tag in ("em", "i") and inner:
        return f"*{inner}*"
    if tag in ("strong", "b") and inner:
        return f"**{inner}**"
    if tag == "img":
        return f"![{child.get('alt') or ''}]({child.get('src') or ''})"
    return inner if tag not in ("script", "style", "button") else ""


def _line(element: html.HtmlElement) -> str:
    return " ".join(_inline(element).split())


def _blocks(element: html.HtmlElement, indent: str = "") -> list[str]:
    """The Markdown blocks of an element's children."""
    blocks: list[str] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if re.fullmatch(r"h[1-6]", tag):
            blocks.append(f"{indent}{'#' * int(tag[1])} {_line(child)}")
        elif tag in ("p", "dt", "dd"):
            if "admonition-title" not in (child.get("class") or "") and _line(child):
                blocks.append(indent + _line(child))
        elif tag in ("ul", "ol"):
            blocks.append(_list(child, indent))
        elif tag == "pre":
            code = "".join(f"{indent}{line}\n" for line in child.text_content().splitlines())
            blocks.append(f"{indent}```\n{code}{indent}```")
        elif tag == "table":
            blocks.append(_table(child, indent))
        elif tag == "blockquote":
            blocks.extend(indent + "> " + b.replace("\n", "\n> ") for b in _blocks(child))
        elif tag in ("div", "dl", "section", "details"):
            blocks.extend(_blocks(child, indent))
    return [b for b in blocks if b.strip()]


_BLOCK_TAGS = frozenset(
    {"p", "ul", "ol", "pre", "div", "table", "blockquote", "dl", "h1", "h2", "h3", "h4", "h5"}
)


def _item_blocks(item: html.HtmlElement, indent: str) -> list[str]:
    """A list item's blocks: its leading inline text, then its block children."""
    first = next((i for i, c in enumerate(item) if c.tag in _BLOCK_TAGS), len(item))
    lead, rest = copy.deepcopy(item), html.Element("div")
    for child in list(lead)[first:]:
        lead.remove(child)
    for child in list(item)[first:]:
        rest.append(copy.deepcopy(child))
    return ([indent + _line(lead)] if _line(lead) else []) + _blocks(rest, indent)


def _list(element: html.HtmlElement, indent: str) -> str:
    items, loose = [], False
    for number, item in enumerate(element.findall("li"), start=1):
        marker = f"{number}. " if element.tag == "ol" else "- "
        blocks = _item_blocks(item, indent + " " * len(marker))
        if blocks:
            blocks[0] = indent + marker + blocks[0].lstrip()
            loose = loose or len(blocks) > 1
            items.append("\n\n".join(blocks))
    return ("\n\n" if loose else "\n").join(items)


def _table(element: html.HtmlElement, indent: str) -> str:
    rows = [
        [
            _line(cell).replace("|", "\\|") or " "
            for cell in row.findall("./th") + row.findall("./td")
        ]
        for row in element.iter("tr")
    ]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [" "] * (width - len(row)) for row in rows]
    lines = [rows[0], ["---"] * width, *rows[1:]]
    return "\n".join(indent + "| " + " | ".join(row) + " |" for row in lines)


def mkdocs_pages(deb: Path) -> list[Page]:
    """MkDocs' documentation pages (every page with a main column), as Markdown."""
    pages = []
    prefix = "usr/share/doc/mkdocs/html/"
    for name, data in sorted(_deb_members(deb).items()):
        if not (name.startswith(prefix) and name.endswith(".html")) or name.endswith("404.html"):
            continue
        main = html.document_fromstring(data).xpath('//div[@role="main"]')
        if not main:
            continue
        blocks = _blocks(main[0])
        title = blocks.pop(0).lstrip("# ") if blocks and blocks[0].startswith("# ") else name
        slug = re.sub(r"[^a-z0-9]+", "-", name[len(prefix) : -5].lower()).strip("-")
        pages.append((f"mkdocs-{slug}", title, "\n\n".join(blocks) + "\n"))
    return pages


# ---------------------------------------------------------------------------
# Python-Markdown: Markdown as written
# ---------------------------------------------------------------------------


def python_markdown_pages(sdist: Path) -> list[Page]:
    """Python-Markdown's documentation pages, their meta-data line as the title."""
    pages = []
    with tarfile.open(sdist) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            found = re.search(r"/docs/(.+)\.md$", member.name)
            if not member.isfile() or found is None:
                continue
            text = archive.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
            meta = re.match(r"((?:[A-Za-z]+:[^\n]*\n)+)\n", text)
            title = found[1]
            if meta:
                text = text[meta.end() :]
                title = re.search(r"(?im)^title:\s*(.+)$", meta[1])[1]  # type: ignore[index]
            slug = re.sub(r"[^a-z0-9]+", "-", found[1].lower()).strip("-")
            pages.append((f"markdown-{slug}", title.strip(), text))
    return pages


def english_pages(quick: bool = False) -> dict[str, list[Page]]:
    """Each pinned documentation's pages, by name (quick: MkDocs' only)."""
    corpora: dict[str, list[Page]] = {}
    for kind, requirement, sha256 in pinned():
        path = fetch(kind, requirement, sha256)
        if kind == "deb":
            corpora["MkDocs 1.4.2"] = mkdocs_pages(path)
        elif not quick:
            corpora["Python-Markdown 3.7"] = python_markdown_pages(path)
    return corpora


def write_pages(root: Path, pages: list[Page]) -> None:
    """``pages`` as ``source/<slug>.md`` with front matter, in order."""
    (root / "source").mkdir(parents=True, exist_ok=True)
    for order, (slug, title, body) in enumerate(pages, start=1):
        quoted = title.replace("\\", "\\\\").replace('"', '\\"')
        front = f'---\ntitle: "{quoted}"\nslug: {slug}\norder: {order}\n---\n\n'
        (root / "source" / f"{slug}.md").write_text(front + body, "utf-8")
