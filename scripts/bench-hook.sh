#!/usr/bin/env bash
# Median wall time of one `agentspec run hook` process answering a PreToolUse event against a
# 50-agent bundle, next to `/bin/true` fed the same input, in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-201}"
cargo build --release --quiet
bin="$PWD/target/release/agentspec"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/.claude/agents"
for i in $(seq 1 50); do
    sed "s/^name: backend$/name: backend-$i/" fixtures/backend.md > "$work/.claude/agents/backend-$i.md"
done
(cd "$work" && "$bin" build --isolated -o .agentspec/bundle 2>/dev/null)
event='{"session_id":"bench","hook_event_name":"PreToolUse","agent_type":"backend-7","tool_name":"Bash","tool_input":{"command":"git commit -m x"},"tool_use_id":"TOOLID"}'

median_us() {
    python3 - "$runs" "$event" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, event, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times = []
for i in range(runs):
    data = event.replace("TOOLID", f"t{i}").encode()
    start = time.perf_counter()
    subprocess.run(cmd, input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(round(statistics.median(times) * 1e6))
PY
}

cd "$work"
base=$(median_us /bin/true)
start=$(median_us "$bin" --version)
ours=$(median_us "$bin" run hook --bundle .agentspec/bundle)
echo "bundle: 50 agents, $(du -sk .agentspec/bundle | cut -f1) KB"
echo "baseline /bin/true (median):            ${base} µs"
echo "agentspec --version (median):           ${start} µs   (process start-up alone)"
echo "agentspec run hook PreToolUse (median): ${ours} µs   (+$((ours - base)) µs over the baseline, $runs runs)"
