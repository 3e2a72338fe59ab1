"""Scan sounds: the shipped WAVs are what the generator makes, and Sounds never breaks the scan path."""

from __future__ import annotations

import importlib.util
import itertools
import wave
from pathlib import Path

import pytest

from intake_gui.domain.scan_session import OutcomeKind, ScanOutcome
from intake_gui.ui import sounds as sounds_module
from intake_gui.ui.assets import asset_path
from intake_gui.ui.sounds import Sounds

pytestmark = pytest.mark.gui

SOUNDS_DIR = asset_path("sounds")


def zero_crossings_per_second(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        frames = w.readframes(w.getnframes())
        rate = w.getframerate()
    samples = [
        int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)
    ]
    crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0) != (b < 0))
    return crossings / (len(samples) / rate)


def test_shipped_wavs_are_short_mono_and_distinct():
    for name in ("good", "bad", "blanked"):
        with wave.open(str(SOUNDS_DIR / f"{name}.wav"), "rb") as w:
            assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
            assert 0.05 < w.getnframes() / w.getframerate() < 0.6
    assert zero_crossings_per_second(SOUNDS_DIR / "good.wav") > 4 * zero_crossings_per_second(
        SOUNDS_DIR / "bad.wav"
    ), "good is a high beep, bad a low buzz"
    blanked = zero_crossings_per_second(SOUNDS_DIR / "blanked.wav")
    assert 2 * zero_crossings_per_second(SOUNDS_DIR / "bad.wav") < blanked, (
        "blanked is not the buzz"
    )
    with wave.open(str(SOUNDS_DIR / "blanked.wav"), "rb") as w:
        assert w.getnframes() / w.getframerate() < 0.2, (
            "short: it must not mask the next scan's beep"
        )


def test_generator_reproduces_the_committed_files(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_sounds", SOUNDS_DIR / "make_sounds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for name in ("good.wav", "bad.wav", "blanked.wav"):
        assert (tmp_path / name).read_bytes() == (SOUNDS_DIR / name).read_bytes()


class FakeEffect:
    def __init__(self, path: Path, log: list[str], fail: bool = False) -> None:
        self.path = path
        self.log = log
        self.fail = fail
        self.volume = None

    def setVolume(self, volume: float) -> None:
        self.volume = volume

    def play(self) -> None:
        if self.fail:
            raise RuntimeError("device vanished")
        self.log.append(self.path.stem)


def test_plays_the_right_sound_for_each_outcome(qapp):
    played: list[str] = []
    s = Sounds(effect_factory=lambda path, _parent: FakeEffect(path, played))
    assert s.available and s.problem == ""
    assert s.play_for(ScanOutcome(OutcomeKind.ADDED, quantity=1))
    assert s.play_for(ScanOutcome(OutcomeKind.UNKNOWN))
    assert s.play_for(ScanOutcome(OutcomeKind.DOUBLE_READ)), "a blanked read is heard, not silent"
    assert not s.play_for(ScanOutcome(OutcomeKind.INCREMENTED)), "nothing counted, nothing to hear"
    assert played == ["good", "bad", "blanked"]
    s.volume = 7
    assert s.volume == 1.0
    s.enabled = False
    assert not s.play_good()
    assert played == ["good", "bad", "blanked"]


def test_no_audio_device_means_silence_not_errors(qapp, monkeypatch):
    monkeypatch.setattr(
        sounds_module, "_audio_problem", lambda: "No audio output device was found."
    )
    s = Sounds()
    assert not s.available
    assert s.problem == "No audio output device was found."
    assert not s.play_good() and not s.play_bad()


def test_missing_files_and_broken_backend_fail_soft(qapp, tmp_path, caplog):
    played: list[str] = []
    s = Sounds(directory=tmp_path, effect_factory=lambda path, _parent: FakeEffect(path, played))
    assert not s.available and "missing" in s.problem

    def explode(_path, _parent):
        raise OSError("no backend")

    s = Sounds(effect_factory=explode)
    assert not s.available and "Could not load" in s.problem

    s = Sounds(effect_factory=lambda path, _parent: FakeEffect(path, played, fail=True))
    assert s.available
    assert not s.play_good()
    assert "playing good failed" in caplog.text
