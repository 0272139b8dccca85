//! Heat maps of a value over depth and time.

use std::fmt::Write as _;

use super::{Frame, RIGHT, TOP, WIDTH, axes, escape, extent, n, open_svg, ticks};
use crate::format::{labels, power_of_ten, sig};

/// A depth × time map of a value, colour on a log scale.
#[derive(Debug, Clone)]
pub struct HeatMap {
    pub id: String,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub value_label: String,
    /// Columns: (x, [(y, value)]) with y increasing downwards.
    pub columns: Vec<(f64, Vec<(f64, f64)>)>,
}

fn colour(fraction: f64) -> String {
    // White → dark blue.
    let t = fraction.clamp(0.0, 1.0);
    let (r, g, b) = (
        255.0 - t * (255.0 - 27.0),
        255.0 - t * (255.0 - 60.0),
        255.0 - t * (255.0 - 120.0),
    );
    format!("rgb({},{},{})", r.round(), g.round(), b.round())
}

/// The colour scale's labels in one format: whole decades as plain numbers (0.1, 1, 10, 100) or,
/// when one is outside the plain range, all as powers of ten; other stops as [`labels`] gives.
fn stop_labels(exponents: &[f64], values: &[f64]) -> Vec<String> {
    if !exponents.iter().all(|e| e.fract() == 0.0) {
        return labels(values);
    }
    let plain = exponents.iter().all(|e| (-3.0..6.0).contains(e));
    values
        .iter()
        .zip(exponents)
        .map(|(v, e)| {
            // Whole exponents of a few decades: the cast is exact.
            if plain {
                sig(*v, 1)
            } else {
                power_of_ten(*e as i32)
            }
        })
        .collect()
}

impl HeatMap {
    pub fn render(&self) -> String {
        let (log_lo, log_hi) = self.log_range();
        let y_max = self
            .columns
            .iter()
            .flat_map(|c| c.1.iter().map(|p| p.0))
            .fold(1.0_f64, f64::max);
        let x1 = self
            .columns
            .iter()
            .map(|c| c.0)
            .fold(0.0_f64, f64::max)
            .max(1e-9);
        let f = Frame {
            x0: 0.0,
            x1,
            y0: 0.0,
            y1: y_max,
            y_down: true,
        };
        let mut svg = open_svg(&self.id, &self.title);
        self.cells(&mut svg, &f, log_lo, log_hi);
        axes(&mut svg, &f, &self.x_label, &self.y_label);
        self.colour_scale(&mut svg, log_lo, log_hi);
        svg.push_str("</svg>");
        svg
    }

    /// The colour scale's ends (log10): four decades below the largest positive value, or
    /// (0, 1) when there is nothing positive to draw.
    fn log_range(&self) -> (f64, f64) {
        let positive = self
            .columns
            .iter()
            .flat_map(|c| c.1.iter().map(|p| p.1))
            .filter(|v| *v > 0.0);
        let (lo, hi) = extent(positive, (f64::INFINITY, f64::NEG_INFINITY));
        if lo.is_finite() && hi > lo {
            ((hi / 1e4).max(lo).log10(), hi.log10())
        } else {
            (0.0, 1.0)
        }
    }

    /// One rectangle per value, reaching halfway to its neighbours in x and in depth.
    fn cells(&self, svg: &mut String, f: &Frame, log_lo: f64, log_hi: f64) {
        let xs: Vec<f64> = self.columns.iter().map(|c| c.0).collect();
        for (k, (x, column)) in self.columns.iter().enumerate() {
            let left = if k == 0 { 0.0 } else { 0.5 * (xs[k - 1] + x) };
            let right = if k + 1 == xs.len() {
                *x
            } else {
                0.5 * (x + xs[k + 1])
            };
            for (j, (y, value)) in column.iter().enumerate() {
                let top = if j == 0 {
                    0.0
                } else {
                    0.5 * (column[j - 1].0 + y)
                };
                let bottom = if j + 1 == column.len() {
                    *y
                } else {
                    0.5 * (y + column[j + 1].0)
                };
                let fraction = if *value > 0.0 {
                    (value.log10() - log_lo) / (log_hi - log_lo)
                } else {
                    0.0
                };
                let _ = writeln!(
                    svg,
                    "<rect class=\"cell\" shape-rendering=\"crispEdges\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    n(f.x(left)),
                    n(f.y(top)),
                    n((f.x(right) - f.x(left)).max(0.5)),
                    n((f.y(bottom) - f.y(top)).max(0.5)),
                    colour(fraction)
                );
            }
        }
    }

    /// Ten swatches from the top of the scale down, a labelled stop at each round value of the
    /// log scale (every decade when it spans several), all labels in one format, and what it
    /// measures.
    fn colour_scale(&self, svg: &mut String, log_lo: f64, log_hi: f64) {
        let (x, height) = (WIDTH - RIGHT + 20.0, 200.0);
        for k in 0..10 {
            let _ = writeln!(
                svg,
                "<rect class=\"scale\" x=\"{x}\" y=\"{}\" width=\"16\" height=\"20\" fill=\"{}\"/>",
                n(TOP + 20.0 * f64::from(k)),
                colour(1.0 - f64::from(k) / 9.0)
            );
        }
        let exponents: Vec<f64> = ticks(log_lo, log_hi);
        // A stop's value: a decade exactly, else rounded to two figures (10^0.2 reads 1.6).
        let values: Vec<f64> = exponents
            .iter()
            .map(|e| {
                let v = 10f64.powf(*e);
                let scale = 10f64.powi(1 - e.floor() as i32);
                if e.fract() == 0.0 {
                    v
                } else {
                    (v * scale).round() / scale
                }
            })
            .collect();
        for (e, label) in exponents.iter().zip(stop_labels(&exponents, &values)) {
            let y = TOP + (log_hi - e) / (log_hi - log_lo).max(1e-12) * height;
            let _ = writeln!(
                svg,
                "<g class=\"scale-stop\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/><text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text></g>",
                x + 16.0,
                n(y),
                x + 20.0,
                n(y),
                x + 22.0,
                n(y + 3.5),
                label
            );
        }
        let _ = writeln!(
            svg,
            "<text class=\"value-label\" x=\"{x}\" y=\"{}\" font-size=\"11\">{}</text>",
            TOP + height + 20.0,
            escape(&self.value_label)
        );
    }
}
