"""Scan feedback a clerk hears without looking: a high beep when a scan counted, a low buzz when it did not,
and a quick rising double chirp when a read was taken for a double read (not counted; Insert counts it).

Sound is a nicety, never a dependency: a station without speakers, a CI machine without an audio server, or a
build without QtMultimedia must scan exactly the same, silently. So every failure here ends in "no sound"
plus a `problem` string for the settings page, never in an exception on the scan path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QUrl

from intake_gui.ui.assets import asset_path

log = logging.getLogger(__name__)

SOUND_NAMES = ("good", "bad", "blanked")


class _Effect(Protocol):
    def play(self) -> None: ...
    def setVolume(self, volume: float) -> None: ...


EffectFactory = Callable[[Path, QObject], _Effect]


def _qt_effect(path: Path, parent: QObject) -> _Effect:
    from PySide6.QtMultimedia import QSoundEffect

    effect = QSoundEffect(parent)
    effect.setSource(QUrl.fromLocalFile(str(path)))
    return effect


QUIET_PROBES = "qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg.info=false"
"""QtMultimedia probes optional libraries (pipewire, VA-API) when it loads and reports each one missing on
stderr, at every start of a station that has no use for them: noise that hides real messages. Only those
probe categories are silenced; Qt's real multimedia warnings still print, and QT_LOGGING_RULES overrides."""


def _quiet_multimedia_probes() -> None:
    from PySide6.QtCore import QLoggingCategory

    QLoggingCategory.setFilterRules(QUIET_PROBES)


def _audio_problem() -> str:
    """Why Qt cannot play anything here, or "" when an output device exists."""
    _quiet_multimedia_probes()
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as exc:  # a trimmed build without QtMultimedia
        return f"Sound is not available in this build ({exc})."
    if not QMediaDevices.audioOutputs():
        return "No audio output device was found."
    return ""


class Sounds(QObject):
    def __init__(
        self,
        parent: QObject | None = None,
        *,
        directory: Path | None = None,
        volume: float = 0.6,
        enabled: bool = True,
        effect_factory: EffectFactory | None = None,
    ) -> None:
        """`effect_factory` replaces QSoundEffect (tests, or a station that wants another backend); when it
        is given, the audio-device check is skipped because the factory decides what "playing" means."""
        super().__init__(parent)
        self.enabled = enabled
        self.problem = ""
        self._volume = volume
        self._effects: dict[str, _Effect] = {}
        folder = directory if directory is not None else asset_path("sounds")
        if effect_factory is None:
            self.problem = _audio_problem()
            if self.problem:
                log.info("scan sounds off: %s", self.problem)
                return
            effect_factory = _qt_effect
        for name in SOUND_NAMES:
            path = folder / f"{name}.wav"
            if not path.is_file():
                self.problem = f"Sound file {path.name} is missing."
                log.warning("scan sounds: %s not found", path)
                continue
            try:
                effect = effect_factory(path, self)
                effect.setVolume(volume)
            except Exception:
                log.exception("scan sounds: could not load %s", path)
                self.problem = f"Could not load {path.name}."
                continue
            self._effects[name] = effect

    @property
    def available(self) -> bool:
        return bool(self._effects)

    @property
    def volume(self) -> float:
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self._volume = max(0.0, min(1.0, float(value)))
        for effect in self._effects.values():
            effect.setVolume(self._volume)

    def play_good(self) -> bool:
        return self._play("good")

    def play_bad(self) -> bool:
        return self._play("bad")

    def play_blanked(self) -> bool:
        return self._play("blanked")

    def play_for(self, outcome: Any) -> bool:
        """Pick the sound for a ScanOutcome: good when counted, bad when the clerk must look, the blanked
        chirp when a read was not counted as a double read, else none."""
        if getattr(outcome, "blanked", False):
            return self.play_blanked()
        if getattr(outcome, "needs_attention", False):
            return self.play_bad()
        if getattr(outcome, "good", False):
            return self.play_good()
        return False

    def _play(self, name: str) -> bool:
        effect = self._effects.get(name)
        if not self.enabled or effect is None:
            return False
        try:
            effect.play()
        except Exception:
            log.exception("scan sounds: playing %s failed", name)
            return False
        return True
