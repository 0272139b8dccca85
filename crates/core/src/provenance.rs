//! Where a figure or rule comes from: a published source, a stated assumption, or both.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Where a figure comes from: a citation, a stated assumption, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// Citation (author year, title or DOI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Assumption stated in place of, or in addition to, a citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

impl Provenance {
    /// One line for humans: the source, then the assumption made inside it.
    pub fn cite(&self) -> String {
        match (&self.source, &self.assumption) {
            (Some(s), Some(a)) => format!("{s} (assumption: {a})"),
            (Some(s), None) => s.clone(),
            (None, Some(a)) => format!("assumption: {a}"),
            (None, None) => String::from("no source"),
        }
    }

    /// Checks that at least one of source and assumption is present and non-blank; `what` names the figure in the error.
    pub fn check(&self, what: &str) -> Result<(), Error> {
        let present = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
        if present(&self.source) || present(&self.assumption) {
            Ok(())
        } else {
            Err(Error::Knowledge(format!(
                "{what} has neither a source nor an assumption"
            )))
        }
    }
}

/// What every output of a knowledge base carries: which version of the data produced it, and
/// that it is decision support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Edition {
    /// The knowledge base's version (data/meta.toml).
    pub knowledge_base_version: String,
    /// Decision support, not a prescription.
    pub disclaimer: String,
}

/// A number with its provenance, as written in data/ (`{ value = 0.2, source = "…" }`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cited {
    /// The number itself, in the unit its field name states.
    pub value: f64,
    /// Its source or assumption.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Lists every number in a TOML document that no `source` or `assumption` covers: a number is
/// covered by its own table or any table around it.
pub fn uncited_numbers(document: &str) -> Result<Vec<String>, Error> {
    let value: toml::Table = toml::from_str(document).map_err(|e| Error::parse("data", e))?;
    Ok(uncited_in(&value))
}

/// [`uncited_numbers`] of an already parsed document.
pub fn uncited_in(document: &toml::Table) -> Vec<String> {
    let mut missing = Vec::new();
    walk_table(document, "", false, &mut missing);
    missing
}

fn has_provenance(table: &toml::Table) -> bool {
    ["source", "assumption"].iter().any(|key| {
        table
            .get(*key)
            .and_then(toml::Value::as_str)
            .is_some_and(|text| !text.trim().is_empty())
    })
}

fn walk_table(table: &toml::Table, path: &str, covered: bool, missing: &mut Vec<String>) {
    let covered = covered || has_provenance(table);
    for (key, value) in table {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        walk_value(value, &here, covered, missing);
    }
}

fn walk_value(value: &toml::Value, path: &str, covered: bool, missing: &mut Vec<String>) {
    match value {
        toml::Value::Integer(_) | toml::Value::Float(_) if !covered => {
            missing.push(path.to_string())
        }
        toml::Value::Table(table) => walk_table(table, path, covered, missing),
        toml::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk_value(item, &format!("{path}[{index}]"), covered, missing);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_without_source_is_found() {
        let doc = "[a]\nx = 1\n[b]\ny = 2\nsource = \"paper\"\n[[c]]\nz = { w = 3 }\nassumption = \"guess\"\n";
        assert_eq!(
            uncited_numbers(doc).expect("parses"),
            vec!["a.x".to_string()]
        );
    }

    #[test]
    fn an_empty_source_does_not_count() {
        assert_eq!(
            uncited_numbers("x = { v = 1, source = \" \" }").expect("parses"),
            vec!["x.v"]
        );
    }
}
