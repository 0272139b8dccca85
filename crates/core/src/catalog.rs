//! Looking up catalog entries by id: the small trait that validation of a patient file needs, and
//! the helpers behind it (exact match, else an error that lists the ids and suggests the nearest).
//!
//! It sits low in the crate so that [`crate::patient`] can check ids without depending on the
//! knowledge base: any catalog (the embedded one, a test's hand-built one) will do.

use crate::agent::Agent;
use crate::device::Device;
use crate::error::InputError;
use crate::indication::Indication;
use crate::skin::Site;

/// Something with a catalog id.
pub trait Identified {
    /// The entry's id (lower-case kebab-case).
    fn id(&self) -> &str;
}

macro_rules! identified {
    ($($type:ty),*) => {$(
        impl Identified for $type {
            fn id(&self) -> &str {
                &self.id
            }
        }
    )*};
}
identified!(Site, Device, Agent, Indication);

/// The entries a patient file may name: sites, devices, agents and indications.
pub trait Catalog {
    /// The site `id`, or an error naming the field `site`.
    fn site(&self, id: &str) -> Result<&Site, InputError>;
    /// The device `id`, or an error naming the field `device`.
    fn device(&self, id: &str) -> Result<&Device, InputError>;
    /// The agent `id`, or an error naming the field `agent`.
    fn agent(&self, id: &str) -> Result<&Agent, InputError>;
    /// The indication `id`, or an error naming the field `indication`.
    fn indication(&self, id: &str) -> Result<&Indication, InputError>;
}

/// The known name closest to `wanted`, if any is close enough to be a likely typo.
pub fn nearest<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = wanted.trim().to_ascii_lowercase();
    known
        .map(|name| (strsim::jaro_winkler(&wanted, name), name))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// Finds `id` in `items`, or an error that lists the ids and suggests the nearest.
pub fn find<'a, T: Identified>(items: &'a [T], field: &str, id: &str) -> Result<&'a T, InputError> {
    if let Some(item) = items.iter().find(|item| item.id() == id) {
        return Ok(item);
    }
    let known: Vec<&str> = items.iter().map(Identified::id).collect();
    let list = known.join(", ");
    let accepted = match nearest(id, known.iter().copied()) {
        Some(near) => format!("did you mean {near}? Known: {list}"),
        None => format!("one of {list}"),
    };
    Err(InputError::new(field, id, accepted))
}
