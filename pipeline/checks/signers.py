"""Who signed each waiver: a reviewer the project names, who made the waiver's text as it is.

``[tool.l10n.review] reviewers`` lists who may sign, as git writes an identity
("Name <email>"). A waiver whose ``who`` names nobody on that list waives
nothing and is an error. Where the waivers file is in a git repository, the
commit that gave each waiver its present text -- any field changed, a line
added or removed -- must have been authored or committed by that reviewer's
email: a waiver a translator wrote or edited is an error, and waives nothing.

The commit is found as ``git blame`` finds a line's, but for the waiver as a
whole: from the newest commit that changed the file, through the parents whose
version holds the same waiver, to the one whose parents do not. Emails are
read as the commits record them, not through ``.mailmap``, which the same
change could edit. A clone without the history (``--depth``) cannot tell, which
is an error: CI fetches the whole history. A waiver not committed yet, or a
file outside git, cannot be verified: a warning, and the waiver counts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.checks.waivers import WAIVER_CHECK, Waiver, WaiverError, Waivers, waivers_in
from pipeline.config import reviewer_identity
from pipeline.model import Finding, Severity
from pipeline.text.excerpt import quoted

HISTORY_LIMIT = 1000
"""Commits that changed the waivers file, newest first, that are read at most."""
_TIMEOUT = 60.0

WaiverText = tuple[object, ...]


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]  # the nearest ancestors that changed the file
    author: str  # email, lower case
    committer: str


class GitError(Exception):
    """git could not answer; the message says why."""


def signed_waivers(
    waivers: Waivers, path: Path, reviewers: tuple[str, ...]
) -> tuple[Waivers, list[Finding]]:
    """``waivers`` less those no reviewer signed, and a finding for each problem."""
    identities = [identity for r in reviewers if (identity := reviewer_identity(r)) is not None]
    findings: list[Finding] = []
    refused: list[Waiver] = []
    signers: dict[Waiver, set[str]] = {}
    for waiver in waivers.all():
        emails = _emails_of(waiver.who, identities)
        if emails:
            signers[waiver] = emails
            continue
        refused.append(waiver)
        listed = "lists nobody" if not identities else "does not list them"
        problem = f"not a reviewer: [tool.l10n.review] reviewers {listed}"
        findings.append(_finding(waiver, waivers.file, Severity.ERROR, problem))
    if not signers:
        return waivers.without(refused), findings
    try:
        history = FileHistory.of(path)
    except GitError as error:
        findings.append(
            Finding(WAIVER_CHECK, Severity.WARNING,
                    f"who wrote the waivers cannot be verified: {error}", waivers.file, 0)
        )  # fmt: skip
        return waivers.without(refused), findings
    for waiver, emails in signers.items():
        problem, severity = history.signed_by(waiver, emails)
        if problem:
            findings.append(_finding(waiver, waivers.file, severity, problem))
            if severity is Severity.ERROR:
                refused.append(waiver)
    return waivers.without(refused), findings


def _emails_of(who: str, identities: list[tuple[str, str]]) -> set[str]:
    """The emails of the reviewers ``who`` names: by name, by email, or as "Name <email>"."""
    wanted = who.strip().casefold()
    whole = reviewer_identity(who)
    return {
        email
        for name, email in identities
        if wanted in (name.casefold(), email) or (whole is not None and whole[1] == email)
    }


def _finding(waiver: Waiver, file: str, severity: Severity, problem: str) -> Finding:
    message = f"waiver by {quoted(waiver.who)}: {problem}"
    return Finding(WAIVER_CHECK, severity, message, file, waiver.line, waiver.lang,
                   waiver.domain, waiver.source)  # fmt: skip


@dataclass
class FileHistory:
    """The waivers file's history in its git repository, read once."""

    repository: Path
    name: str  # the file's path in the repository
    commits: dict[str, Commit]
    newest: str | None  # the newest commit that changed the file; None when none did
    shallow: frozenset[str]
    versions: dict[str, set[WaiverText]] = field(default_factory=dict)

    @classmethod
    def of(cls, path: Path) -> FileHistory:
        if shutil.which("git") is None:
            raise GitError("git is not installed")
        folder = path.parent
        try:
            top = Path(_git(folder, "rev-parse", "--show-toplevel").strip())
        except GitError as error:
            if "not a git repository" in str(error):
                raise GitError(f"{path.name} is not in a git repository") from None
            raise
        name = path.resolve().relative_to(top.resolve()).as_posix()
        if _git(folder, "rev-parse", "--is-shallow-repository").strip() == "true":
            shallow_file = Path(_git(folder, "rev-parse", "--git-path", "shallow").strip())
            shallow_file = shallow_file if shallow_file.is_absolute() else folder / shallow_file
            shallow = frozenset(shallow_file.read_text("ascii").split())
        else:
            shallow = frozenset()
        try:
            _git(top, "rev-parse", "--verify", "--quiet", "HEAD")
        except GitError:
            return cls(top, name, {}, None, shallow)  # nothing committed yet
        commits = dict(_log(top, name))
        return cls(top, name, commits, next(iter(commits), None), shallow)

    def signed_by(self, waiver: Waiver, emails: set[str]) -> tuple[str, Severity]:
        """Why the waiver is not signed by one of ``emails`` ("" when it is), and how bad."""
        sha = self._introduced(waiver.text)
        if sha is None:
            return "not committed yet: who signed it is verified once it is", Severity.WARNING
        if sha in self.shallow:
            return (
                f"who last changed it cannot be told from a shallow clone ({sha[:10]}): "
                "fetch the whole history (e.g. fetch-depth: 0)",
                Severity.ERROR,
            )
        if sha not in self.commits:
            return (
                f"the file changed more than {HISTORY_LIMIT} times since; who last changed "
                "this waiver cannot be told",
                Severity.ERROR,
            )
        commit = self.commits[sha]
        if emails & {commit.author, commit.committer}:
            return "", Severity.INFO
        return (
            f"last changed by commit {sha[:10]}, authored by {commit.author} and committed by "
            f"{commit.committer}, not by the reviewer ({', '.join(sorted(emails))})",
            Severity.ERROR,
        )

    def _introduced(self, text: WaiverText) -> str | None:
        """The commit that gave the file this waiver, as it reads now; None: not committed."""
        sha = self.newest
        if sha is None or text not in self._version(sha):
            return None
        while sha in self.commits:
            keeping = [p for p in self.commits[sha].parents if text in self._version(p)]
            if not keeping:
                return sha
            sha = keeping[0]
        return sha  # beyond the history read

    def _version(self, sha: str) -> set[WaiverText]:
        if sha not in self.versions:
            self.versions.update(_versions(self.repository, self.name, [sha]))
        return self.versions[sha]


