//! Hand-built SVG charts: axes with labelled units, nice ticks, lines, bands, bars, heat maps.
//! No fonts to embed and no scripts: the browser's default sans-serif draws the text.

use std::fmt::Write as _;

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

#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub dashed: bool,
}

/// A vertical p10–p90 interval with its median, at one x.
#[derive(Debug, Clone, Copy)]
pub struct Interval {
    pub x: f64,
    pub low: f64,
    pub mid: f64,
    pub high: f64,
}

#[derive(Debug, Clone, Default)]
pub struct LineChart {
    pub id: String,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// Vertical markers (x, label), e.g. sessions.
    pub markers: Vec<(f64, String)>,
    pub intervals: Vec<Interval>,
    /// Depth-like axes grow downwards.
    pub y_down: bool,
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

pub(crate) fn axes(svg: &mut String, f: &Frame, x_label: &str, y_label: &str) {
    let (bottom, right) = (HEIGHT - BOTTOM, WIDTH - RIGHT);
    let _ = writeln!(
        svg,
        "<g class=\"axes\" stroke=\"#333\" fill=\"none\"><line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{bottom}\"/><line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\"/></g>"
    );
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
    let _ = writeln!(
        svg,
        "<text class=\"x-label\" x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
        n((LEFT + right) / 2.0),
        HEIGHT - 10.0,
        escape(x_label)
    );
    let _ = writeln!(
        svg,
        "<text class=\"y-label\" transform=\"translate(16 {}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
        n((TOP + bottom) / 2.0),
        escape(y_label)
    );
}

fn legend(svg: &mut String, entries: &[(String, &str, bool)]) {
    for (k, (name, color, dashed)) in entries.iter().enumerate() {
        let y = TOP + 10.0 + 18.0 * k as f64;
        let x = WIDTH - RIGHT + 12.0;
        let dash = if *dashed {
            " stroke-dasharray=\"5 3\""
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            "<g class=\"legend\"><line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/><text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text></g>",
            x + 20.0,
            x + 25.0,
            y + 4.0,
            escape(name)
        );
    }
}

impl LineChart {
    pub fn render(&self) -> String {
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .chain(self.intervals.iter().map(|i| i.x));
        let ys = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(self.intervals.iter().flat_map(|i| [i.low, i.high]));
        let (x0, x1) = xs
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let (y0, y1) = ys
            .filter(|v| v.is_finite())
            .fold((0.0_f64, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let x0 = if x0.is_finite() { x0 } else { 0.0 };
        let x1 = if x1.is_finite() && x1 > x0 {
            x1
        } else {
            x0 + 1.0
        };
        let y1 = if y1.is_finite() && y1 > y0 {
            y1 * 1.05
        } else {
            y0 + 1.0
        };
        let f = Frame {
            x0,
            x1,
            y0,
            y1,
            y_down: self.y_down,
        };
        let mut svg = open_svg(&self.id, &self.title);
        axes(&mut svg, &f, &self.x_label, &self.y_label);
        for (x, label) in &self.markers {
            let px = f.x(*x);
            let _ = writeln!(
                svg,
                "<g class=\"marker\"><line x1=\"{}\" y1=\"{TOP}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\" stroke-dasharray=\"2 3\"/><text x=\"{}\" y=\"{}\" font-size=\"9\" fill=\"#666\">{}</text></g>",
                n(px),
                n(px),
                HEIGHT - BOTTOM,
                n(px + 2.0),
                TOP - 4.0,
                escape(label)
            );
        }
        let mut entries = Vec::new();
        for (k, s) in self.series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let points: Vec<String> = s
                .points
                .iter()
                .filter(|p| p.0.is_finite() && p.1.is_finite())
                .map(|(x, y)| format!("{},{}", n(f.x(*x)), n(f.y(*y))))
                .collect();
            let dash = if s.dashed {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            };
            let _ = writeln!(
                svg,
                "<polyline class=\"series\" data-name=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"{}\"/>",
                escape(&s.name),
                points.join(" ")
            );
            entries.push((s.name.clone(), color, s.dashed));
        }
        if !self.intervals.is_empty() {
            let color = PALETTE[self.series.len() % PALETTE.len()];
            for i in &self.intervals {
                let x = f.x(i.x);
                let _ = writeln!(
                    svg,
                    "<g class=\"interval\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{color}\" stroke-width=\"6\" stroke-opacity=\"0.35\"/><circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{color}\"/></g>",
                    n(x),
                    n(f.y(i.low)),
                    n(x),
                    n(f.y(i.high)),
                    n(x),
                    n(f.y(i.mid))
                );
            }
            entries.push(("median, p10-p90".to_string(), color, false));
        }
        legend(&mut svg, &entries);
        svg.push_str("</svg>");
        svg
    }
}

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
        let _ = writeln!(
            svg,
            "<g class=\"axes\" stroke=\"#333\"><line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{bottom}\"/><line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\"/></g>",
            WIDTH - RIGHT
        );
        for t in ticks(0.0, max) {
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
        let _ = writeln!(
            svg,
            "<text class=\"x-label\" x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            n((LEFT + WIDTH - RIGHT) / 2.0),
            HEIGHT - 10.0,
            escape(&self.x_label)
        );
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

impl HeatMap {
    pub fn render(&self) -> String {
        let positive = self
            .columns
            .iter()
            .flat_map(|c| c.1.iter().map(|p| p.1))
            .filter(|v| v.is_finite() && *v > 0.0);
        let (lo, hi) = positive.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (log_lo, log_hi) = if lo.is_finite() && hi > lo {
            ((hi / 1e4).max(lo).log10(), hi.log10())
        } else {
            (0.0, 1.0)
        };
        let y_max = self
            .columns
            .iter()
            .flat_map(|c| c.1.iter().map(|p| p.0))
            .fold(1.0_f64, f64::max);
        let xs: Vec<f64> = self.columns.iter().map(|c| c.0).collect();
        let x1 = xs.iter().copied().fold(0.0_f64, f64::max).max(1e-9);
        let f = Frame {
            x0: 0.0,
            x1,
            y0: 0.0,
            y1: y_max,
            y_down: true,
        };
        let mut svg = open_svg(&self.id, &self.title);
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
        axes(&mut svg, &f, &self.x_label, &self.y_label);
        let x = WIDTH - RIGHT + 20.0;
        for k in 0..10 {
            let _ = writeln!(
                svg,
                "<rect class=\"scale\" x=\"{x}\" y=\"{}\" width=\"16\" height=\"20\" fill=\"{}\"/>",
                n(TOP + 20.0 * f64::from(k)),
                colour(1.0 - f64::from(k) / 9.0)
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>",
            x + 20.0,
            TOP + 10.0,
            tick(10f64.powf(log_hi)),
            x + 20.0,
            TOP + 200.0,
            tick(10f64.powf(log_lo))
        );
        let _ = writeln!(
            svg,
            "<text class=\"value-label\" x=\"{x}\" y=\"{}\" font-size=\"11\">{}</text>",
            TOP + 220.0,
            escape(&self.value_label)
        );
        svg.push_str("</svg>");
        svg
    }
}
