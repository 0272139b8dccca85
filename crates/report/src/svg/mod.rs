//! Hand-built SVG charts: axes with labelled units, nice ticks, lines, bands, bars, heat maps.
//! No fonts to embed and no scripts: the browser's default sans-serif draws the text.

use std::fmt::Write as _;

mod bar;
mod heat;
mod line;

pub use bar::BarChart;
pub use heat::HeatMap;
pub use line::{Interval, LineChart, Series};

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 360.0;
pub(crate) const LEFT: f64 = 70.0;
pub(crate) const RIGHT: f64 = 160.0;
pub(crate) const TOP: f64 = 30.0;
pub(crate) const BOTTOM: f64 = 50.0;
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

/// Tick label.
fn tick(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x.abs() >= 1e4 || x.abs() < 1e-2 {
        format!("{x:.0e}")
    } else if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{}", (x * 1000.0).round() / 1000.0)
    }
}

/// About five round ticks spanning [low, high].
pub fn ticks(low: f64, high: f64) -> Vec<f64> {
    let span = (high - low).abs().max(1e-12);
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() * step;
    (0..=20)
        .map(|k| first + f64::from(k) * step)
        .take_while(|t| *t <= high + step * 1e-9)
        .collect()
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
    for t in ticks(f.y0.min(f.y1), f.y0.max(f.y1)) {
        let y = f.y(t);
        let _ = writeln!(
            svg,
            "<g class=\"tick\"><line x1=\"{}\" y1=\"{}\" x2=\"{LEFT}\" y2=\"{}\" stroke=\"#333\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text></g>",
            LEFT - 4.0,
            n(y),
            n(y),
            LEFT - 6.0,
            n(y + 4.0),
            tick(t)
        );
    }
    x_axis_label(svg, x_label);
    let _ = writeln!(
        svg,
        "<text class=\"y-label\" transform=\"translate(16 {}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
        n((TOP + bottom) / 2.0),
        escape(y_label)
    );
}

/// The x axis's ticks, shared by the framed charts and the bar chart.
pub(crate) fn x_ticks(svg: &mut String, f: &Frame) {
    let bottom = HEIGHT - BOTTOM;
    for t in ticks(f.x0, f.x1) {
        let x = f.x(t);
        let _ = writeln!(
            svg,
            "<g class=\"tick\"><line x1=\"{}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text></g>",
            n(x),
            n(x),
            bottom + 4.0,
            n(x),
            bottom + 16.0,
            tick(t)
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
