//! The blob store: files (photos, evidence, documents) kept in a local directory under the
//! SHA-256 of their content, so a file's name never comes from a user and storing the same file
//! twice keeps one copy. A file is written to a temporary name, flushed to disk and renamed into
//! place, so a crash leaves either the whole file or none.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[error("the blob store failed: {0}")]
pub struct BlobError(String);

/// A content-addressed directory.
#[derive(Clone, Debug)]
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    /// The store in `root` (created when first written to).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Where the file with this hash lies: `root/ab/cd/abcd…`. Only hex digests get here.
    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid =
            sha256.len() == 64 && sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
        valid.then(|| self.root.join(&sha256[..2]).join(&sha256[2..4]).join(sha256))
    }

    /// Stores `bytes`; returns their SHA-256 in hex, the key to read them back.
    pub fn put(&self, bytes: &[u8]) -> Result<String, BlobError> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha).ok_or_else(|| BlobError("a digest that is not hex".into()))?;
        if path.exists() {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| BlobError(format!("{}: {e}", dir.display())))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| BlobError(e.to_string()))?;
        tmp.write_all(bytes).map_err(|e| BlobError(e.to_string()))?;
        tmp.as_file().sync_all().map_err(|e| BlobError(e.to_string()))?;
        tmp.persist(&path).map_err(|e| BlobError(e.to_string()))?;
        Ok(sha)
    }

    /// The file with this hash, if the store has it.
    pub fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let Some(path) = self.path_of(sha256) else { return Ok(None) };
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(BlobError(format!("{}: {e}", path.display()))),
        }
    }

    /// Deletes the file with this hash (personal data erased); `false` when there was none.
    pub fn delete(&self, sha256: &str) -> Result<bool, BlobError> {
        let Some(path) = self.path_of(sha256) else { return Ok(false) };
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(BlobError(format!("{}: {e}", path.display()))),
        }
    }

    /// How many files the store holds (for checks that nothing was stored).
    pub fn count(&self) -> usize {
        fn walk(dir: &Path) -> usize {
            std::fs::read_dir(dir)
                .map(|entries| {
                    entries.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum()
                })
                .unwrap_or(0)
        }
        walk(&self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_kept_once_under_its_hash_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::new(dir.path());
        let a = store.put(b"carton photo").unwrap();
        assert_eq!(store.put(b"carton photo").unwrap(), a, "the same content, the same key");
        assert_eq!(store.count(), 1);
        assert_eq!(store.get(&a).unwrap().as_deref(), Some(&b"carton photo"[..]));
        assert_eq!(store.get("../../etc/passwd").unwrap(), None, "only digests are keys");
        assert_eq!(store.get(&"0".repeat(64)).unwrap(), None);
        assert!(store.delete(&a).unwrap());
        assert_eq!(store.get(&a).unwrap(), None, "deleted");
        assert!(!store.delete(&a).unwrap(), "deleted once");
    }
}
