"""Oversized input under real resource limits: the CLI in a subprocess under setrlimit.

Each run gets 1 GB of address space and 20 s of CPU (``RLIMIT_AS``, ``RLIMIT_CPU``)
for inputs of about 10 MB, the sizes and shapes that once took gigabytes or never
ended. Within the limits, every run ends with one line per error, no traceback.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.projects import REPO, copy_project

# Address space, not resident memory: the language models' threads reserve stacks and map
# their data, so a check that uses its language identifier needs more than 1 GiB of it.
MEMORY = 2 << 30
CPU_SECONDS = 20
TEN_MB = 10 * 1024 * 1024


def run_limited(
    project: Path, *args: str, file_size: int | None = None
) -> subprocess.CompletedProcess[str]:
    """``l10n --project project ARGS`` in a child process under the limits."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "--project", str(project), *args],
        cwd=REPO,  # the package of this checkout, not an installed one
        preexec_fn=limit,
        capture_output=True,
        text=True,
        # A hang, not slowness: on a loaded machine the child gets a fraction of a core.
        timeout=10 * CPU_SECONDS,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The work bound is the child's CPU time (RLIMIT_CPU stops it there), which load does not
    # stretch as it stretches the wall clock.
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert used < CPU_SECONDS
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode in (0, 1, 2), (done.returncode, done.stderr[-2000:])
    return done


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("resources") / "site")


def test_the_subprocess_imports_this_checkout() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import pipeline; print(pipeline.__file__)"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(done.stdout.strip()).is_relative_to(REPO)


@pytest.mark.parametrize(
    "msgstr", ["a" * TEN_MB, "1 " * (TEN_MB // 2)], ids=["one word", "numbers"]
)
def test_a_ten_megabyte_translation_is_one_finding(project: Path, msgstr: str) -> None:
    faq = project / "locales" / "de" / "LC_MESSAGES" / "faq.po"
    original = faq.read_text()
    faq.write_text(original + f'\nmsgid "oversized"\nmsgstr "{msgstr}"\n')
    try:
        done = run_limited(project, "check", "--lang", "de", "--no-source", "--format", "json")
    finally:
        faq.write_text(original)
    assert done.returncode == 1
    assert "characters, more than the limit of 20,000" in done.stdout
    assert len(done.stdout) < 100_000


def test_a_huge_plural_count_is_a_header_error(project: Path) -> None:
    faq = project / "locales" / "de" / "LC_MESSAGES" / "faq.po"
    original = faq.read_text()
    faq.write_text(original.replace("nplurals=2;", "nplurals=300000000;", 1))
    try:
        done = run_limited(project, "check", "--lang", "de", "--no-source", "--format", "json")
    finally:
        faq.write_text(original)
    assert done.returncode == 1 and "is not between 1 and 6" in done.stdout


@pytest.mark.parametrize(
    "page",
    [
        "---\ntitle: T\nslug: big\norder: 9\n---\n" + "a" * TEN_MB + "\n",
        "---\ntitle: T\nslug: big\norder: 9\n"
        + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 12))
        + "---\nBody.\n",
    ],
    ids=["ten megabytes", "alias bomb"],
)
def test_an_oversized_page_is_one_error(project: Path, page: str) -> None:
    path = project / "source" / "zz-big.md"
    path.write_text(page.replace("*a0", "x"))
    try:
        done = run_limited(project, "update")
    finally:
        path.unlink()
    assert done.returncode == 1
    assert "source/zz-big.md:" in done.stderr.replace("\n", "")


def test_a_ten_megabyte_tmx_imports_within_the_limits(project: Path, tmp_path: Path) -> None:
    units = []
    for number in range(26_000):
        day = number % 30
        source = f"Dose {number} of the cell therapy is given in hospital on day {day}."
        target = f"Dosis {number} der Zelltherapie wird am Tag {day} im Krankenhaus gegeben."
        units.append(
            f'<tu><tuv xml:lang="en"><seg>{source}</seg></tuv>'
            f'<tuv xml:lang="de"><seg>{target}</seg></tuv></tu>\n'
        )
    tmx = tmp_path / "big.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/>'
        "<body>\n" + "".join(units) + "</body></tmx>\n"
    )
    assert tmx.stat().st_size > 5 * 1024 * 1024
    done = run_limited(project, "tm", "import", str(tmx))
    assert done.returncode == 0, done.stderr
    assert "26000 new units" in " ".join(done.stdout.split())


def test_a_file_size_limit_is_one_line_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "site")
    done = run_limited(project, "build", file_size=64 * 1024)
    assert done.returncode == 1
    # The memory is the one file of a build that must grow past the limit (the caches
    # beside it are only not kept); SQLite calls the failed write an I/O error.
    assert "translation memory:" in done.stderr and "disk I/O error" in done.stderr
    strays = [p for p in project.rglob("*.tmp")]
    assert strays == []
