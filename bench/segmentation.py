"""Markdown -> catalog speed against Translate Toolkit's md2po (and mdpo, capped).

Ours: parse the page (front matter and Markdown), segment it, build the
template and format it as PO text -- what ``md2po`` does from file to POT.
The text is real Markdown (the Node.js API documentation the system ships,
then this project's pages), cut to each size at a heading.

    python -m bench.segmentation [--quick]
"""

from __future__ import annotations

import functools
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import Record, alternate, main_for
from bench.corpus import markdown_text
from pipeline.catalogs.extract import build_templates
from pipeline.config import Config
from pipeline.po.writer import format_catalog
from pipeline.segments.blocks import document_segments
from pipeline.source.documents import parse_document

# mdpo is quadratic in the document size; run it in a child process under a time limit.
_MDPO = """
import sys
from mdpo.md2po import markdown_to_pofile
markdown_to_pofile(open(sys.argv[1], encoding="utf-8").read()).save(sys.argv[2])
"""


def ours(text: str, config: Config) -> str:
    segments = document_segments(parse_document(text, "source/bench.md"))
    return "".join(format_catalog(t) for t in build_templates(segments, config).values())


def translate_toolkit(path: Path) -> bool:
    from translate.convert.md2po import MD2POOptionParser
    from translate.storage import po

    store = po.pofile()
    with path.open("rb") as handle:
        MD2POOptionParser._parse_and_extract(handle, store)
    store.removeduplicates("msgctxt")
    store.serialize(io.BytesIO())
    return True


def mdpo(path: Path, cap: float) -> bool:
    try:
        subprocess.run(
            [sys.executable, "-c", _MDPO, str(path), str(path.with_suffix(".po"))],
            check=True,
            timeout=cap,
            capture_output=True,
        )
    except subprocess.TimeoutExpired:
        return False
    except subprocess.CalledProcessError:
        # mdpo fails on some real Markdown; that counts as not finishing, like the cap.
        return False
    return True


def _mdpo_installed() -> bool:
    try:
        import mdpo.md2po  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def measure(quick: bool) -> list[Record]:
    sizes = [125_000, 500_000] if quick else [250_000, 1_000_000, 4_000_000]
    runs = 3 if quick else 5
    mdpo_sizes = {50_000: 10.0} if quick else {250_000: 60.0, 1_000_000: 60.0}
    records: list[Record] = []
    with tempfile.TemporaryDirectory() as scratch:
        config = Config(root=Path(scratch))
        for size in [*sizes, *(s for s in mdpo_sizes if s not in sizes)]:
            text = markdown_text(size)
            megabytes = len(text.encode("utf-8")) / 1e6
            path = Path(scratch) / f"page-{size}.md"
            path.write_text(text, "utf-8")
            run_ours = functools.partial(ours, text, config)
            if size in sizes:
                mine, theirs = alternate(run_ours, functools.partial(translate_toolkit, path), runs)
                record = Record(
                    "segmentation: Markdown -> POT", f"{megabytes:.2f} MB", mine,
                    "Translate Toolkit md2po", theirs,
                )  # fmt: skip
                segments = len(document_segments(parse_document(text, "source/bench.md")))
                record.quality = {
                    "ours_mb_per_s": round(megabytes / mine.median, 2),
                    "reference_mb_per_s": round(megabytes / theirs.median, 2) if theirs else None,
                    "segments": segments,
                }
                record.target = "≥1 MB/s, linear in size"
                record.met = megabytes / mine.median >= 1.0
                records.append(record)
            if size in mdpo_sizes and _mdpo_installed():
                cap = mdpo_sizes[size]
                mine, theirs = alternate(run_ours, functools.partial(mdpo, path, cap), 1, cap)
                records.append(
                    Record(
                        "segmentation: Markdown -> POT", f"{megabytes:.2f} MB", mine, "mdpo",
                        theirs, notes=f"one run, mdpo capped at {cap:.0f} s or failed "
                        "(includes interpreter start)",
                    )
                )  # fmt: skip
    throughput = [r for r in records if r.reference == "Translate Toolkit md2po"]
    if len(throughput) > 1:
        first, last = throughput[0], throughput[-1]
        growth = first.quality["ours_mb_per_s"] / last.quality["ours_mb_per_s"]
        # The corpus is not uniform: its first documents have fewer blocks per MB than
        # the rest, so time per segment is reported beside time per MB.
        per_segment = (last.ours.median / last.quality["segments"]) / (
            first.ours.median / first.quality["segments"]
        )
        last.quality["per_mb_growth"] = round(growth, 2)
        last.quality["per_segment_growth"] = round(per_segment, 2)
        last.notes = (
            f"time per MB {last.size} / {first.size} = {growth:.2f}, "
            f"time per segment {per_segment:.2f} (1.0 = linear)"
        )
    return records


if __name__ == "__main__":
    main_for(measure, __doc__ or "")
