//! Images kept with the records (before/after photos, drawn consent signatures): stored as files
//! named by the SHA-256 of their content, under one folder, after their metadata is stripped
//! (EXIF, XMP, comments, PNG text chunks: camera, place and time taken), and checked against
//! their name on every read. The record holds the hash; the folder holds the bytes.
//!
//! A SQLite file's images sit beside it (`records.db` → `records.db.files/`); a PostgreSQL
//! database's in the user's data folder, or the folder the clinic configures (shared storage
//! when several sites write: docs/records.md).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use microneedling_core::InputError;

use crate::input::sha256_hex;
use crate::{Location, Result, StoreError};

/// The images a clinic keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStore {
    dir: PathBuf,
}

/// The largest image accepted, bytes.
pub const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;

/// An image as stored: its hash and media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub sha256: String,
    pub media_type: &'static str,
    pub bytes: usize,
}

impl FileStore {
    /// The images in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The default folder of the records at `location`.
    pub fn beside(location: &Location) -> Self {
        match location {
            Location::File(path) => Self::new(format!("{}.files", path.display())),
            Location::Postgres(_) => Self::new(
                crate::default_path()
                    .parent()
                    .map_or_else(|| PathBuf::from("microneedling-files"), |d| d.join("files")),
            ),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(&sha256[..2]).join(sha256)
    }

    /// Strips the image's metadata and stores it under its hash (once: the same image twice is
    /// one file). Only JPEG and PNG are accepted.
    pub fn put(&self, field: &str, bytes: &[u8]) -> Result<StoredImage> {
        let (clean, media_type) = strip_metadata(field, bytes)?;
        let sha256 = sha256_hex(&clean);
        let path = self.path_of(&sha256);
        if !path.exists() {
            let folder = path.parent().unwrap_or(&self.dir);
            create_private_dir(folder)?;
            // Written under a temporary name and renamed: a reader never sees half a file.
            let temporary = folder.join(format!(".{sha256}.{}.partial", std::process::id()));
            let written = (|| {
                let mut file = private_file(&temporary)?;
                file.write_all(&clean)?;
                file.sync_all()?;
                std::fs::rename(&temporary, &path)
            })();
            if let Err(e) = written {
                let _ = std::fs::remove_file(&temporary);
                return Err(StoreError::Database(format!(
                    "cannot store the image in {}: {e}",
                    folder.display()
                )));
            }
        }
        Ok(StoredImage {
            sha256,
            media_type,
            bytes: clean.len(),
        })
    }

    /// The image stored under `sha256`, checked against it: a file whose content no longer
    /// matches its name is reported as damaged, never returned.
    pub fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        if sha256.len() != 64 || !sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(InputError::new("sha256", sha256, "64 hexadecimal characters").into());
        }
        let path = self.path_of(&sha256.to_ascii_lowercase());
        let bytes = std::fs::read(&path).map_err(|e| {
            StoreError::Damaged(format!(
                "the image {sha256} is not in {}: {e}",
                self.dir.display()
            ))
        })?;
        if sha256_hex(&bytes) != sha256.to_ascii_lowercase() {
            return Err(StoreError::Damaged(format!(
                "the image file {} does not match its hash: it was changed or damaged; restore it from a backup",
                path.display()
            )));
        }
        Ok(bytes)
    }
}

/// The image without its metadata, and its media type. JPEG keeps its pixels, JFIF header and
/// colour profile (APP0, APP2) and loses every other application segment (EXIF and XMP in APP1,
/// IPTC in APP13, ...) and comments; PNG loses its EXIF, text and time chunks.
pub fn strip_metadata(field: &str, bytes: &[u8]) -> Result<(Vec<u8>, &'static str)> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(InputError::new(
            field,
            format!("{} bytes", bytes.len()),
            format!("an image of at most {MAX_IMAGE_BYTES} bytes"),
        )
        .into());
    }
    let refuse = |what: String| InputError::new(field, what, "a JPEG or PNG image");
    let data = img_parts::Bytes::copy_from_slice(bytes);
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut jpeg =
            Jpeg::from_bytes(data).map_err(|e| refuse(format!("a damaged JPEG ({e})")))?;
        jpeg.segments_mut().retain(|s| {
            let marker = s.marker();
            let app = (markers::APP0..=markers::APP15).contains(&marker);
            !(marker == markers::COM || app && marker != markers::APP0 && marker != markers::APP2)
        });
        return Ok((jpeg.encoder().bytes().to_vec(), "image/jpeg"));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut png = Png::from_bytes(data).map_err(|e| refuse(format!("a damaged PNG ({e})")))?;
        png.chunks_mut()
            .retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME"));
        return Ok((png.encoder().bytes().to_vec(), "image/png"));
    }
    Err(refuse("a file that is neither JPEG nor PNG".into()).into())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| StoreError::Database(format!("cannot create {}: {e}", dir.display())))
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
