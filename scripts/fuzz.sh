#!/usr/bin/env bash
# Fuzzes the parsers that read user files (resume, CTranslate2 model, config, interview
# script) for a bounded time each. Not part of CI: it needs the nightly toolchain and
# cargo-fuzz, which it installs when missing.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 300 s, every target)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds="${1:-300}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(resume ct2_model config script)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Builds outside the clone; corpora and crash reports stay under fuzz/ (ignored by git).
export CARGO_TARGET_DIR="${MOCKINT_FUZZ_TARGET:-${XDG_CACHE_HOME:-$HOME/.cache}/mockint/fuzz-target}"
seed() {
  local target="$1" dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  case "$target" in
    resume) cp tests/fixtures/resume_senior.txt tests/fixtures/resumes/* "$dir/" 2>/dev/null || true ;;
    script) cp tests/fixtures/script_url_shortener.txt "$dir/" ;;
    config) cp config.yaml "$dir/" ;;
    ct2_model) printf '\006\000\000\000\014\000WhisperSpec\000\003\000\000\000\000\000\000\000\000\000\000\000' > "$dir/empty-model" ;;
  esac
}

for target in "${targets[@]}"; do
  seed "$target"
  echo "fuzz: $target for ${seconds}s"
  cargo +nightly fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1
done
echo "fuzz: no crashes in ${#targets[@]} target(s) × ${seconds}s"