def _log(repository: Path, name: str) -> Iterator[tuple[str, Commit]]:
    """The commits that changed ``name``, newest first, each with its nearest such parents."""
    out = _git(
        repository, "log", f"--max-count={HISTORY_LIMIT}", "--parents", "--no-mailmap",
        "--format=%H%x00%P%x00%ae%x00%ce", "HEAD", "--", name,
    )  # fmt: skip
    for line in out.splitlines():
        sha, parents, author, committer = line.split("\x00")
        yield sha, Commit(sha, tuple(parents.split()), author.lower(), committer.lower())


def _versions(repository: Path, name: str, shas: list[str]) -> dict[str, set[WaiverText]]:
    """The waivers in each commit's version of the file (none where it is missing or broken)."""
    request = "".join(f"{sha}:{name}\n" for sha in shas).encode()
    out = _git_bytes(repository, "cat-file", "--batch", stdin=request)
    found: dict[str, set[WaiverText]] = {}
    position = 0
    for sha in shas:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        texts: set[WaiverText] = set()
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            data, position = out[position : position + size], position + size + 1
            # A version that did not parse held no waiver that counts now.
            with contextlib.suppress(WaiverError):
                texts = {waiver.text for waiver in waivers_in(data, name)}
        found[sha] = texts
    return found


def _git(folder: Path, *args: str) -> str:
    return _git_bytes(folder, *args).decode("utf-8", "replace")


def _git_bytes(folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    environment = {**os.environ, "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"}
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], input=stdin, capture_output=True,
            timeout=_TIMEOUT, check=False, env=environment,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitError(f"git {args[0]}: {error}") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout
