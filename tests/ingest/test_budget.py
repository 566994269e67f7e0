"""No file holds a build hostage: every file gets a time budget, and a file
over it is reported as failed with the reason (ingest/budget.py)."""

from __future__ import annotations

import contextlib
import random
import signal
import threading
import time
from pathlib import Path

import pytest

from search_service.errors import UnreadableFile
from search_service.indexing import _parse_one
from search_service.ingest import parse_file
from search_service.ingest.budget import BudgetExpired, time_budget

CHARACTERS = "法治政府建设年度工作报告依法行政推进深化落实完善制度监督执法规范审查决策公开服务"


@pytest.fixture(scope="module")
def slow_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 pages of 1,000 individually placed characters each: PDFium reads
    it in a fraction of a second, far over a budget of 0.05 s."""
    canvas_module = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path_factory.mktemp("budget") / "slow.pdf"
    canvas = canvas_module.Canvas(str(path), pagesize=(595, 842), pageCompression=1)
    pick = random.Random(1).choice
    for _ in range(40):
        text = canvas.beginText()
        text.setFont("STSong-Light", 10)
        for row in range(40):
            text.setTextOrigin(40, 800 - row * 18)
            text.textOut("".join(pick(CHARACTERS) for _ in range(25)))
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return path


def test_file_over_its_time_budget_is_unreadable_with_the_reason(slow_pdf: Path) -> None:
    with pytest.raises(UnreadableFile) as caught:
        parse_file(slow_pdf, slow_pdf.parent, time_budget=0.05)
    assert caught.value.source == "slow.pdf"
    assert caught.value.reason == "took longer than 0.05 s to read (time budget)"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_build_reports_a_file_over_the_budget_setting_as_failed(
    slow_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEARCH_SERVICE_FILE_TIME_BUDGET", "0.05")
    source, report, problem = _parse_one((str(slow_pdf), str(slow_pdf.parent), None))
    assert report is None and problem is not None
    assert (problem.source, problem.kind) == ("slow.pdf", "failed")
    assert "time budget" in problem.reason


def test_budget_is_checked_between_pages_off_the_main_thread(slow_pdf: Path) -> None:
    outcome: list[BaseException | None] = []

    def work() -> None:
        try:
            parse_file(slow_pdf, slow_pdf.parent, time_budget=0.05)
            outcome.append(None)
        except UnreadableFile as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert isinstance(outcome[0], UnreadableFile) and "time budget" in outcome[0].reason


def test_file_within_its_budget_is_parsed(slow_pdf: Path) -> None:
    assert parse_file(slow_pdf, slow_pdf.parent, time_budget=0).sections


def test_timer_interrupts_python_code_that_catches_exception() -> None:
    previous = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    # Library code that catches Exception does not end the interruption.
    with pytest.raises(BudgetExpired, match="took longer than 0.1 s"), time_budget(0.1):
        while time.monotonic() - started < 10:
            with contextlib.suppress(Exception):
                sum(range(1000))
    assert time.monotonic() - started < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is previous


def test_budget_of_zero_is_no_limit() -> None:
    with time_budget(0) as deadline:
        deadline.check()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_interruption_inside_a_foreign_calls_arguments_is_still_the_budget() -> None:
    """ctypes rewraps an exception raised while it converts a call's
    arguments (the alarm landing inside one of PDFium's calls) as
    ArgumentError; the budget's block must still end with BudgetExpired."""
    import ctypes

    class SlowArgument:
        @classmethod
        def from_param(cls, value: int) -> int:
            time.sleep(2)  # the alarm lands here, inside the conversion
            return value

    absolute = ctypes.CDLL(None).abs
    absolute.argtypes = [SlowArgument]
    with pytest.raises(BudgetExpired) as caught, time_budget(0.05):
        absolute(-1)
    assert caught.value.reason == "took longer than 0.05 s to read (time budget)"
    assert isinstance(caught.value.__cause__, ctypes.ArgumentError)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_foreign_calls_own_argument_error_is_not_taken_for_the_budget() -> None:
    import ctypes

    absolute = ctypes.CDLL(None).abs
    absolute.argtypes = [ctypes.c_int]
    with pytest.raises(ctypes.ArgumentError), time_budget(5):
        absolute("not a number")
