//! Stable identifiers: the same records give the same `urn:uuid:`s, so the same records give the
//! same bundle. A UUID is the SHA-256 of what identifies the record (its kind, its patient's
//! code and its row id, so that two databases' row 1 differ), cut to 128 bits and marked as
//! RFC 9562 version 8 (custom).

use sha2::{Digest, Sha256};

/// The UUID of `key`, `xxxxxxxx-xxxx-8xxx-yxxx-xxxxxxxxxxxx`.
pub(crate) fn uuid(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The full URL of a record of `kind` (`session`, `outcome`, ...) of patient `code`.
pub(crate) fn record_url(kind: &str, code: &str, id: i64) -> String {
    format!(
        "urn:uuid:{}",
        uuid(&format!("microneedling/{kind}/{code}/{id}"))
    )
}

/// The id part of a `urn:uuid:` full URL.
pub(crate) fn id_of(full_url: &str) -> String {
    full_url.trim_start_matches("urn:uuid:").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_version_8_and_distinct() {
        let a = uuid("microneedling/session/P-1/1");
        assert_eq!(a, uuid("microneedling/session/P-1/1"));
        assert_ne!(a, uuid("microneedling/session/P-2/1"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }
}
