//! What `agentspec hooks install` records in the runner's state folder, and the checks every
//! hook makes against it: the binary the hooks run is the one installed (its sha256, re-hashed
//! only when its size, inode or times moved), and — when the install confined the agent's
//! commands — the confinement.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::confine::Confinement;

/// The record's file name in the state folder.
pub const RECORD_FILE: &str = "install.json";
/// Where the binary's last verified stamp is kept, so that an unchanged binary is not hashed
/// again.
const STAMP_FILE: &str = "binary.stamp";

/// What an install recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstallRecord {
    /// The agentspec binary the hooks run (absolute).
    pub binary: PathBuf,
    /// Its sha256 at install.
    pub sha256: String,
    /// The settings file the hooks were installed into.
    pub settings: PathBuf,
    /// The confinement of the agent's commands; `None` for the analysis-only mode.
    #[serde(default)]
    pub confinement: Option<Confinement>,
}

/// What identifies a file's content cheaply: when none of it moved, the content did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    ino: u64,
    dev: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl Stamp {
    fn of(path: &Path) -> std::io::Result<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path)?;
        Ok(Stamp {
            len: m.len(),
            ino: m.ino(),
            dev: m.dev(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
            ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Verified {
    stamp: Stamp,
    sha256: String,
}

/// The sha256 of a file, read in blocks.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Writes the record (atomically, readable by the owner only through the state folder's mode).
pub fn write(state_dir: &Path, record: &InstallRecord) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(record).map_err(std::io::Error::other)?;
    crate::fsutil::write_atomic(
        &state_dir.join(RECORD_FILE),
        &bytes,
        crate::fsutil::Durability::Synced,
    )?;
    // The binary was just hashed: remember its stamp.
    remember(state_dir, &record.binary, &record.sha256);
    Ok(())
}

/// Why the install record cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{} is corrupt: {source}", path.display())]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The record, if an install wrote one.
pub fn read(state_dir: &Path) -> Result<Option<InstallRecord>, RecordError> {
    let path = state_dir.join(RECORD_FILE);
    match crate::fsutil::read_regular(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| RecordError::Corrupt { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(RecordError::Read { path, source }),
    }
}

/// Why the binary running the hook is not the one installed. Each says what to run.
#[derive(Debug, thiserror::Error)]
pub enum BinaryError {
    #[error("this hook runs {running}, not the agentspec binary installed at {}; {FIX}", installed.display())]
    NotInstalled { running: String, installed: PathBuf },
    #[error("the agentspec binary {} cannot be read ({source}); {FIX}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the agentspec binary {} changed since `agentspec hooks install` (sha256 {then} then, {now} now); {FIX}", path.display())]
    Changed {
        path: PathBuf,
        then: String,
        now: String,
    },
}

/// What to do about a [`BinaryError`].
const FIX: &str =
    "if agentspec was upgraded or moved on purpose, run `agentspec hooks install` again";

fn remember(state_dir: &Path, binary: &Path, sha256: &str) {
    if let Ok(stamp) = Stamp::of(binary)
        && let Ok(bytes) = serde_json::to_vec(&Verified {
            stamp,
            sha256: sha256.to_owned(),
        })
    {
        // Best effort: a stamp that cannot be kept only costs the next hook a hash.
        let _ = crate::fsutil::write_atomic(
            &state_dir.join(STAMP_FILE),
            &bytes,
            crate::fsutil::Durability::Renamed,
        );
    }
}

/// Whether the binary running now is the one installed, unchanged. The error says what to run.
pub fn verify_binary(state_dir: &Path, record: &InstallRecord) -> Result<(), BinaryError> {
    let running = std::env::current_exe()
        .ok()
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p));
    let installed = std::fs::canonicalize(&record.binary).unwrap_or_else(|_| record.binary.clone());
    if running.as_deref() != Some(installed.as_path()) {
        return Err(BinaryError::NotInstalled {
            running: running.map_or_else(
                || "an unknown binary".to_owned(),
                |p| p.display().to_string(),
            ),
            installed: record.binary.clone(),
        });
    }
    let unreadable = |source| BinaryError::Unreadable {
        path: installed.clone(),
        source,
    };
    let stamp = Stamp::of(&installed).map_err(unreadable)?;
    let known = crate::fsutil::read_regular(&state_dir.join(STAMP_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<Verified>(&b).ok());
    if known.is_some_and(|k| k.stamp == stamp && k.sha256 == record.sha256) {
        return Ok(());
    }
    let now = file_sha256(&installed).map_err(unreadable)?;
    if now != record.sha256 {
        return Err(BinaryError::Changed {
            path: installed.clone(),
            then: record.sha256.chars().take(12).collect(),
            now: now.chars().take(12).collect(),
        });
    }
    remember(state_dir, &installed, &now);
    Ok(())
}
