"""Short cue sounds, generated as WAV bytes with the standard library.

No sound files ship with the package: a few hundred milliseconds of sine
tones are cheap to compute once and small to send to the browser.

Each sound comes in two variants that differ only in one trailing silent
sample. ipywidgets' ``Audio`` replays when its ``value`` changes, and
traitlets sends no change when a value is set to equal bytes, so a player
alternates the variants to replay the same cue twice in a row.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from functools import cache

__all__ = ["CUE_SOUND", "SAMPLE_RATE", "cue_wav", "silence_wav", "tone_wav"]

SAMPLE_RATE = 22_050

#: Which sound each timer cue plays; cues not listed here stay silent.
CUE_SOUND: dict[str, str] = {
    "3": "count",
    "2": "count",
    "1": "count",
    "end": "end",
    "switch side": "switch",
    "halfway": "halfway",
}

# (frequency Hz, seconds) notes of each sound; calm, clearly different shapes
_NOTES: dict[str, tuple[tuple[float, float], ...]] = {
    "count": ((880.0, 0.12),),
    "end": ((1046.5, 0.18), (1318.5, 0.32)),
    "switch": ((659.3, 0.14), (0.0, 0.05), (659.3, 0.14), (0.0, 0.05), (987.8, 0.2)),
    "halfway": ((740.0, 0.2),),
}

_FADE_S = 0.008  # a short fade in and out avoids clicks at the note edges


def _samples(notes: tuple[tuple[float, float], ...], volume: float) -> list[int]:
    out: list[int] = []
    fade = int(_FADE_S * SAMPLE_RATE)
    for frequency, seconds in notes:
        count = int(seconds * SAMPLE_RATE)
        for n in range(count):
            if frequency <= 0:
                out.append(0)
                continue
            envelope = min(1.0, n / fade, (count - 1 - n) / fade)
            value = volume * envelope * math.sin(2 * math.pi * frequency * n / SAMPLE_RATE)
            out.append(int(value * 32767))
    return out


def _wav(samples: list[int]) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return buffer.getvalue()


def tone_wav(frequency: float, seconds: float, volume: float = 0.5) -> bytes:
    """Return a mono 16-bit WAV of one sine tone (``frequency`` 0 gives silence)."""
    if not 0 < seconds <= 10:
        raise ValueError(f"tone length must be in (0, 10] seconds, got {seconds!r}")
    if not 0 <= volume <= 1:
        raise ValueError(f"tone volume must be in [0, 1], got {volume!r}")
    return _wav(_samples(((frequency, seconds),), volume))


@cache
def cue_wav(sound: str, variant: int = 0) -> bytes:
    """Return the WAV bytes of a named sound: ``count``, ``end``, ``switch`` or ``halfway``.

    ``variant`` 0 and 1 sound the same but are different bytes (see the
    module docstring).
    """
    try:
        notes = _NOTES[sound]
    except KeyError:
        raise ValueError(f"unknown cue sound {sound!r}; known: {', '.join(_NOTES)}") from None
    samples = _samples(notes, 0.5)
    samples.extend([0] * (variant % 2))
    return _wav(samples)


@cache
def silence_wav() -> bytes:
    """A 10 ms silent WAV: a harmless first value for an autoplaying player."""
    return _wav([0] * (SAMPLE_RATE // 100))
