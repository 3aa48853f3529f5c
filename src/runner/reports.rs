//! Machine-readable test and coverage reports, read for the Definition of Done: JUnit XML,
//! and line coverage from lcov, Cobertura or JaCoCo XML, or a JSON summary (istanbul's
//! `coverage-summary.json`, `cargo llvm-cov --json`, coverage.py's `coverage json`).

use serde_json::Value;

/// Test cases in a JUnit report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub tests: u64,
    pub failures: u64,
    pub errors: u64,
}

/// Why a report cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("not XML: {0}")]
    NotXml(roxmltree::Error),
    #[error("not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("not a JUnit report (its root is <{0}>)")]
    NotJunit(String),
    #[error("not an lcov report (no `LF:` line)")]
    NotLcov,
    #[error("the {0} report counts no lines")]
    NoLines(&'static str),
    #[error("the Cobertura report has no `line-rate`")]
    NoLineRate,
    #[error("the JaCoCo report has no LINE counter")]
    NoLineCounter,
    #[error("the JaCoCo LINE counter has no `{0}`")]
    CounterWithout(String),
    #[error("not a coverage report (its root is <{0}>)")]
    NotCoverage(String),
    #[error("no line coverage where istanbul, coverage.py or llvm-cov put it")]
    NoCoverage,
    #[error("the coverage it gives, {0}, is not a percentage")]
    NotAPercentage(f64),
}

/// Counts the `<testcase>` elements of a JUnit XML report and those with a `<failure>` or
/// `<error>` (the suites' own count attributes are not trusted: they can disagree).
pub fn junit(text: &str) -> Result<Counts, ReportError> {
    let doc = roxmltree::Document::parse(text).map_err(ReportError::NotXml)?;
    let root = doc.root_element().tag_name().name();
    if root != "testsuites" && root != "testsuite" {
        return Err(ReportError::NotJunit(root.to_owned()));
    }
    let mut counts = Counts::default();
    for case in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "testcase")
    {
        counts.tests += 1;
        let has = |name: &str| case.children().any(|c| c.tag_name().name() == name);
        if has("failure") {
            counts.failures += 1;
        } else if has("error") {
            counts.errors += 1;
        }
    }
    Ok(counts)
}

/// Line coverage in percent, from whichever of the known formats `text` is.
pub fn line_coverage(text: &str) -> Result<f64, ReportError> {
    let trimmed = text.trim_start();
    let percent = if trimmed.starts_with('{') {
        json_coverage(trimmed)?
    } else if trimmed.starts_with('<') {
        xml_coverage(trimmed)?
    } else {
        lcov_coverage(text)?
    };
    if percent.is_finite() && (0.0..=100.0).contains(&percent) {
        Ok(percent)
    } else {
        Err(ReportError::NotAPercentage(percent))
    }
}

fn lcov_coverage(text: &str) -> Result<f64, ReportError> {
    let (mut found, mut hit, mut records) = (0u64, 0u64, 0u64);
    for line in text.lines() {
        let number = |prefix: &str| {
            line.strip_prefix(prefix)
                .and_then(|n| n.trim().parse::<u64>().ok())
        };
        if let Some(n) = number("LF:") {
            found += n;
            records += 1;
        } else if let Some(n) = number("LH:") {
            hit += n;
        }
    }
    if records == 0 {
        return Err(ReportError::NotLcov);
    }
    if found == 0 {
        return Err(ReportError::NoLines("lcov"));
    }
    Ok(percent(hit, found))
}

fn percent(part: u64, whole: u64) -> f64 {
    // Counts of lines stay far below 2^52: the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let p = part as f64 * 100.0 / whole as f64;
    p
}

