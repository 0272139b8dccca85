//! Hand-built SVG charts: axes with labelled units, nice ticks, lines, bands, heat maps.
//! No fonts to embed and no scripts: the browser's default sans-serif draws the text. Every
//! number drawn goes through [`crate::format`]; labels that could collide are spread apart
//! ([`spread`]), and the browser test measures every text box for overlap and clipping.

use std::fmt::Write as _;

use crate::format;

mod heat;
mod line;

pub use heat::HeatMap;
pub use line::{Interval, LineChart, Series};

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 360.0;
pub(crate) const LEFT: f64 = 70.0;
pub(crate) const RIGHT: f64 = 180.0;
pub const TOP: f64 = 30.0;
pub const BOTTOM: f64 = 50.0;
pub const PALETTE: [&str; 8] = [
    "#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8d6a9f", "#555555",
];

/// Escapes text for HTML and SVG.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A number for an attribute: finite, rounded to 0.01.
pub(crate) fn n(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    format!("{}", (x * 100.0).round() / 100.0)
}

/// The round step (1, 2 or 5 × 10ⁿ) that gives at most six intervals over [low, high].
fn tick_step(low: f64, high: f64) -> f64 {
    let span = (high - low).abs().max(1e-12);
    let magnitude = 10f64.powf((span / 5.0).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * magnitude)
}

/// About five round ticks spanning [low, high].
pub fn ticks(low: f64, high: f64) -> Vec<f64> {
    let step = tick_step(low, high);
    let first = (low / step).ceil() * step;
    (0..=20)
        .map(|k| first + f64::from(k) * step)
        .take_while(|t| *t <= high + step * 1e-9)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect()
}

/// `high` raised to the next round tick, so an axis ends on a labelled value.
pub(crate) fn nice_ceiling(low: f64, high: f64) -> f64 {
    let step = tick_step(low, high);
    ((high / step) - 1e-9).ceil() * step
}

/// Positions for labels that want to sit at `wanted` (in drawing units, any order) at least
/// `gap` apart and within [`low`, `high`]: each label moves as little as it must, in order.
/// Returns the positions in the order of `wanted`.
pub(crate) fn spread(wanted: &[f64], gap: f64, low: f64, high: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by(|a, b| wanted[*a].total_cmp(&wanted[*b]));
    let mut placed: Vec<f64> = order.iter().map(|&k| wanted[k].max(low)).collect();
    for i in 1..placed.len() {
        placed[i] = placed[i].max(placed[i - 1] + gap);
    }
    if let Some(last) = placed.last_mut() {
        *last = last.min(high);
    }
    for i in (0..placed.len().saturating_sub(1)).rev() {
        placed[i] = placed[i].min(placed[i + 1] - gap);
    }
    let mut out = vec![0.0; wanted.len()];
    for (slot, &k) in order.iter().enumerate() {
        out[k] = placed[slot];
    }
    out
}

pub(crate) struct Frame {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub y_down: bool,
}

impl Frame {
    pub(crate) fn x(&self, x: f64) -> f64 {
        LEFT + (x - self.x0) / (self.x1 - self.x0).max(1e-12) * (WIDTH - LEFT - RIGHT)
    }
    pub(crate) fn y(&self, y: f64) -> f64 {
        let f = (y - self.y0) / (self.y1 - self.y0).max(1e-12);
        if self.y_down {
            TOP + f * (HEIGHT - TOP - BOTTOM)
        } else {
            HEIGHT - BOTTOM - f * (HEIGHT - TOP - BOTTOM)
        }
    }
}

pub(crate) fn open_svg(id: &str, title: &str) -> String {
    format!(
        "<svg class=\"figure\" id=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>\n",
        escape(id),
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        escape(title),
        escape(title)
    )
}

/// The smallest and largest finite value, starting from `start` (a range that must hold 0
/// starts at (0, -inf)); an empty input returns `start`.
pub(crate) fn extent(values: impl Iterator<Item = f64>, start: (f64, f64)) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold(start, |(a, b), v| (a.min(v), b.max(v)))
}

/// The stroke attribute of a dashed line, empty for a solid one.
pub(crate) fn dash(dashed: bool) -> &'static str {
    if dashed {
        " stroke-dasharray=\"5 3\""
    } else {
        ""
    }
}

pub(crate) fn axes(svg: &mut String, f: &Frame, x_label: &str, y_label: &str) {
    let (bottom, right) = (HEIGHT - BOTTOM, WIDTH - RIGHT);
    let _ = writeln!(
        svg,
        "<g class=\"axes\" stroke=\"#333\" fill=\"none\"><line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{bottom}\"/><line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\"/></g>"
    );
    x_ticks(svg, f);
    let y_ticks = ticks(f.y0.min(f.y1), f.y0.max(f.y1));
    for (t, label) in y_ticks.iter().zip(format::labels(&y_ticks)) {
        let y = f.y(*t);
        let _ = writeln!(
            svg,
            "<g class=\"tick\"><line x1=\"{}\" y1=\"{}\" x2=\"{LEFT}\" y2=\"{}\" stroke=\"#333\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text></g>",
            LEFT - 4.0,
            n(y),
            n(y),
            LEFT - 6.0,
            n(y + 4.0),
            label
        );
    }
    x_axis_label(svg, x_label);
    y_axis_label(svg, y_label);
}

/// The y axis's label, turned a quarter; a label longer than the axis goes on two lines.
fn y_axis_label(svg: &mut String, label: &str) {
    let middle = n((TOP + HEIGHT - BOTTOM) / 2.0);
    // About 6.5 px a character at 12 px: 40 characters fill the 280 px axis.
    let lines = match label
        .char_indices()
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(label.len() / 2))
    {
        Some(split) if label.chars().count() > 40 => vec![&label[..split], &label[split + 1..]],
        _ => vec![label],
    };
    let x0 = if lines.len() == 2 { 12.0 } else { 16.0 };
    let _ = write!(
        svg,
        "<text class=\"y-label\" transform=\"translate({x0} {middle}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">"
    );
    for (k, line) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            "<tspan x=\"0\" dy=\"{}\">{}</tspan>",
            if k == 0 { 0.0 } else { 13.0 },
            escape(line)
        );
    }
    svg.push_str("</text>\n");
}

/// The x axis's ticks and their labels.
pub(crate) fn x_ticks(svg: &mut String, f: &Frame) {
    let bottom = HEIGHT - BOTTOM;
    let x_ticks = ticks(f.x0, f.x1);
    for (t, label) in x_ticks.iter().zip(format::labels(&x_ticks)) {
        let x = f.x(*t);
        let _ = writeln!(
            svg,
            "<g class=\"tick\"><line x1=\"{}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text></g>",
            n(x),
            n(x),
            bottom + 4.0,
            n(x),
            bottom + 18.0,
            label
        );
    }
}

pub(crate) fn x_axis_label(svg: &mut String, label: &str) {
    let _ = writeln!(
        svg,
        "<text class=\"x-label\" x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
        n((LEFT + WIDTH - RIGHT) / 2.0),
        HEIGHT - 10.0,
        escape(label)
    );
}
