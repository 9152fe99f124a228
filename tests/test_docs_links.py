"""The repository is self-contained: every relative link in its Markdown pages resolves to a
file inside it (and a `#anchor` to a heading of that page), every repository path its pages
name in code spans exists, and no page, code or config cites a file outside the repository.
Reads text only (well under a second)."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# the pages a reader follows: README, RESULTS, docs/ and the READMEs of shipped folders
PAGES = sorted({ROOT / "README.md", ROOT / "RESULTS.md", *ROOT.glob("docs/*.md"),
                *ROOT.glob("tests/plugins/*.md"), *ROOT.glob("pretrained/*.md")})
# code and configs whose comments and docstrings may cite pages
CODE = sorted(p for d in ("compiler", "reasoner", "tasks", "experiments", "conf", "tests")
              for ext in ("py", "yaml") for p in (ROOT / d).rglob(f"*.{ext}"))

# citations of files that live outside the repository (spelled in pieces so that this file
# does not cite them itself)
OUTSIDE = [re.compile(p) for p in (
    re.escape(".." + "/shared"),  # a sibling folder of the checkout
    re.escape("shared" + "/notes"),  # notes kept beside the repository
    r"(?<![\w/.-])" + "DESIGN" + r"\.md",  # the design note outside (the one here: docs/design.md)
    "developers" + "[\u2019'] guide",
)]

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|!\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
# a repository path named in a code span: starts with a top-level folder of the repository
TOP = ("compiler/", "reasoner/", "tasks/", "experiments/", "conf/", "tests/", "docs/", "pretrained/")
TEMPLATE = re.compile(r"[A-Z]{3,}|[<>*{}\[\]]|\.\.\.|\s")  # NAME, <run dir>, {a,b}, globs


def text_of(path: Path) -> str:
    """The page without fenced code blocks (shell sessions are not links)."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    heading = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text_of(path), re.M)}


def links(path: Path) -> list[str]:
    return [a or b for a, b in LINK.findall(text_of(path))]


def broken_links(path: Path) -> list[str]:
    """The relative links of `path` that do not resolve to a file (or heading) in the repo."""
    bad = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        file, _, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        if not resolved.is_relative_to(ROOT):
            bad.append(f"{target} (outside the repository)")
        elif not resolved.exists():
            bad.append(f"{target} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            bad.append(f"{target} (no such heading)")
    return bad


def missing_paths(path: Path) -> list[str]:
    """Repository paths named in code spans of `path` (`compiler/life/bitpacked.py`) that do
    not exist; templates (`compiler/NAME/`, `<run dir>`) are left out."""
    bad = []
    for span in CODE_SPAN.findall(text_of(path)):
        name = span.strip().rstrip(".,;:")
        if not name.startswith(TOP) or TEMPLATE.search(name):
            continue
        name = name.split("::")[0].split(":")[0]  # test ids, `path:line`
        if not (ROOT / name).exists() and not (ROOT / f"{name}.py").exists():
            bad.append(span)
    return bad


def outside_citations(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
            for pattern in OUTSIDE for m in pattern.finditer(text)]


def test_pages_found():
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert {"README.md", "RESULTS.md", "docs/design.md", "docs/plugins.md"} <= names
    assert len(CODE) > 100


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page):
    assert broken_links(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_named_paths_exist(page):
    assert missing_paths(page) == []


def test_nothing_cites_files_outside_the_repository():
    found = [hit for path in PAGES + CODE for hit in outside_citations(path)]
    assert found == []


def test_the_checks_catch_what_they_look_for(tmp_path, monkeypatch):
    """Each check flags a bad page (written under a temporary root, not in the repo)."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A page\n\nx\n")
    page = tmp_path / "README.md"
    page.write_text("[ok](docs/a.md) [ok](docs/a.md#a-page) [web](https://example.org)\n"
                    "[gone](docs/b.md) [far](../elsewhere.md) [anchor](docs/a.md#nope)\n"
                    "`docs/a.md` `compiler/gone.py` `compiler/NAME/`\n"
                    "see " + ".." + "/shared/x.md and " + "DESIGN" + ".md\n")
    assert broken_links(page) == ["docs/b.md (no such file)", "../elsewhere.md (outside the repository)",
                                  "docs/a.md#nope (no such heading)"]
    assert missing_paths(page) == ["compiler/gone.py"]
    assert len(outside_citations(page)) == 2
