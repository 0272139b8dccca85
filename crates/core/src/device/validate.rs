//! Validation of a device's figures: the same checks for catalog entries and custom files.

use super::{Device, DeviceKind, InsertionMode, MAX_NEEDLE_MM, is_id};
use crate::error::{InputError, check_range};

impl Device {
    /// Checks every figure: the same checks for catalog entries and custom files, in the order
    /// a user reads a device file (identity and needles, lengths, then the kind's geometry).
    pub fn validate(&self) -> Result<(), InputError> {
        self.check_needles()?;
        self.check_lengths()?;
        self.check_geometry()?;
        self.check_insertion()
    }

    /// A force only for roll and press, a speed only for impact, each in range.
    pub fn check_insertion(&self) -> Result<(), InputError> {
        let mode = self.mode();
        if let Some(force_n) = self.force_n {
            if mode == InsertionMode::Impact {
                return Err(InputError::new(
                    "force_n",
                    force_n,
                    "no force for impact insertion: give speed_m_per_s, or insertion roll or press",
                ));
            }
            check_range("force_n", force_n, 0.1, 200.0, "N")?;
        }
        if let Some(speed) = self.speed_m_per_s {
            if mode != InsertionMode::Impact {
                return Err(InputError::new(
                    "speed_m_per_s",
                    speed,
                    format!(
                        "no speed for {} insertion (driven by force_n): give insertion impact",
                        mode.as_str()
                    ),
                ));
            }
            check_range("speed_m_per_s", speed, 0.001, 20.0, "m/s")?;
        }
        Ok(())
    }

    /// Identifier, needle count and shape, and default passes.
    fn check_needles(&self) -> Result<(), InputError> {
        if !is_id(&self.id) {
            return Err(InputError::new(
                "id",
                &self.id,
                "lower-case letters, digits and '-'",
            ));
        }
        if self.needle_count == 0 || self.needle_count > 10_000 {
            return Err(InputError::new(
                "needle_count",
                self.needle_count,
                "1 to 10000 needles",
            ));
        }
        check_range(
            "needle_diameter_um",
            self.needle_diameter_um,
            10.0,
            1000.0,
            "um",
        )?;
        check_range("tip_radius_um", self.tip_radius_um, 0.5, 100.0, "um")?;
        check_range("tip_length_um", self.tip_length_um, 10.0, 10_000.0, "um")?;
        if self.default_passes == 0 || self.default_passes > 100 {
            return Err(InputError::new(
                "default_passes",
                self.default_passes,
                "1 to 100 passes",
            ));
        }
        Ok(())
    }

    /// Exactly one of a length list or a length range, the default length among them, and the
    /// labelled maximum.
    fn check_lengths(&self) -> Result<(), InputError> {
        match (&self.lengths_mm, &self.length_range_mm) {
            (Some(lengths), None) if !lengths.is_empty() => {
                for (i, length) in lengths.iter().enumerate() {
                    check_range(
                        &format!("lengths_mm[{i}]"),
                        *length,
                        0.05,
                        MAX_NEEDLE_MM,
                        "mm",
                    )?;
                }
            }
            (None, Some(range)) => {
                check_range("length_range_mm.min", range.min, 0.05, MAX_NEEDLE_MM, "mm")?;
                check_range(
                    "length_range_mm.max",
                    range.max,
                    range.min,
                    MAX_NEEDLE_MM,
                    "mm",
                )?;
                check_range(
                    "length_range_mm.step",
                    range.step,
                    0.01,
                    MAX_NEEDLE_MM,
                    "mm",
                )?;
            }
            _ => {
                return Err(InputError::new(
                    "lengths_mm",
                    "missing or both given",
                    "exactly one of lengths_mm (a non-empty list) or length_range_mm { min, max, step }",
                ));
            }
        }
        self.check_length(self.default_length_mm)
            .map_err(|e| InputError {
                field: "default_length_mm".into(),
                ..e
            })?;
        if let Some(max) = self.labelled_max_mm {
            check_range("labelled_max_mm", max, 0.05, MAX_NEEDLE_MM, "mm")?;
        }
        Ok(())
    }

    /// The geometry table of the device's kind: present, with figures in range (the channel
    /// density is computed from it).
    fn check_geometry(&self) -> Result<(), InputError> {
        let geometry_ok = match self.kind {
            DeviceKind::Roller => self.roller.as_ref().map(|g| {
                check_range(
                    "roller.drum_diameter_mm",
                    g.drum_diameter_mm,
                    2.0,
                    200.0,
                    "mm",
                )?;
                check_range("roller.drum_length_mm", g.drum_length_mm, 2.0, 200.0, "mm").map(|_| ())
            }),
            DeviceKind::Stamp => self.stamp.as_ref().map(|g| {
                check_range("stamp.head_area_mm2", g.head_area_mm2, 1.0, 10_000.0, "mm2")
                    .map(|_| ())
            }),
            DeviceKind::Pen => self.pen.as_ref().map(|g| {
                check_range("pen.frequency_hz", g.frequency_hz, 1.0, 1000.0, "Hz")?;
                check_range(
                    "pen.cartridge_width_mm",
                    g.cartridge_width_mm,
                    1.0,
                    50.0,
                    "mm",
                )?;
                check_range(
                    "pen.glide_speed_mm_per_s",
                    g.glide_speed_mm_per_s,
                    1.0,
                    500.0,
                    "mm/s",
                )
                .map(|_| ())
            }),
            DeviceKind::Rf => self.rf.as_ref().map(|g| {
                check_range("rf.frequency_mhz", g.frequency_mhz, 0.1, 100.0, "MHz")?;
                check_range("rf.tip_area_mm2", g.tip_area_mm2, 1.0, 10_000.0, "mm2").map(|_| ())
            }),
        };
        match geometry_ok {
            Some(result) => result,
            None => Err(InputError::new(
                self.kind.as_str(),
                "missing",
                format!(
                    "a [{}] table with the geometry of a {} device",
                    self.kind.as_str(),
                    self.kind.as_str()
                ),
            )),
        }
    }
}
