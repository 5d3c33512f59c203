//! Packages of files as ZIP archives (deflated), for an order's archived file (DONE-2): written
//! whole in memory (an order's file is a few hundred kilobytes) and read back file by file.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;

/// A ZIP of `files` (path, bytes), in their order.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        out.start_file(name.as_str(), options).map_err(|e| e.to_string())?;
        out.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(out.finish().map_err(|e| e.to_string())?.into_inner())
}

/// The files of a ZIP (path, bytes), in its order.
pub fn unzip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for n in 0..archive.len() {
        let mut file = archive.by_index(n).map_err(|e| e.to_string())?;
        let mut content = Vec::new();
        file.read_to_end(&mut content).map_err(|e| e.to_string())?;
        let name = file.name().map_err(|e| e.to_string())?.into_owned();
        out.push((name, content));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_come_back_as_they_went_in() {
        let files = vec![
            ("manifest.json".to_string(), br#"{"files":[]}"#.to_vec()),
            ("labels/YT1.pdf".to_string(), [0u8, 1, 2, 255].repeat(1000)),
            ("订单.json".to_string(), "{\"名\":\"王\"}".as_bytes().to_vec()),
        ];
        let zipped = zip_files(&files).unwrap();
        assert!(zipped.len() < 4000 + 200, "deflated: {}", zipped.len());
        assert_eq!(unzip(&zipped).unwrap(), files);
        assert!(unzip(b"not a zip").is_err());
    }
}
