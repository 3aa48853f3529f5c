#!/usr/bin/env bash
# agentspec against agnix at two sizes -- 0.59.3 from PyPI and the newest from crates.io
# (agnix-cli, built with `cargo install --locked`), which differ a lot in speed -- whole process,
# each from one paired run
# (scripts/paired.py: the two commands alternate, the ratio is of the median wall times, the
# peak is the largest resident set over the runs):
#
#   1. ../shared/corpus staged as one project's .claude/agents/ (387 files);
#   2. the same files copied 50 times with unique file and agent names (19,350 files);
#   3. the cached run: a second run over the unchanged 19,350-file tree against the first
#      (a cold cache that is then written), paired the same way;
#   4. the floor on this machine: `cat` of the tree, and pulldown-cmark alone over the same
#      files on the same number of threads (examples/parse_floor.rs).
#
# Both tools get `--format json`; agnix gets `--target claude-code` and, above 10,000 files,
# `--max-files 0`. agentspec runs without its cache (`--no-cache`) in 1 and 2.
#
# usage: scripts/bench-scale.sh [WORKDIR]   (RUNS_SMALL, default 30; RUNS_LARGE, default 3;
#        AGNIX_CRATE_VERSION, default 0.60.3, the crates.io release; empty to leave it out)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work="${1:-$repo/target/bench-scale}"
runs_small="${RUNS_SMALL:-30}"
runs_large="${RUNS_LARGE:-3}"
corpus="$repo/../shared/corpus"

cargo build --release --quiet
cargo build --release --quiet --example parse_floor
bin="$repo/target/release/agentspec"
floor="$repo/target/release/examples/parse_floor"

