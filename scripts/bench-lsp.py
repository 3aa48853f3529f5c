#!/usr/bin/env python3
"""Latency of `agentspec lsp` from a didChange to the publishDiagnostics it causes, for a 25 KB
agent file (the example backend agent, padded as in `cargo bench --bench check`), over stdio.

Baseline, in the same run and the same process: the round trip of a request the server
answers without any work (an unknown method, answered with MethodNotFound), so the figure
separates checking from transport. Each edit is one incremental change (typing a character in
the body, then deleting it), sent after the previous diagnostics arrived.

Usage: scripts/bench-lsp.py [--runs N] [--bin target/release/agentspec]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=300)
ap.add_argument("--bin", default="target/release/agentspec")
ap.add_argument("--with", dest="extra", help="a folder copied into the workspace first (for "
                "example ../shared/corpus: cross-file rules then run over every agent in it)")
args = ap.parse_args()

text = open("fixtures/backend.md", encoding="utf-8").read()
filler = "- Keep handlers small and tested; prefer explicit errors over panics.\n"
while len(text.encode()) < 25 * 1024:
    text += filler

root = tempfile.mkdtemp()
if args.extra:
    import shutil
    shutil.copytree(args.extra, f"{root}/extra")
os.makedirs(f"{root}/.claude/agents")
path = f"{root}/.claude/agents/backend.md"
open(path, "w", encoding="utf-8").write(text)
uri = "file://" + path

proc = subprocess.Popen([args.bin, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def send(msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def read():
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit("the server went away")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))


def wait(pred):
    while True:
        m = read()
        if pred(m):
            return m


send({"jsonrpc": "2.0", "id": 0, "method": "initialize",
      "params": {"processId": None, "rootUri": "file://" + root, "capabilities": {}}})
wait(lambda m: m.get("id") == 0)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")

last_line = text.count("\n")
change, baseline = [], []
for i in range(args.runs):
    version = i + 2
    if i % 2 == 0:
        edit = {"range": {"start": {"line": last_line, "character": 0},
                          "end": {"line": last_line, "character": 0}}, "text": "x"}
    else:
        edit = {"range": {"start": {"line": last_line, "character": 0},
                          "end": {"line": last_line, "character": 1}}, "text": ""}
    start = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]}})
    wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
         and m["params"].get("version") == version)
    change.append(time.perf_counter() - start)

    start = time.perf_counter()
    send({"jsonrpc": "2.0", "id": 1000 + i, "method": "agentspec/nothing", "params": {}})
    wait(lambda m: m.get("id") == 1000 + i)
    baseline.append(time.perf_counter() - start)

send({"jsonrpc": "2.0", "id": 99999, "method": "shutdown", "params": None})
wait(lambda m: m.get("id") == 99999)
send({"jsonrpc": "2.0", "method": "exit", "params": None})
proc.wait(timeout=10)


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


ms = lambda s: s * 1000
med_c, med_b = statistics.median(change), statistics.median(baseline)
print(f"file: {len(text.encode())} bytes, {args.runs} edits"
      + (f", workspace with {args.extra}" if args.extra else ""))
print(f"didChange -> publishDiagnostics: median {ms(med_c):.2f} ms, p95 {ms(q(change, 0.95)):.2f} ms, max {ms(max(change)):.2f} ms")
print(f"baseline round trip (MethodNotFound): median {ms(med_b):.3f} ms, p95 {ms(q(baseline, 0.95)):.3f} ms")
print(f"ratio (median): {med_c / med_b:.1f}x the baseline; checking adds {ms(med_c - med_b):.2f} ms")
