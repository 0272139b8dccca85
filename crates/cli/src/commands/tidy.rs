//! CSV outputs in long (tidy) form: one row per observation, the quantity and its unit named in
//! their own columns, the time unit in the header (docs/csv.md). Written by the `csv` crate
//! (quoting, escaping); numbers with the significant figures the models support, never NaN.

use microneedling_core::healing::Healing;
use microneedling_core::transport::{Delivery, DeliveryPoint};

use crate::failure::Failure;

/// Significant figures of the model outputs: the models' inputs (layer thicknesses, rates) are
/// known to two or three figures, so a fourth would be noise.
const MODEL_FIGURES: u32 = 3;

/// `x` to `figures` significant figures: plain decimals from 1e-4 to 1e6, scientific notation
/// outside (never a run of 80 zeros); an error for NaN or infinity, which no output may carry.
pub fn significant(x: f64, figures: u32) -> Result<String, Failure> {
    if !x.is_finite() {
        return Err(Failure::Internal(format!(
            "a model output is {x}: not written (a defect; please report it)"
        )));
    }
    if x == 0.0 {
        return Ok("0".into());
    }
    let figures = figures.max(1);
    // The decimal exponent of a finite non-zero f64 lies within ±324: the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    let exponent = x.abs().log10().floor() as i32;
    let figures_i = i32::try_from(figures).unwrap_or(3);
    let text = if (-4..6).contains(&exponent) {
        let decimals = figures_i - 1 - exponent;
        if decimals >= 0 {
            let decimals = usize::try_from(decimals).unwrap_or(0);
            let fixed = format!("{x:.decimals$}");
            if fixed.contains('.') {
                fixed
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string()
            } else {
                fixed
            }
        } else {
            // More integer digits than figures: round them away (123456.7 -> 123000).
            let step = 10f64.powi(-decimals);
            format!("{:.0}", (x / step).round() * step)
        }
    } else {
        format!("{x:.*e}", usize::try_from(figures - 1).unwrap_or(2))
    };
    Ok(if text == "-0" { "0".into() } else { text })
}

/// A long-form table being written.
struct Long(csv::Writer<Vec<u8>>);

impl Long {
    fn new(header: &[&str]) -> Result<Self, Failure> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(header).map_err(failure)?;
        Ok(Self(writer))
    }

    fn row(&mut self, fields: &[&str]) -> Result<(), Failure> {
        self.0.write_record(fields).map_err(failure)
    }

    fn finish(self) -> Result<String, Failure> {
        let bytes = self
            .0
            .into_inner()
            .map_err(|e| Failure::Internal(format!("cannot write CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| Failure::Internal(format!("cannot write CSV: {e}")))
    }
}

fn failure(e: csv::Error) -> Failure {
    Failure::Internal(format!("cannot write CSV: {e}"))
}

/// The weekly healing series: `time_week,quantity,value,unit`.
pub fn healing(h: &Healing) -> Result<String, Failure> {
    const ARBITRARY: &str = "arbitrary unit";
    const FRACTION: &str = "fraction of baseline collagen";
    let mut table = Long::new(&["time_week", "quantity", "value", "unit"])?;
    for p in &h.series {
        let week = p.week.to_string();
        for (quantity, value, unit) in [
            ("inflammation", p.inflammation, ARBITRARY),
            ("fibroblasts", p.fibroblasts, ARBITRARY),
            ("collagen_iii", p.collagen_iii, FRACTION),
            ("collagen_i", p.collagen_i, FRACTION),
            ("collagen_mature", p.collagen_mature, FRACTION),
            ("new_collagen", p.new_collagen_pct, "% of baseline collagen"),
        ] {
            table.row(&[&week, quantity, &significant(value, MODEL_FIGURES)?, unit])?;
        }
    }
    table.finish()
}

/// The delivery time series: `time_h,route,quantity,value,unit`, through the channels (when
/// there are any) and through intact skin.
pub fn delivery(d: &Delivery) -> Result<String, Failure> {
    let mut table = Long::new(&["time_h", "route", "quantity", "value", "unit"])?;
    for (route, points) in [
        ("channels", &d.delivered_ug_per_cm2),
        ("intact", &d.intact_ug_per_cm2),
    ] {
        for p in points {
            delivery_rows(&mut table, route, p)?;
        }
    }
    table.finish()
}

fn delivery_rows(table: &mut Long, route: &str, p: &DeliveryPoint) -> Result<(), Failure> {
    const AMOUNT: &str = "ug/cm2";
    let time = significant(p.time_h, 6)?;
    for (quantity, value, unit) in [
        ("donor", p.donor, AMOUNT),
        ("evaporated", p.evaporated, AMOUNT),
        ("washed", p.washed, AMOUNT),
        ("stratum_corneum", p.stratum_corneum, AMOUNT),
        ("viable_epidermis", p.viable_epidermis, AMOUNT),
        ("papillary_dermis", p.papillary_dermis, AMOUNT),
        ("reticular_dermis", p.reticular_dermis, AMOUNT),
        ("channel", p.channel, AMOUNT),
        ("blood", p.blood, AMOUNT),
        ("absorbed", p.absorbed, AMOUNT),
        ("uptake_flux", p.uptake_flux_ug_per_cm2_h, "ug/cm2/h"),
    ] {
        table.row(&[
            &time,
            route,
            quantity,
            &significant(value, MODEL_FIGURES)?,
            unit,
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::significant;

    #[test]
    fn numbers_keep_their_significant_figures_and_no_more() {
        let cases = [
            (707.142_857, "707"),
            (30.066_7, "30.1"),
            (0.001_234_56, "0.00123"),
            (1.0, "1"),
            (9.999_9, "10"),
            (123_456.7, "123000"),
            (1_234_567.0, "1.23e6"),
            (1.234e-80, "1.23e-80"),
            (-0.000_5, "-0.0005"),
            (0.0, "0"),
            (-1e-300 * 1e-300, "0"),
        ];
        for (x, expected) in cases {
            assert_eq!(significant(x, 3).expect("finite"), expected, "{x}");
        }
    }

    #[test]
    fn nan_and_infinity_are_refused_not_written() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(significant(x, 3).is_err(), "{x}");
        }
    }
}