venv="${AGNIX_VENV:-$HOME/.cache/agentspec/agnix-venv}"
if [ ! -x "$venv/bin/agnix" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet agnix==0.59.3
fi
agnix="$venv/bin/agnix"
"$agnix" --version
# The newest agnix from crates.io (a build of a few minutes, once).
crate_version="${AGNIX_CRATE_VERSION-0.60.3}"
agnix_crate=""
if [ -n "$crate_version" ]; then
    crate_root="$HOME/.cache/agentspec/agnix-$crate_version"
    if [ ! -x "$crate_root/bin/agnix" ]; then
        cargo install --quiet --locked "agnix-cli@$crate_version" --root "$crate_root"
    fi
    agnix_crate="$crate_root/bin/agnix"
    "$agnix_crate" --version
fi

mkdir -p "$work"
# A folder of its own: agnix looks for the project root upwards.
if [ ! -d "$work/small/.claude" ]; then
    python3 scripts/make-scale-tree.py "$corpus" "$work/small" 1
fi
if [ ! -d "$work/large/.claude" ]; then
    python3 scripts/make-scale-tree.py "$corpus" "$work/large" 50
fi
# Signatures of files changed in the last two seconds are not trusted by the cache.
sleep 3

paired() { python3 scripts/paired.py "$@"; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

echo "== corpus staged as one project (387 files), $runs_small paired runs"
small=$(paired "$runs_small" "$work/small" -- "$bin" check --no-cache --format json . \
    -- "$agnix" --target claude-code --format json .)
echo "$small"
small_crate=""
if [ -n "$agnix_crate" ]; then
    echo "== the same against agnix $crate_version from crates.io"
    small_crate=$(paired "$runs_small" "$work/small" -- "$bin" check --no-cache --format json . \
        -- "$agnix_crate" --target claude-code --format json .)
    echo "$small_crate"
fi
echo "== 19,350 files, $runs_large paired runs"
large=$(paired "$runs_large" "$work/large" -- "$bin" check --no-cache --format json . \
    -- "$agnix" --target claude-code --format json --max-files 0 .)
echo "$large"
large_crate=""
if [ -n "$agnix_crate" ]; then
    echo "== the same against agnix $crate_version from crates.io"
    large_crate=$(paired "$runs_large" "$work/large" -- "$bin" check --no-cache --format json . \
        -- "$agnix_crate" --target claude-code --format json --max-files 0 .)
    echo "$large_crate"
fi

echo "== cached run over the unchanged 19,350 files against the first run, $runs_large pairs"
cache="$work/cache"
export bin cache
# A warm cache before the first pair; then each pair has a warm run and a cold one (which
# removes the cache first and writes it again), in alternating order.
rm -rf "$cache"
(cd "$work/large" && "$bin" check --cache-dir "$cache" --format json . >/dev/null) || true
cached=$(python3 scripts/paired.py "$runs_large" "$work/large" \
    -- "$bin" check --cache-dir "$cache" --format json . \
    -- bash -c 'rm -rf "$cache"; "$bin" check --cache-dir "$cache" --format json .')
echo "$cached"
# One edited file: only it is checked again.
edit="$work/large/.claude/agents/c0/VoltAgent__awesome-claude-code-subagents/categories/01-core-development/api-designer--c0.md"
if [ -f "$edit" ]; then
    cp "$edit" "$edit.orig"
    printf '\nOne more line.\n' >> "$edit"
    edited=$(python3 scripts/paired.py 1 "$work/large" \
        -- "$bin" check --cache-dir "$cache" --format json . \
        -- "$bin" check --no-cache --format json .)
    mv "$edit.orig" "$edit"
    echo "one file edited: $edited"
fi

echo "== floor"
floor_small=$("$floor" "$work/small")
floor_large=$("$floor" "$work/large")
cat_ms() {
    local start end
    start=$(date +%s%N)
    find "$1" -type f -print0 | xargs -0 cat >/dev/null
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}
echo "pulldown-cmark alone, corpus: $floor_small"
echo "pulldown-cmark alone, 19,350: $floor_large"
echo "cat of the 19,350-file tree:   $(cat_ms "$work/large") ms"

echo
echo "== summary"
printf 'corpus  (387):    agentspec %s s, agnix %s s, ratio %s (%s-%s); peak %s KB vs %s KB\n' \
    "$(field "$small" a_median_s)" "$(field "$small" b_median_s)" "$(field "$small" ratio)" \
    "$(field "$small" ratio_min)" "$(field "$small" ratio_max)" \
    "$(field "$small" a_peak_kb)" "$(field "$small" b_peak_kb)"
printf 'large (19,350):   agentspec %s s, agnix %s s, ratio %s (%s-%s); peak %s KB vs %s KB\n' \
    "$(field "$large" a_median_s)" "$(field "$large" b_median_s)" "$(field "$large" ratio)" \
    "$(field "$large" ratio_min)" "$(field "$large" ratio_max)" \
    "$(field "$large" a_peak_kb)" "$(field "$large" b_peak_kb)"
if [ -n "$agnix_crate" ]; then
    printf 'corpus  (387):    agentspec %s s, agnix %s (crates.io) %s s, ratio %s (%s-%s); peak %s KB vs %s KB\n' \
        "$(field "$small_crate" a_median_s)" "$crate_version" "$(field "$small_crate" b_median_s)" \
        "$(field "$small_crate" ratio)" "$(field "$small_crate" ratio_min)" "$(field "$small_crate" ratio_max)" \
        "$(field "$small_crate" a_peak_kb)" "$(field "$small_crate" b_peak_kb)"
    printf 'large (19,350):   agentspec %s s, agnix %s (crates.io) %s s, ratio %s (%s-%s); peak %s KB vs %s KB\n' \
        "$(field "$large_crate" a_median_s)" "$crate_version" "$(field "$large_crate" b_median_s)" \
        "$(field "$large_crate" ratio)" "$(field "$large_crate" ratio_min)" "$(field "$large_crate" ratio_max)" \
        "$(field "$large_crate" a_peak_kb)" "$(field "$large_crate" b_peak_kb)"
fi
printf 'cached (19,350):  second run %s s, first run %s s, ratio %s (%s-%s)\n' \
    "$(field "$cached" a_median_s)" "$(field "$cached" b_median_s)" "$(field "$cached" ratio)" \
    "$(field "$cached" ratio_min)" "$(field "$cached" ratio_max)"
