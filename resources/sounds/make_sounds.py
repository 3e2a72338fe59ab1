"""Regenerate the scan sounds: `python resources/sounds/make_sounds.py` writes good.wav and bad.wav here.

Generated rather than downloaded so their licence is ours and anyone can tune them. Two sounds a clerk can
tell apart without looking, in a noisy back room: a short high beep for "counted", a low double buzz for
"look at the screen", and a quick rising double chirp for "that read was not counted (a double read?)".
16-bit mono at 22.05 kHz keeps each file a few kilobytes.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
HERE = Path(__file__).resolve().parent


def _envelope(i: int, n: int, ramp: int) -> float:
    """Short linear fade in/out: a tone that starts or stops abruptly clicks."""
    return min(1.0, i / ramp, (n - 1 - i) / ramp) if ramp else 1.0


def tone(freq: float, ms: int, volume: float, *, square: bool = False) -> list[float]:
    n = RATE * ms // 1000
    ramp = RATE * 4 // 1000
    out = []
    for i in range(n):
        s = math.sin(2 * math.pi * freq * i / RATE)
        if square:
            # A softened square wave: buzzy enough to read as "wrong", without harsh aliasing.
            s = math.tanh(4 * s)
        out.append(volume * _envelope(i, n, ramp) * s)
    return out


def silence(ms: int) -> list[float]:
    return [0.0] * (RATE * ms // 1000)


def write(path: Path, samples: list[float]) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(
            b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s)) * 32767)) for s in samples)
        )


def main() -> None:
    write(HERE / "good.wav", tone(1760, 90, 0.5))
    write(
        HERE / "bad.wav",
        tone(196, 140, 0.55, square=True) + silence(70) + tone(196, 140, 0.55, square=True),
    )
    write(HERE / "blanked.wav", tone(660, 60, 0.5) + silence(40) + tone(990, 60, 0.5))


if __name__ == "__main__":
    main()
