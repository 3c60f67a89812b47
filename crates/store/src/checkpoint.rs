//! Signed checkpoints anchor the audit chain outside the database. A checkpoint is one line of text
//! appended to a file that the database cannot reach:
//!
//! ```text
//! secretome-checkpoint/1 seq=1234 head=<64 hex> at=2026-12-06T17:00:00.000000Z key=<64 hex> sig=<128 hex>
//! ```
//!
//! `sig` is the Ed25519 signature (`ed25519-dalek`) of everything before ` sig=`, made with a key
//! kept in a file named in the configuration (`SECRETOME_CHECKPOINT_KEY`), never in the database.
//! `audit verify --checkpoints FILE` checks each line's signature against the trusted public keys
//! and then holds the chain against it: a rewritten event (hash recomputed onwards) contradicts the
//! head of every later checkpoint; a truncated tail leaves checkpoints pointing past the end; what
//! comes after the last checkpoint is reported as not yet anchored.

use crate::{StoreError, audit::Anchor, sql::SqlStore};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use std::{
    io::Write,
    path::{Path, PathBuf},
};

const TAG: &str = "secretome-checkpoint/1";

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint key {path}: {detail}")]
    Key { path: String, detail: String },
    #[error("checkpoint file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CheckpointError + '_ {
    move |source| CheckpointError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Creates a new key file (32-byte seed, hex, one line; refused if the file exists) and returns
/// the public key in hex.
pub fn generate_key(path: &Path) -> Result<String, CheckpointError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| CheckpointError::Key {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(io(path))?;
    writeln!(f, "{}", hex::encode(seed)).map_err(io(path))?;
    Ok(hex::encode(
        SigningKey::from_bytes(&seed).verifying_key().as_bytes(),
    ))
}

/// Reads a key file made by `generate_key`.
pub fn read_key(path: &Path) -> Result<SigningKey, CheckpointError> {
    let bad = |detail: &str| CheckpointError::Key {
        path: path.display().to_string(),
        detail: detail.to_string(),
    };
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let bytes = hex::decode(text.trim()).map_err(|_| bad("not a hex key"))?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| bad("a key is 32 bytes (64 hex digits)"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A public key given in hex (as `audit keygen` prints it).
pub fn parse_public_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// One signed line for `(seq, head)` at time `at`.
pub fn sign_line(key: &SigningKey, seq: i64, head: &str, at: &str) -> String {
    let body = format!(
        "{TAG} seq={seq} head={head} at={at} key={}",
        hex::encode(key.verifying_key().as_bytes())
    );
    let sig = key.sign(body.as_bytes());
    format!("{body} sig={}", hex::encode(sig.to_bytes()))
}

/// Checks one line: its signature, and that the key is trusted. Returns the anchor it vouches for.
pub fn check_line(line: &str, trusted: &[VerifyingKey]) -> Result<Anchor, String> {
    let (body, sig) = line
        .rsplit_once(" sig=")
        .ok_or("not a checkpoint line (no sig=)")?;
    let mut fields = body.split(' ');
    if fields.next() != Some(TAG) {
        return Err(format!("not a {TAG} line"));
    }
    let (mut seq, mut head, mut at, mut key) = (None, None, None, None);
    for f in fields {
        match f.split_once('=') {
            Some(("seq", v)) => seq = v.parse::<i64>().ok(),
            Some(("head", v)) => head = Some(v.to_string()),
            Some(("at", v)) => at = Some(v.to_string()),
            Some(("key", v)) => key = parse_public_key(v),
            _ => return Err(format!("unknown field {f:?}")),
        }
    }
    let (Some(seq), Some(head), Some(at), Some(key)) = (seq, head, at, key) else {
        return Err("a field is missing or malformed".into());
    };
    if !trusted.contains(&key) {
        return Err(format!(
            "signed with key {} which is not trusted",
            hex::encode(key.as_bytes())
        ));
    }
    let sig: [u8; 64] = hex::decode(sig)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("malformed signature")?;
    key.verify(body.as_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| "the signature does not match: the line was altered or forged".to_string())?;
    Ok(Anchor { seq, head, at })
}

/// Reads a checkpoint file: the anchors whose signature holds, and a problem per other line
/// (line number first).
pub fn read_file(
    path: &Path,
    trusted: &[VerifyingKey],
) -> Result<(Vec<Anchor>, Vec<String>), CheckpointError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let mut anchors = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match check_line(line, trusted) {
            Ok(a) => anchors.push(a),
            Err(e) => problems.push(format!("{}:{}: {e}", path.display(), i + 1)),
        }
    }
    Ok((anchors, problems))
}

/// Writes checkpoints of one store's chain head to one file with one key.
pub struct Checkpointer {
    store: SqlStore,
    key: SigningKey,
    path: PathBuf,
    /// The last (seq) written by this process, so a schedule does not repeat an unchanged head;
    /// the lock also keeps two appends from interleaving.
    last: tokio::sync::Mutex<Option<i64>>,
}

impl Checkpointer {
    pub fn new(store: SqlStore, key: SigningKey, path: PathBuf) -> Self {
        Checkpointer {
            store,
            key,
            path,
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// Appends a checkpoint of the current head (committed events only); returns the line, or
    /// None when the chain is empty or the head was already checkpointed by this process and
    /// `force` is not set.
    pub async fn write(&self, at: &str, force: bool) -> Result<Option<String>, CheckpointError> {
        let mut last = self.last.lock().await;
        let Some((seq, head)) = self.store.head().await? else {
            return Ok(None);
        };
        if !force && *last == Some(seq) {
            return Ok(None);
        }
        let line = sign_line(&self.key, seq, &head, at);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(io(&self.path))?;
        // One write of the whole line: appends from several processes do not interleave.
        f.write_all(format!("{line}\n").as_bytes())
            .and_then(|()| f.sync_data())
            .map_err(io(&self.path))?;
        *last = Some(seq);
        Ok(Some(line))
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_line_checks_and_any_change_breaks_it() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let trusted = [key.verifying_key()];
        let line = sign_line(&key, 42, &"ab".repeat(32), "2026-12-06T00:00:00.000000Z");
        let a = check_line(&line, &trusted).unwrap();
        assert_eq!((a.seq, a.head.as_str()), (42, "ab".repeat(32).as_str()));
        let forged = line.replace("seq=42", "seq=43");
        assert!(
            check_line(&forged, &trusted)
                .unwrap_err()
                .contains("altered")
        );
        let foreign = sign_line(&other, 42, &"ab".repeat(32), "2026-12-06T00:00:00.000000Z");
        assert!(
            check_line(&foreign, &trusted)
                .unwrap_err()
                .contains("not trusted")
        );
    }
}
