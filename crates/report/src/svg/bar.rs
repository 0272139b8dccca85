//! Horizontal bar charts.

use std::fmt::Write as _;

use super::{BOTTOM, Frame, HEIGHT, LEFT, PALETTE, RIGHT, TOP, WIDTH, escape, n, open_svg, tick};
use super::{x_axis_label, x_ticks};

/// Horizontal bars with values.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub x_label: String,
    pub bars: Vec<(String, f64)>,
}

impl BarChart {
    pub fn render(&self) -> String {
        let max = self
            .bars
            .iter()
            .map(|b| b.1)
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max)
            .max(1e-12)
            * 1.1;
        let f = Frame {
            x0: 0.0,
            x1: max,
            y0: 0.0,
            y1: 1.0,
            y_down: false,
        };
        let mut svg = open_svg(&self.id, &self.title);
        let bottom = HEIGHT - BOTTOM;
        // Unlike the framed charts' axes: no fill="none" and no y ticks, the bars carry labels.
        let _ = writeln!(
            svg,
            "<g class=\"axes\" stroke=\"#333\"><line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{bottom}\"/><line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\"/></g>",
            WIDTH - RIGHT
        );
        x_ticks(&mut svg, &f);
        x_axis_label(&mut svg, &self.x_label);
        let band = (bottom - TOP) / self.bars.len().max(1) as f64;
        for (k, (label, value)) in self.bars.iter().enumerate() {
            let y = TOP + band * k as f64 + band * 0.2;
            let w = (f.x(*value) - LEFT).max(0.0);
            let _ = writeln!(
                svg,
                "<g class=\"bar\"><rect x=\"{LEFT}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{} ({})</text></g>",
                n(y),
                n(w),
                n(band * 0.6),
                PALETTE[k % PALETTE.len()],
                n(LEFT + w + 4.0),
                n(y + band * 0.35),
                escape(label),
                tick(*value)
            );
        }
        svg.push_str("</svg>");
        svg
    }
}
