"""Every image the README shows is a file of the repository: present, not
under a git-ignored folder (screenshots/ is where the browser tests write;
the README's copies live in docs/images/), and small enough to commit."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from search_service.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
IMAGES = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README) + re.findall(r'<img [^>]*src="([^"]+)"', README)
MAX_BYTES = 300_000


def test_the_readme_shows_each_analysis_and_citing_screenshot():
    for name in (
        "coverage-desktop",
        "follow-through-desktop",
        "terms-list",
        "cite-paragraph-desktop",
        "subscribe",
        "curation-desktop",
    ):
        assert any(name in path for path in IMAGES), name


@pytest.mark.parametrize("path", IMAGES)
def test_readme_image_is_in_the_repository(path: str):
    assert not re.match(r"[a-z]+://", path), "images are files of the repository, not links"
    file = PROJECT_ROOT / path
    assert file.is_file(), path
    assert file.stat().st_size <= MAX_BYTES, f"{path}: {file.stat().st_size} bytes"
    git = shutil.which("git")
    if git is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run([git, "check-ignore", "-q", path], cwd=PROJECT_ROOT, check=False)
    assert ignored.returncode == 1, f"{path} is git-ignored"
