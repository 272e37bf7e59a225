"""Time faster-whisper (CTranslate2) transcription of WAV clips, fully offline.

Usage: python transcribe_faster_whisper.py --model-dir DIR --compute-type int8|float32 --threads N [--initial-prompt TEXT] WAV...

DIR is a local CTranslate2 Whisper model (model.bin, config.json, vocabulary.txt,
tokenizer.json). Passing a directory makes faster-whisper skip the HF hub; its
tokenizer comes from DIR/tokenizer.json (without it faster-whisper would try to
download one, so we refuse instead), and with no preprocessor_config.json it uses
its built-in 80-mel defaults, which are right for tiny.en.

Audio is decoded before the clock starts; each clip's processing_ms covers
transcribe() plus consuming the segment generator (greedy, no VAD). The first
file is transcribed once beforehand as an untimed warm-up.
Prints one JSON object on stdout:
{"compute_type": ..., "threads": N, "clips": [{"file", "text", "processing_ms"}, ...]}
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: never touch the network

from faster_whisper import WhisperModel, decode_audio  # noqa: E402

OPTS = dict(
    language="en",
    beam_size=1,
    best_of=1,
    temperature=0.0,
    without_timestamps=False,
    vad_filter=False,
    condition_on_previous_text=False,
)


def transcribe(model: WhisperModel, audio, prompt=None) -> str:
    segments, _info = model.transcribe(audio, initial_prompt=prompt, **OPTS)
    return "".join(s.text for s in segments).strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", required=True, type=Path)
    ap.add_argument("--compute-type", required=True, choices=["int8", "float32"])
    ap.add_argument("--threads", required=True, type=int)
    ap.add_argument("--initial-prompt", default=None, help="words to prime the decoder with")
    ap.add_argument("wavs", nargs="+", type=Path)
    args = ap.parse_args()

    if not (args.model_dir / "tokenizer.json").is_file():
        sys.exit(f"{args.model_dir}/tokenizer.json missing; faster-whisper would download one")

    model = WhisperModel(str(args.model_dir), device="cpu",
                         compute_type=args.compute_type, cpu_threads=args.threads)
    audios = [decode_audio(str(p), sampling_rate=16000) for p in args.wavs]
    transcribe(model, audios[0], args.initial_prompt)  # warm-up, not counted

    clips = []
    for path, audio in zip(args.wavs, audios):
        t0 = time.perf_counter()
        text = transcribe(model, audio, args.initial_prompt)
        ms = (time.perf_counter() - t0) * 1000
        clips.append({"file": path.name, "text": text, "processing_ms": round(ms, 1)})

    print(json.dumps({"compute_type": args.compute_type, "threads": args.threads, "clips": clips}))


if __name__ == "__main__":
    main()
