#!/usr/bin/env bash
# Whole-process timing of `agentspec check DIR` (default ../shared/corpus): several runs, the
# median wall time and the peak resident memory, next to a baseline measured in the same run:
# `grep -rc '^name:' DIR`, one process that reads every file once.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-../shared/corpus}"
runs="${RUNS:-21}"
cargo build --release --quiet
bin=target/release/agentspec

median_ms() {
    local -a times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

peak_kb() {
    /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1
}

"$bin" check "$dir" --format json >/dev/null 2>&1 || true
files=$( ("$bin" check "$dir" --format json 2>/dev/null || true) | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["files"])')
base=$(median_ms grep -rc '^name:' "$dir")
ours=$(median_ms "$bin" check "$dir" --format json)
echo "files checked:            $files"
echo "baseline grep (median):   ${base} ms"
echo "agentspec check (median): ${ours} ms   ($(awk -v a="$ours" -v b="$base" 'BEGIN{printf "%.1f", a/b}')x the baseline, $runs runs)"
if [ -x /usr/bin/time ]; then
    echo "peak memory:              $(peak_kb "$bin" check "$dir" --format json) KB (baseline grep: $(peak_kb grep -rc '^name:' "$dir") KB)"
fi
