//! The packages agree with each other: the npm launcher's version and platform packages, the
//! release workflow's build matrix and archive names, `cargo binstall`'s metadata and the
//! Python project's name. (tests/e2e/packages.sh builds and installs them for real.)
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use serde_json::Value;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).expect(path)
}

#[test]
fn npm_release_binstall_and_wheel_name_the_same_things() {
    let cargo: toml::Table = toml::from_str(&read("Cargo.toml")).expect("Cargo.toml");
    let version = cargo["package"]["version"].as_str().expect("version");
    let npm: Value = serde_json::from_str(&read("npm/agentspec-lint/package.json")).expect("json");
    assert_eq!(npm["version"], version);
    assert_eq!(npm["bin"]["agentspec"], "bin/agentspec.js");
    let release = read(".github/workflows/release.yml");
    // Every platform package the launcher names is built by the release matrix, and no other.
    let mut named: Vec<String> = npm["optionalDependencies"]
        .as_object()
        .expect("optionalDependencies")
        .iter()
        .map(|(name, v)| {
            assert_eq!(v, version, "{name}");
            name.clone()
        })
        .collect();
    let mut built: Vec<String> = release
        .lines()
        .filter(|l| l.contains("target:") && l.contains("os:"))
        .map(|l| {
            let field = |key: &str| {
                l.split(&format!("{key}: "))
                    .nth(1)
                    .and_then(|r| r.split([',', ' ', '}']).next())
                    .expect(key)
                    .to_owned()
            };
            format!("agentspec-lint-{}-{}", field("os"), field("cpu"))
        })
        .collect();
    named.sort();
    built.sort();
    assert_eq!(named, built);
    // The archives the workflow makes are the ones `cargo binstall` asks for.
    let binstall = &cargo["package"]["metadata"]["binstall"];
    assert!(
        binstall["pkg-url"]
            .as_str()
            .expect("pkg-url")
            .ends_with("/agentspec-{ target }.tgz")
    );
    assert!(release.contains("\"dist/agentspec-$TARGET.tgz\""));
    assert!(release.contains("\"../dist/agentspec-$TARGET.zip\""));
    let pyproject: toml::Table = toml::from_str(&read("pyproject.toml")).expect("pyproject");
    assert_eq!(
        pyproject["project"]["name"].as_str(),
        Some("agentspec-lint")
    );
    assert_eq!(
        pyproject["tool"]["maturin"]["bindings"].as_str(),
        Some("bin")
    );
}
