"""Silero VAD's speech probability for each 32 ms window of WAV files, for the VAD benchmark.

Usage: python silero_vad.py --model silero_vad.onnx WAV...

The model is the ONNX file inside PyPI's `silero-vad` wheel (extracted by setup_venv.sh, so
neither torch nor a download is needed); it runs on PyPI's onnxruntime, one thread. This
does what the package's own OnnxWrapper does, in numpy: 512-sample windows at 16 kHz, each
with the previous window's last 64 samples as context, and the recurrent state carried
from window to window.
Prints one JSON object: {"files": [{"file", "probs": [...], "ms_per_window"}]}.
"""
import argparse
import json
import time
import wave
from pathlib import Path

import numpy as np
import onnxruntime

WINDOW = 512
CONTEXT = 64
RATE = 16000


def read(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        if w.getframerate() != RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise SystemExit(f"{path}: expected 16 kHz mono 16-bit")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0


def probabilities(session, audio: np.ndarray):
    state = np.zeros((2, 1, 128), dtype=np.float32)
    context = np.zeros((1, CONTEXT), dtype=np.float32)
    sr = np.array(RATE, dtype=np.int64)
    probs = []
    for start in range(0, len(audio) - WINDOW + 1, WINDOW):
        chunk = audio[start:start + WINDOW].reshape(1, WINDOW)
        x = np.concatenate([context, chunk], axis=1)
        out, state = session.run(None, {"input": x, "state": state, "sr": sr})
        context = x[:, -CONTEXT:]
        probs.append(round(float(out[0][0]), 4))
    return probs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, type=Path)
    ap.add_argument("wavs", nargs="+", type=Path)
    args = ap.parse_args()
    opts = onnxruntime.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(args.model), sess_options=opts,
                                           providers=["CPUExecutionProvider"])
    files = []
    for path in args.wavs:
        audio = read(path)
        t0 = time.perf_counter()
        probs = probabilities(session, audio)
        ms = (time.perf_counter() - t0) * 1000
        files.append({"file": path.name, "probs": probs,
                      "ms_per_window": round(ms / max(len(probs), 1), 4)})
    print(json.dumps({"files": files}))


if __name__ == "__main__":
    main()
