//! Photos and drawn signatures: kept as files named by their hash, without their metadata,
//! checked on every read; a photo only with the patient's consent; a signature with its
//! signer. Runs on SQLite, and on PostgreSQL when MICRONEEDLING_TEST_POSTGRES names a server.

mod common;

use chrono::Duration;
use common::{fresh_store, today};
use microneedling_store::{
    FileStore, NewConsent, NewPhotoImage, StoreError, sha256_hex, strip_metadata,
};

/// A JPEG's container (no real pixels: nothing here decodes them): SOI, a JFIF header, an EXIF
/// segment naming the camera and the place, a comment, a scan and EOI.
fn jpeg_with_metadata() -> Vec<u8> {
    let segment = |marker: u8, body: &[u8]| {
        let len = (body.len() + 2) as u16;
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&len.to_be_bytes());
        s.extend_from_slice(body);
        s
    };
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    jpeg.extend(segment(
        0xE1,
        b"Exif\0\0CameraMaker GPS 51.50N 0.12W 2026:11:20",
    ));
    jpeg.extend(segment(0xFE, b"taken at the Harley Street clinic"));
    jpeg.extend(segment(0xDA, b"\x01\x01\x00\x00\x3F\x00"));
    jpeg.extend_from_slice(&[0x12, 0x34, 0x56, 0x78, 0xFF, 0xD9]);
    jpeg
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG container with a header, a text chunk naming the author, an EXIF chunk, data and end.
fn png_with_metadata() -> Vec<u8> {
    let chunk = |kind: &[u8; 4], body: &[u8]| {
        let mut c = (body.len() as u32).to_be_bytes().to_vec();
        let mut typed = kind.to_vec();
        typed.extend_from_slice(body);
        c.extend_from_slice(&typed);
        c.extend_from_slice(&crc32(&typed).to_be_bytes());
        c
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    png.extend(chunk(b"tEXt", b"Author\0Dr A at the clinic"));
    png.extend(chunk(b"eXIf", b"MM\0*GPS 51.50N"));
    png.extend(chunk(b"IDAT", &[0x78, 0x9C, 0x63, 0x60, 0, 0, 0, 2, 0, 1]));
    png.extend(chunk(b"IEND", &[]));
    png
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn files(name: &str) -> FileStore {
    let dir = std::env::temp_dir().join(format!("mn-images-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    FileStore::new(dir)
}

#[test]
fn metadata_is_stripped_and_the_image_kept_under_its_hash() {
    let store = files("strip");
    let jpeg = jpeg_with_metadata();
    let stored = store.put("image", &jpeg).expect("stored");
    assert_eq!(stored.media_type, "image/jpeg");
    let back = store.get(&stored.sha256).expect("read back");
    assert_eq!(sha256_hex(&back), stored.sha256);
    assert!(
        !contains(&back, b"GPS") && !contains(&back, b"Harley"),
        "EXIF and comment gone"
    );
    assert!(contains(&back, b"JFIF"), "the JFIF header stays");
    assert!(
        back.ends_with(&[0x12, 0x34, 0x56, 0x78, 0xFF, 0xD9]),
        "the scan is untouched"
    );
    assert_eq!(
        store.put("image", &jpeg).expect("again").sha256,
        stored.sha256,
        "one file"
    );
    let png = png_with_metadata();
    let (clean, media) = strip_metadata("image", &png).expect("png");
    assert_eq!(media, "image/png");
    assert!(!contains(&clean, b"Author") && !contains(&clean, b"GPS"));
    assert!(contains(&clean, b"IHDR") && contains(&clean, b"IDAT") && contains(&clean, b"IEND"));
    let refused = store.put("image", b"GIF89a not accepted").expect_err("gif");
    assert!(
        matches!(&refused, StoreError::Input(e) if e.field == "image"),
        "{refused}"
    );
}

#[test]
fn a_changed_image_file_is_reported_damaged_never_returned() {
    let store = files("tamper");
    let stored = store.put("image", &png_with_metadata()).expect("stored");
    let path = store.dir().join(&stored.sha256[..2]).join(&stored.sha256);
    let mut bytes = std::fs::read(&path).expect("file");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    std::fs::write(&path, bytes).expect("tampered");
    let e = store.get(&stored.sha256).expect_err("damaged");
    assert!(matches!(e, StoreError::Damaged(m) if m.contains("does not match its hash")));
    assert!(store.get("not-a-hash").is_err());
}

#[test]
fn photos_need_consent_and_form_before_after_series_per_zone_and_view() {
    let images = files("photos");
    let mut store = fresh_store("photos");
    common::add_patient(&mut store, "PH-1");
    let photo = |days: i64, view: &str, consent: bool| NewPhotoImage {
        code: "PH-1".into(),
        taken_at: today() - Duration::days(days),
        view: view.into(),
        zone: Some("cheek".into()),
        photo_consent: consent,
        image: if days % 2 == 0 {
            jpeg_with_metadata()
        } else {
            png_with_metadata()
        },
    };
    let refused = store
        .add_photo_image(&images, &photo(30, "front", false))
        .expect_err("no consent");
    assert!(matches!(refused, StoreError::Rule(m) if m.contains("consent to photos")));
    for (days, view) in [(30, "front"), (20, "left"), (1, "front")] {
        store
            .add_photo_image(&images, &photo(days, view, true))
            .expect("photo");
    }
    let history = store.history("PH-1").expect("history");
    assert_eq!(history.photos.len(), 3);
    assert_eq!(history.photos[0].zone.as_deref(), Some("cheek"));
    assert_eq!(history.photos[0].media_type.as_deref(), Some("image/jpeg"));
    assert_eq!(history.photo_series.len(), 2, "front and left of the cheek");
    let front = &history.photo_series[0];
    assert_eq!(front.view, "front");
    assert_eq!(
        front.photo_ids,
        [history.photos[0].id, history.photos[2].id],
        "before, after"
    );
    for p in &history.photos {
        assert!(
            images.get(&p.file_sha256).is_ok(),
            "every photo's image is kept"
        );
    }
}

#[test]
fn a_drawn_signature_is_kept_with_its_signer() {
    let images = files("signature");
    let mut store = fresh_store("signature");
    common::add_patient(&mut store, "SG-1");
    let consent = |signer: Option<&str>| NewConsent {
        code: "SG-1".into(),
        version: "v2".into(),
        text: "I consent to microneedling of the cheeks.".into(),
        signed_at: today(),
        signer: signer.map(str::to_string),
        signature_image: Some(png_with_metadata()),
    };
    let e = store
        .record_signed_consent(&images, &consent(None))
        .expect_err("no signer");
    assert!(matches!(e, StoreError::Input(i) if i.field == "signer"));
    store
        .record_signed_consent(&images, &consent(Some("Jane Roe (patient)")))
        .expect("signed");
    let signed = &store.history("SG-1").expect("history").consents[0];
    assert_eq!(signed.signer.as_deref(), Some("Jane Roe (patient)"));
    let hash = signed.signature_sha256.as_deref().expect("signature");
    assert!(images.get(hash).is_ok());
    assert_eq!(
        signed.text_sha256,
        sha256_hex(b"I consent to microneedling of the cheeks.")
    );
}

#[test]
fn a_consent_version_names_one_text() {
    let mut store = fresh_store("versions");
    common::add_patient(&mut store, "CV-1");
    common::add_patient(&mut store, "CV-2");
    store
        .record_consent("CV-1", "v5", "I consent to microneedling.", today())
        .expect("first text of v5");
    store
        .record_consent("CV-2", "v5", "I consent to microneedling.", today())
        .expect("the same text again");
    let changed = store
        .record_consent(
            "CV-2",
            "v5",
            "I consent to microneedling and photographs.",
            today(),
        )
        .expect_err("another text under v5");
    assert!(matches!(changed, StoreError::Rule(m) if m.contains("needs a new version")));
    store
        .record_consent(
            "CV-2",
            "v6",
            "I consent to microneedling and photographs.",
            today(),
        )
        .expect("a new version");
}
