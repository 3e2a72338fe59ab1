from __future__ import annotations

import threading
import time

import pytest

from intake_gui.pos.pacer import MARGIN_RATIO, MARGIN_S, Pacer, shared_pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_burst_up_to_rate_then_waits_for_oldest_to_age_out() -> None:
    clock = FakeClock()
    pacer = Pacer(5, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        assert pacer.acquire() == 0.0
    assert clock.slept == []
    waited = pacer.acquire()
    assert waited == pytest.approx(60.0)
    assert clock.now == pytest.approx(1060.0)


def test_rolling_window_not_fixed_buckets() -> None:
    clock = FakeClock()
    pacer = Pacer(2, clock=clock, sleep=clock.sleep)
    pacer.acquire()  # t=1000
    clock.now += 30
    pacer.acquire()  # t=1030
    clock.now += 31  # t=1061: the first slot aged out, the second has not
    assert pacer.acquire() == 0.0
    assert pacer.acquire() == pytest.approx(29.0)  # waits for the t=1030 slot (until 1090)


def test_never_more_than_rate_in_any_minute() -> None:
    clock = FakeClock()
    pacer = Pacer(7, clock=clock, sleep=clock.sleep)
    stamps = []
    for i in range(40):
        pacer.acquire()
        stamps.append(clock.now)
        clock.now += 0.5 if i % 3 else 4.0
    for i, t in enumerate(stamps):
        in_window = [s for s in stamps[i:] if s < t + 60.0]
        assert len(in_window) <= 7


def test_zero_paces_nothing_of_its_own_but_the_pos_still_decides() -> None:
    """Rate 0 turns off *our* pacing; a refusal's hold and a limit the POS stated still apply."""
    clock = FakeClock()
    pacer = Pacer(0, clock=clock, sleep=clock.sleep)
    assert not pacer.enabled
    for _ in range(500):
        assert pacer.acquire() == 0.0
    pacer.hold(30)
    assert pacer.acquire() == pytest.approx(30.0)
    clock.now += 120
    pacer.learn(3, 60.0, "only 3 per minute")
    assert pacer.enabled and pacer.said == "only 3 per minute"
    waits = [pacer.acquire() for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(60.0 * (1 + MARGIN_RATIO) + MARGIN_S)  # slack for travel time


def test_a_learned_limit_only_ever_tightens() -> None:
    pacer = Pacer(60)
    pacer.learn(5, 60.0, "only 5 per minute")
    pacer.learn(60, 60.0, "only 60 per minute")  # most likely another login's answer
    assert pacer.learned == (5, 60.0) and pacer.said == "only 5 per minute"
    pacer.learn(2, 60.0)
    assert pacer.learned == (2, 60.0)
    pacer.learn(0, 60.0)  # nonsense is ignored
    assert pacer.learned == (2, 60.0)


def test_learned_and_configured_limits_both_hold() -> None:
    clock = FakeClock()
    pacer = Pacer(4, clock=clock, sleep=clock.sleep)  # 4 a minute configured
    pacer.learn(2, 10.0)  # the POS: 2 per 10 s
    stamps = []
    for _ in range(9):
        pacer.acquire()
        stamps.append(clock.now)
    for i, t in enumerate(stamps):
        assert len([s for s in stamps[i:] if s < t + 10.0]) <= 2
        assert len([s for s in stamps[i:] if s < t + 60.0]) <= 4


def test_a_refused_request_is_released_from_the_window() -> None:
    clock = FakeClock()
    pacer = Pacer(2, clock=clock, sleep=clock.sleep)
    pacer.acquire()
    slot = pacer.reserve()
    assert pacer.window_wait() == pytest.approx(60.0)
    pacer.release(slot)  # the POS refused it: it does not count against the window
    assert pacer.window_wait() == 0.0
    assert pacer.acquire() == 0.0


def test_retry_after_holds_every_caller() -> None:
    clock = FakeClock()
    pacer = Pacer(100, clock=clock, sleep=clock.sleep)
    pacer.acquire()
    pacer.note_retry_after(12.5)
    assert pacer.acquire() == pytest.approx(12.5)
    assert pacer.acquire() == 0.0  # the block is over, budget remains
    pacer.note_retry_after(-3)  # nonsense is ignored
    assert pacer.acquire() == 0.0


def test_negative_rate_is_refused() -> None:
    with pytest.raises(ValueError):
        Pacer(-1)


def test_threads_share_the_budget() -> None:
    """Real threads, real clock: 12 threads at 10/min: ten go at once, exactly two must wait."""
    lock = threading.Lock()
    waits: list[float] = []
    slept: list[float] = []

    def fake_sleep(seconds: float) -> None:
        with lock:
            slept.append(seconds)
        raise TimeoutError  # stop the waiter instead of sleeping a minute

    pacer = Pacer(10, sleep=fake_sleep)

    def worker() -> None:
        try:
            waited = pacer.acquire()
        except TimeoutError:
            return
        with lock:
            waits.append(waited)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert waits == [0.0] * 10
    assert len(slept) == 2
    assert all(50 < s <= 60 for s in slept)


def test_shared_pacer_is_one_per_key_and_takes_the_latest_rate() -> None:
    key = f"test-{time.monotonic_ns()}"
    a = shared_pacer(key, 60)
    b = shared_pacer(key, 30)
    assert a is b
    assert a.rate_per_minute == 30
    assert shared_pacer(key + "-other", 60) is not a
