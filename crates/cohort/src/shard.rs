//! Shards: `I/N` splits the patient indices into N contiguous ranges; shard I (0-based) takes
//! the I-th. Defaults come from the scheduler: Slurm array jobs and Kubernetes Indexed Jobs.

use std::ops::Range;

use crate::Error;

/// One shard of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// The whole cohort as one shard.
    pub const WHOLE: Self = Self { index: 0, count: 1 };

    /// Shard `index` of `count` (0 ≤ index < count).
    pub fn new(index: u32, count: u32) -> Result<Self, Error> {
        if count == 0 || index >= count {
            return Err(Error::Spec {
                field: String::from("shard"),
                value: format!("{index}/{count}"),
                accepted: String::from("I/N with N >= 1 and 0 <= I < N"),
            });
        }
        Ok(Self { index, count })
    }

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = || Error::Spec {
            field: String::from("shard"),
            value: text.to_string(),
            accepted: String::from("I/N, e.g. 0/4 (0-based shard index I of N)"),
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (i, n) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        Self::new(i, n)
    }

    /// The shard the scheduler gives, from `var` (an environment lookup): Slurm's
    /// `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`, or Kubernetes'
    /// `JOB_COMPLETION_INDEX` with `MICRONEEDLING_SHARD_COUNT` (an Indexed Job has no count
    /// variable of its own); `None` outside a scheduler. Slurm array ids may start at an offset:
    /// `SLURM_ARRAY_TASK_MIN` is subtracted.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let number = |name: &str| -> Result<Option<u32>, Error> {
            var(name)
                .map(|v| {
                    v.trim().parse::<u32>().map_err(|_| Error::Spec {
                        field: name.to_string(),
                        value: v.clone(),
                        accepted: String::from("a whole number"),
                    })
                })
                .transpose()
        };
        if let (Some(id), Some(count)) = (
            number("SLURM_ARRAY_TASK_ID")?,
            number("SLURM_ARRAY_TASK_COUNT")?,
        ) {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            return Self::new(id.saturating_sub(min), count).map(Some);
        }
        if let (Some(id), Some(count)) = (
            number("JOB_COMPLETION_INDEX")?,
            number("MICRONEEDLING_SHARD_COUNT")?,
        ) {
            return Self::new(id, count).map(Some);
        }
        Ok(None)
    }

    /// 0-based index.
    pub fn index(self) -> u32 {
        self.index
    }
    /// Number of shards.
    pub fn count(self) -> u32 {
        self.count
    }

    /// The patient indices of this shard among `patients`.
    pub fn range(self, patients: u64) -> Range<u64> {
        let at = |i: u64| patients * i / u64::from(self.count);
        at(u64::from(self.index))..at(u64::from(self.index) + 1)
    }

    /// The shard's file name, `part-I-of-N.parquet`.
    pub fn file_name(self) -> String {
        format!("part-{}-of-{}.parquet", self.index, self.count)
    }
}
