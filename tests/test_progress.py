"""Progress on long builds: silent when small, periodic lines in CI, one line on a terminal."""

from __future__ import annotations

import io

from generator.progress import Progress


class FakeClock:
    """A clock that advances a fixed step every time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def run(items: int, *, tty: bool, step: float = 1 / 64, total: int | None = None,
        known: bool = True) -> str:
    stream = io.StringIO()
    progress = Progress(stream=stream, clock=FakeClock(step), tty=tty)
    source = range(items) if known else (i for i in range(items))
    assert list(progress.track(source, "render", total=total, unit="pages")) == list(range(items))
    return stream.getvalue()


def test_a_small_stage_prints_nothing() -> None:
    assert run(199, tty=False) == ""
    assert run(199, tty=True) == ""
    assert run(150, tty=False, known=False) == ""


def test_ci_prints_a_line_every_five_seconds_and_a_final_line() -> None:
    # 1,000 pages at 1/64 s each: a line every 320 pages (5 s), then the final line.
    assert run(1000, tty=False, step=1 / 64).splitlines() == [
        "render: 320/1,000 pages (32%)",
        "render: 640/1,000 pages (64%)",
        "render: 960/1,000 pages (96%)",
        "render: 1,000/1,000 pages in 15.6 s",
    ]


def test_ci_fast_stage_prints_only_the_final_line() -> None:
    assert run(300, tty=False) == "render: 300/300 pages in 4.7 s\n"


def test_ci_unknown_total_counts_without_percentages() -> None:
    assert run(250, tty=False, known=False) == "render: 250 pages in 0.8 s\n"


def test_terminal_redraws_one_line_and_ends_it() -> None:
    out = run(300, tty=True, step=1 / 8)
    frames = out.split("\r\x1b[K")
    assert frames[0] == ""
    assert frames[1] == "render: 1/300 pages (0%)"
    assert frames[-1] == "render: 300/300 pages in 37.6 s\n"
    assert out.count("\n") == 1
    assert all(f.startswith("render: ") for f in frames[1:])


def test_items_pass_through_unchanged_when_total_is_given() -> None:
    assert run(5, tty=False, total=5) == ""
