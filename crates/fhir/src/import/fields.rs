//! Reading fields with errors that name them: the entry ([`At`]) and this project's extensions.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Change;
use crate::model::Extension;
use crate::{FhirError, extension_url};

/// Where an error is: the entry and its type.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) resource: &'a str,
    pub(super) index: usize,
}

impl At<'_> {
    pub(super) fn err(&self, field: &str, message: impl Into<String>) -> FhirError {
        FhirError::new(self.resource, self.index, field, message)
    }

    pub(super) fn typed<T: DeserializeOwned>(&self, value: &Value) -> Result<T, FhirError> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let message = e.inner().to_string();
            // serde names a missing field in its message, the path stops at its parent.
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|m| m.split_once('`'))
                .map(|(name, _)| name.to_string());
            let field = match (path.as_str(), missing) {
                (".", Some(name)) => name,
                (_, Some(name)) => format!("{path}.{name}"),
                (".", None) => "(resource)".into(),
                _ => path,
            };
            self.err(&field, message)
        })
    }

    pub(super) fn date(&self, field: &str, text: &str) -> Result<NaiveDate, FhirError> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| self.err(field, format!("{text:?}: accepted: a date YYYY-MM-DD")))
    }
}

/// The extensions of one resource, looked up by name.
pub(super) struct Extensions<'a> {
    at: At<'a>,
    list: &'a [Extension],
    /// The path of the list (`extension`, `extension[3].extension`).
    path: String,
}

impl<'a> Extensions<'a> {
    pub(super) fn new(at: At<'a>, list: &'a [Extension]) -> Self {
        Self {
            at,
            list,
            path: "extension".into(),
        }
    }

    pub(super) fn all(&self, name: &str) -> impl Iterator<Item = (String, &'a Extension)> + '_ {
        let url = extension_url(name);
        self.list
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.url == url)
            .map(|(i, e)| (format!("{}[{i}]", self.path), e))
    }

    pub(super) fn one(&self, name: &str) -> Option<(String, &'a Extension)> {
        self.all(name).next()
    }

    pub(super) fn nested(&self, path: String, e: &'a Extension) -> Extensions<'a> {
        Extensions {
            at: self.at,
            list: &e.extension,
            path: format!("{path}.extension"),
        }
    }

    pub(super) fn missing(&self, name: &str, kind: &str) -> FhirError {
        self.at.err(
            &format!("{}[url={}]", self.path, extension_url(name)),
            format!("missing: accepted: an extension {name} with a {kind}"),
        )
    }

    pub(super) fn string(&self, name: &str) -> Result<Option<String>, FhirError> {
        match self.one(name) {
            None => Ok(None),
            Some((path, e)) => e.value_string.clone().map(Some).ok_or_else(|| {
                self.at.err(
                    &format!("{path}.valueString"),
                    "missing: accepted: a string",
                )
            }),
        }
    }

    pub(super) fn need_string(&self, name: &str) -> Result<String, FhirError> {
        self.string(name)?
            .ok_or_else(|| self.missing(name, "valueString"))
    }

    pub(super) fn integer(&self, name: &str, min: i64, max: i64) -> Result<i64, FhirError> {
        let (path, e) = self
            .one(name)
            .ok_or_else(|| self.missing(name, "valueInteger"))?;
        match e.value_integer {
            Some(v) if (min..=max).contains(&v) => Ok(v),
            other => Err(self.at.err(
                &format!("{path}.valueInteger"),
                format!("{other:?}: accepted: a whole number from {min} to {max}"),
            )),
        }
    }

    pub(super) fn reference(&self, name: &str) -> Option<String> {
        self.one(name)
            .and_then(|(_, e)| e.value_reference.as_ref())
            .and_then(|r| r.reference.clone())
    }

    /// The `record-change` extension: superseded (by a full URL) or void, with the reason.
    pub(super) fn change(&self) -> Result<Option<Change>, FhirError> {
        let Some((path, e)) = self.one("record-change") else {
            return Ok(None);
        };
        let parts = self.nested(path, e);
        Ok(Some(Change {
            replaced_by: parts.reference("replaced-by"),
            reason: parts.need_string("reason")?,
        }))
    }
}
