//! One number format for every report, figure and text output: significant figures chosen for
//! the quantity, plain notation for everyday magnitudes, `a × 10ⁿ` outside them, and one
//! format (one number of decimals, or one notation) for all the labels of an axis or a legend.
//!
//! Why: a figure that says "707.143 channels" or "30.067 %" claims a precision no model here has,
//! and a mass balance rounded to "0.0000" hides the size of its error.

/// Below this magnitude (and from [`PLAIN_MAX`] up) a number is written as `a × 10ⁿ`.
const PLAIN_MIN: f64 = 1e-3;
/// From this magnitude up a number is written as `a × 10ⁿ`.
const PLAIN_MAX: f64 = 1e6;

/// `x` to `digits` significant figures (at least 1), trailing zeros dropped: `sig(707.143, 3)`
/// is "707", `sig(30.067, 3)` "30.1", `sig(0.000_012_3, 2)` "1.2 × 10⁻⁵". Not a number: "n/a".
pub fn sig(x: f64, digits: u32) -> String {
    if let Some(text) = not_a_measure(x) {
        return text;
    }
    let digits = digits.max(1);
    let exponent = decimal_exponent(x, digits);
    if !(PLAIN_MIN..PLAIN_MAX).contains(&x.abs()) {
        return scientific(x, digits);
    }
    let places = i64::from(digits) - 1 - i64::from(exponent);
    if places < 0 {
        // Whole numbers with more digits than figures: 5915 to 3 figures is 5920.
        let unit = 10f64.powi(i32::try_from(-places).unwrap_or(0));
        return format!("{:.0}", (x / unit).round() * unit);
    }
    let decimals = places.min(12) as usize;
    trim(format!("{x:.decimals$}"))
}

/// A percentage of a fraction (0.30067 → "30.1 %"), to `digits` significant figures.
pub fn percent(fraction: f64, digits: u32) -> String {
    format!("{} %", sig(fraction * 100.0, digits))
}

/// A relative error or residual: always `a × 10ⁿ` with two significant figures (a mass balance
/// closing to 3.2e-14 reads "3.2 × 10⁻¹⁴", never "0.0000"); exactly zero reads "0".
pub fn small(x: f64) -> String {
    scientific(x, 2)
}

/// `x` as `a × 10ⁿ` with `digits` significant figures in `a`.
pub fn scientific(x: f64, digits: u32) -> String {
    if let Some(text) = not_a_measure(x) {
        return text;
    }
    let digits = digits.max(1);
    let exponent = decimal_exponent(x, digits);
    let mantissa = x / 10f64.powi(exponent);
    let decimals = (digits - 1) as usize;
    let a = trim(format!("{mantissa:.decimals$}"));
    if exponent == 0 {
        a
    } else {
        format!("{a} × 10{}", superscript(exponent))
    }
}

/// A power of ten as written on a log scale: `10⁻³`.
pub fn power_of_ten(exponent: i32) -> String {
    format!("10{}", superscript(exponent))
}

/// Labels for the values of one axis or legend, all in one format: plain with the fewest
/// decimals that tell them apart (the same number for every label), or all `a × 10ⁿ` when one
/// of them is outside the plain range.
pub fn labels(values: &[f64]) -> Vec<String> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let outside = finite
        .iter()
        .any(|v| *v != 0.0 && !(PLAIN_MIN..PLAIN_MAX).contains(&v.abs()));
    if outside {
        return values.iter().map(|v| scientific(*v, 2)).collect();
    }
    let decimals = (0..=6usize)
        .find(|d| {
            finite.iter().all(|v| {
                let shown: f64 = format!("{v:.d$}").parse().unwrap_or(f64::NAN);
                (shown - v).abs() <= 1e-9 * v.abs().max(1.0)
            })
        })
        .unwrap_or(6);
    values
        .iter()
        .map(|v| {
            if v.is_finite() {
                // -0.0 would print as "-0".
                format!("{:.decimals$}", if *v == 0.0 { 0.0 } else { *v })
            } else {
                String::from("n/a")
            }
        })
        .collect()
}

/// Zero and what is not a number, which have no significant figures: "0" and "n/a".
fn not_a_measure(x: f64) -> Option<String> {
    if !x.is_finite() {
        Some(String::from("n/a"))
    } else if x == 0.0 {
        Some(String::from("0"))
    } else {
        None
    }
}

/// The power of ten of `x`'s leading digit once rounded to `digits` figures (999.7 to 3 figures
/// rounds to 1000: exponent 3).
fn decimal_exponent(x: f64, digits: u32) -> i32 {
    let e = x.abs().log10().floor() as i32;
    let scale = 10f64.powi(i32::try_from(digits).unwrap_or(1) - 1 - e);
    let rounded = (x.abs() * scale).round() / scale;
    if rounded >= 10f64.powi(e + 1) {
        e + 1
    } else {
        e
    }
}

/// Drops the trailing zeros of a decimal fraction ("30.10" → "30.1", "15.0" → "15").
fn trim(text: String) -> String {
    if !text.contains('.') {
        return text;
    }
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" {
        String::from("0")
    } else {
        trimmed.to_string()
    }
}

fn superscript(n: i32) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_figures_for_the_quantity() {
        assert_eq!(sig(707.143, 3), "707");
        assert_eq!(sig(30.067, 3), "30.1");
        assert_eq!(sig(15.27, 3), "15.3");
        assert_eq!(sig(229.05, 3), "229");
        assert_eq!(sig(999.7, 3), "1000");
        assert_eq!(sig(5915.0, 3), "5920");
        assert_eq!(sig(12_345.0, 3), "12300");
        assert_eq!(sig(3510.4, 3), "3510");
        assert_eq!(sig(0.052_31, 2), "0.052");
        assert_eq!(sig(-4.0, 3), "-4");
        assert_eq!(sig(0.0, 3), "0");
        assert_eq!(sig(f64::NAN, 3), "n/a");
        assert_eq!(sig(0.000_012_34, 2), "1.2 × 10⁻⁵");
        assert_eq!(sig(2_345_678.0, 3), "2.35 × 10⁶");
        assert_eq!(percent(0.300_67, 3), "30.1 %");
    }

    #[test]
    fn small_numbers_keep_their_size() {
        assert_eq!(small(3.2e-14), "3.2 × 10⁻¹⁴");
        assert_eq!(small(0.0), "0");
        assert_eq!(small(9.96e-3), "1 × 10⁻²");
    }

    #[test]
    fn labels_share_one_format() {
        assert_eq!(labels(&[0.0, 0.5, 1.0, 1.5]), ["0.0", "0.5", "1.0", "1.5"]);
        assert_eq!(labels(&[0.0, 200.0, 400.0]), ["0", "200", "400"]);
        assert_eq!(labels(&[0.0, 0.25, 0.5]), ["0.00", "0.25", "0.50"]);
        assert_eq!(
            labels(&[1e-4, 1e-2, 1.0]),
            ["1 × 10⁻⁴", "1 × 10⁻²", "1"],
            "one value outside the plain range: all scientific"
        );
    }
}
