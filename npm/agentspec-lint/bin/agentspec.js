#!/usr/bin/env node
// Runs the agentspec binary of this platform's package (agentspec-lint-<os>-<cpu>, an optional
// dependency npm installs only where its `os` and `cpu` match), passing arguments, standard
// streams and the exit status through.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const pkg = `agentspec-lint-${process.platform}-${process.arch}`;
const exe = process.platform === "win32" ? "agentspec.exe" : "agentspec";
let binary;
try {
  binary = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", exe);
} catch {
  console.error(
    `agentspec: no binary for ${process.platform}-${process.arch}: the package ${pkg} is not ` +
      "installed (npm skips optional dependencies with --no-optional or for another platform). " +
      "Other ways: `pipx install agentspec-lint`, `cargo binstall agentspec`."
  );
  process.exit(2);
}
const run = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (run.error) {
  console.error(`agentspec: cannot run ${binary}: ${run.error.message}`);
  process.exit(2);
}
if (run.signal) {
  process.kill(process.pid, run.signal);
}
process.exit(run.status ?? 2);