fn xml_coverage(text: &str) -> Result<f64, ReportError> {
    let doc = roxmltree::Document::parse(text).map_err(ReportError::NotXml)?;
    let root = doc.root_element();
    match root.tag_name().name() {
        // Cobertura: `<coverage line-rate="0.93">`.
        "coverage" => root
            .attribute("line-rate")
            .and_then(|r| r.parse::<f64>().ok())
            .map(|r| r * 100.0)
            .ok_or(ReportError::NoLineRate),
        // JaCoCo: the report's own `<counter type="LINE" missed=".." covered=".."/>`.
        "report" => {
            let counter = root
                .children()
                .find(|c| c.tag_name().name() == "counter" && c.attribute("type") == Some("LINE"))
                .ok_or(ReportError::NoLineCounter)?;
            let get = |name: &str| {
                counter
                    .attribute(name)
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or_else(|| ReportError::CounterWithout(name.to_owned()))
            };
            let (missed, covered) = (get("missed")?, get("covered")?);
            if missed + covered == 0 {
                return Err(ReportError::NoLines("JaCoCo"));
            }
            Ok(percent(covered, missed + covered))
        }
        other => Err(ReportError::NotCoverage(other.to_owned())),
    }
}

fn json_coverage(text: &str) -> Result<f64, ReportError> {
    let v: Value = serde_json::from_str(text).map_err(ReportError::NotJson)?;
    let paths: [&[&str]; 3] = [
        // istanbul / nyc / jest `coverage-summary.json`
        &["total", "lines", "pct"],
        // coverage.py `coverage json`
        &["totals", "percent_covered"],
        // `cargo llvm-cov --json`, `llvm-cov export`
        &["data", "0", "totals", "lines", "percent"],
    ];
    paths
        .iter()
        .find_map(|path| {
            path.iter()
                .try_fold(&v, |at, key| match key.parse::<usize>() {
                    Ok(i) => at.get(i),
                    Err(_) => at.get(key),
                })
                .and_then(Value::as_f64)
        })
        .ok_or(ReportError::NoCoverage)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn junit_counts_cases() {
        let xml = r#"<testsuites tests="99"><testsuite name="a">
            <testcase name="x"/><testcase name="y"><failure message="boom"/></testcase>
            <testcase name="z"><error/></testcase></testsuite></testsuites>"#;
        assert_eq!(
            junit(xml).unwrap(),
            Counts {
                tests: 3,
                failures: 1,
                errors: 1
            }
        );
        assert!(junit("<html/>").is_err());
        assert!(junit("not xml").is_err());
    }

    #[test]
    fn coverage_formats() {
        let lcov =
            "TN:\nSF:a.rs\nLF:10\nLH:9\nend_of_record\nSF:b.rs\nLF:10\nLH:10\nend_of_record\n";
        assert!((line_coverage(lcov).unwrap() - 95.0).abs() < 1e-9);
        let cobertura =
            r#"<?xml version="1.0"?><coverage line-rate="0.875" branch-rate="0"></coverage>"#;
        assert!((line_coverage(cobertura).unwrap() - 87.5).abs() < 1e-9);
        let jacoco = r#"<report name="x"><counter type="LINE" missed="1" covered="3"/></report>"#;
        assert!((line_coverage(jacoco).unwrap() - 75.0).abs() < 1e-9);
        let istanbul = r#"{"total":{"lines":{"total":10,"covered":9,"pct":90}}}"#;
        assert!((line_coverage(istanbul).unwrap() - 90.0).abs() < 1e-9);
        let llvm = r#"{"data":[{"totals":{"lines":{"percent":91.5}}}]}"#;
        assert!((line_coverage(llvm).unwrap() - 91.5).abs() < 1e-9);
        let py = r#"{"totals":{"percent_covered":88.0}}"#;
        assert!((line_coverage(py).unwrap() - 88.0).abs() < 1e-9);
        assert!(line_coverage("hello").is_err());
        assert!(line_coverage(r#"{"total":{}}"#).is_err());
        assert!(line_coverage(r#"<coverage line-rate="7"/>"#).is_err());
    }
}
