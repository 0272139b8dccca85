//! The SNOMED CT codes of the export, from `data/snomed.toml` (each with where it is cited):
//! body sites by site id, adverse effects by effect id. Anything not in the table is text.

use std::sync::OnceLock;

use serde::Deserialize;

/// One cited SNOMED CT concept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SnomedCode {
    /// The knowledge base's id it stands for (site or adverse effect).
    pub key: String,
    /// The concept id.
    pub code: String,
    /// The concept's display.
    pub display: String,
    /// Where the code and display are published.
    pub source: String,
}

/// The table of `data/snomed.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SnomedTable {
    /// Body sites by site id.
    pub body_site: Vec<SnomedCode>,
    /// Adverse effects by effect id.
    pub adverse_effect: Vec<SnomedCode>,
}

/// The text of the table, as shipped.
pub const TABLE_TOML: &str = include_str!("../data/snomed.toml");

/// The table (parsed once; a test proves it parses, so the fallback is never taken).
pub fn table() -> &'static SnomedTable {
    static TABLE: OnceLock<SnomedTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(TABLE_TOML).unwrap_or(SnomedTable {
            body_site: Vec::new(),
            adverse_effect: Vec::new(),
        })
    })
}

/// The code of body site `site`, if cited.
pub fn body_site(site: &str) -> Option<&'static SnomedCode> {
    table().body_site.iter().find(|c| c.key == site)
}

/// The code of adverse effect `effect`, if cited.
pub fn adverse_effect(effect: &str) -> Option<&'static SnomedCode> {
    table().adverse_effect.iter().find(|c| c.key == effect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_with_a_source_for_every_code() {
        let parsed: SnomedTable = toml::from_str(TABLE_TOML).expect("data/snomed.toml parses");
        assert_eq!(parsed.body_site.len(), 13);
        assert_eq!(parsed.adverse_effect.len(), 3);
        for c in parsed.body_site.iter().chain(&parsed.adverse_effect) {
            assert!(
                c.code.chars().all(|d| d.is_ascii_digit()) && c.code.len() >= 6,
                "{c:?}"
            );
            assert!(!c.source.trim().is_empty(), "{c:?}");
        }
        assert_eq!(
            body_site("cheek").map(|c| c.code.as_str()),
            Some("36141000")
        );
        assert_eq!(
            body_site("forehead").map(|c| c.code.as_str()),
            Some("68698007")
        );
        assert_eq!(
            body_site("scalp").map(|c| c.code.as_str()),
            Some("43067004")
        );
        assert_eq!(body_site("glabella"), None);
    }

    #[test]
    fn every_key_is_a_site_or_effect_of_the_knowledge_base() {
        let kb = microneedling_core::KnowledgeBase::embedded().expect("knowledge base");
        for c in &table().body_site {
            assert!(kb.site(&c.key).is_ok(), "{} is not a site", c.key);
        }
        for c in &table().adverse_effect {
            assert!(
                kb.adverse_effects.iter().any(|a| a.id == c.key),
                "{}",
                c.key
            );
        }
    }
}
