//! An order's archived file (DONE-2): the documents and records of an order filed as one package
//! with a manifest that names each file with its size and SHA-256, so the package can be checked
//! years later against its own manifest (and the manifest against the hash kept with the archive).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long after its completion an order becomes due for archiving: six days, so the nightly run
/// files it within a week (DONE-2), late in it, so records that arrive late (a review, a last
/// ticket) are in the file.
pub const ARCHIVE_AFTER_MS: i64 = 6 * 24 * 3_600_000;

/// The manifest's own name in the package.
pub const MANIFEST_NAME: &str = "manifest.json";

/// One file of the package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchivedFile {
    /// Its path in the package, e.g. `labels/YT0000000001.pdf`.
    pub name: String,
    pub bytes: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// What the package holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Manifest {
    pub order_id: String,
    pub order_no: String,
    pub merchant_id: String,
    /// Milliseconds since the epoch.
    pub completed_at: i64,
    pub archived_at: i64,
    pub files: Vec<ArchivedFile>,
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The manifest entries of `files`, in their order.
pub fn entries(files: &[(String, Vec<u8>)]) -> Vec<ArchivedFile> {
    files
        .iter()
        .map(|(name, bytes)| ArchivedFile {
            name: name.clone(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
        .collect()
}

/// What does not match between a manifest and the files found in its package: each named file
/// missing or different, and each file the manifest does not name. Empty: the package is whole.
pub fn mismatches(manifest: &Manifest, found: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut out = Vec::new();
    for f in &manifest.files {
        match found.iter().find(|(name, _)| *name == f.name) {
            None => out.push(format!("{}: missing", f.name)),
            Some((_, bytes)) if sha256_hex(bytes) != f.sha256 || bytes.len() as u64 != f.bytes => {
                out.push(format!("{}: its checksum does not match the manifest", f.name));
            }
            Some(_) => {}
        }
    }
    for (name, _) in found {
        if name != MANIFEST_NAME && !manifest.files.iter().any(|f| f.name == *name) {
            out.push(format!("{name}: not in the manifest"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(files: &[(String, Vec<u8>)]) -> Manifest {
        Manifest {
            order_id: "o".into(),
            order_no: "N1".into(),
            merchant_id: "m".into(),
            completed_at: 1,
            archived_at: 2,
            files: entries(files),
        }
    }

    #[test]
    fn a_package_matches_its_manifest_until_a_file_is_changed_dropped_or_added() {
        let files =
            vec![("order.json".to_string(), b"{}".to_vec()), ("labels/A.pdf".to_string(), b"%PDF".to_vec())];
        let m = manifest(&files);
        assert_eq!(m.files[0].sha256, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        assert_eq!(m.files[1].bytes, 4);
        // Each row: the case, the files found in the package, what is wrong with them.
        type Files = Vec<(String, Vec<u8>)>;
        let table: [(&str, Files, Vec<&str>); 4] = [
            ("whole", files.clone(), vec![]),
            (
                "changed",
                vec![files[0].clone(), ("labels/A.pdf".into(), b"%PDX".to_vec())],
                vec!["labels/A.pdf: its checksum does not match the manifest"],
            ),
            ("dropped", vec![files[1].clone()], vec!["order.json: missing"]),
            (
                "added",
                [
                    files.clone(),
                    vec![("extra.txt".into(), b"x".to_vec()), (MANIFEST_NAME.into(), b"{}".to_vec())],
                ]
                .concat(),
                vec!["extra.txt: not in the manifest"],
            ),
        ];
        for (case, found, want) in table {
            assert_eq!(mismatches(&m, &found), want, "{case}");
        }
    }
}
