#!/usr/bin/env bash
# Packages the agentspec binary for people without a Rust toolchain.
#
#   scripts/package.sh wheel [OUT]            the Python wheel (maturin, `bindings = "bin"`) into
#                                             OUT (default target/wheels); maturin comes from
#                                             PyPI into a cached virtualenv unless on PATH
#   scripts/package.sh npm OS CPU BINARY [OUT]
#                                             the npm packages: `agentspec-lint` (a launcher)
#                                             and `agentspec-lint-OS-CPU` holding BINARY (OS and
#                                             CPU as Node names them: linux, darwin, win32; x64,
#                                             arm64), packed with `npm pack` into OUT (default
#                                             target/npm)
#
# Versions come from Cargo.toml. The release workflow (.github/workflows/release.yml) runs
# both per platform; tests/e2e/packages.sh installs what they make into fresh environments.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
what="${1:?usage: scripts/package.sh wheel [OUT] | npm OS CPU BINARY [OUT]}"
case "$what" in
wheel)
    out="${2:-target/wheels}"
    if command -v maturin > /dev/null; then
        maturin=maturin
    else
        venv="${XDG_CACHE_HOME:-$HOME/.cache}/agentspec/maturin-venv"
        if [ ! -x "$venv/bin/maturin" ]; then
            python3 -m venv "$venv"
            "$venv/bin/pip" install --quiet --disable-pip-version-check "maturin==1.9.6"
        fi
        maturin="$venv/bin/maturin"
    fi
    "$maturin" build --release --out "$out" >&2
    ls "$out"/agentspec_lint-"$version"-*.whl
    ;;
npm)
    os="${2:?OS}" cpu="${3:?CPU}" binary="${4:?BINARY}" out="${5:-target/npm}"
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    # The platform's package: the binary, and a package.json from the template.
    mkdir -p "$work/platform/bin"
    exe=agentspec
    [ "$os" = win32 ] && exe=agentspec.exe
    cp "$binary" "$work/platform/bin/$exe"
    chmod +x "$work/platform/bin/$exe"
    sed -e "s/@OS@/$os/g" -e "s/@CPU@/$cpu/g" -e "s/@VERSION@/$version/g" \
        npm/platform/package.json.in > "$work/platform/package.json"
    cp README.md "$work/platform/README.md"
    # The launcher's package, at the same version as every platform package it names.
    cp -r npm/agentspec-lint "$work/main"
    cp README.md "$work/main/README.md"
    python3 - "$work/main/package.json" "$version" <<'PY'
import json, sys
path, version = sys.argv[1], sys.argv[2]
package = json.load(open(path))
package["version"] = version
package["optionalDependencies"] = {name: version for name in package["optionalDependencies"]}
open(path, "w").write(json.dumps(package, indent=2) + "\n")
PY
    (cd "$work/platform" && npm pack --silent --pack-destination "$out" > /dev/null)
    (cd "$work/main" && npm pack --silent --pack-destination "$out" > /dev/null)
    ls "$out/agentspec-lint-$os-$cpu-$version.tgz" "$out/agentspec-lint-$version.tgz"
    ;;
*)
    echo "usage: scripts/package.sh wheel [OUT] | npm OS CPU BINARY [OUT]" >&2
    exit 2
    ;;
esac
