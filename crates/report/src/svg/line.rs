//! Line charts: series, session markers and p10-p90 intervals.

use std::fmt::Write as _;

use super::nice_ceiling;
use super::open_svg;
use super::{BOTTOM, Frame, HEIGHT, PALETTE, RIGHT, TOP, WIDTH, axes, dash, escape, extent, n};

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
    /// The intervals' legend entry.
    pub interval_name: String,
    /// Depth-like axes grow downwards.
    pub y_down: bool,
}

/// A legend entry: name, colour, dashed.
type Entry = (String, &'static str, bool);

fn legend(svg: &mut String, entries: &[Entry]) {
    for (k, (name, color, dashed)) in entries.iter().enumerate() {
        let y = TOP + 10.0 + 18.0 * k as f64;
        let x = WIDTH - RIGHT + 12.0;
        let dash = dash(*dashed);
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
        let f = self.frame();
        let mut svg = open_svg(&self.id, &self.title);
        axes(&mut svg, &f, &self.x_label, &self.y_label);
        self.markers(&mut svg, &f);
        let mut entries = self.series(&mut svg, &f);
        entries.extend(self.intervals(&mut svg, &f));
        legend(&mut svg, &entries);
        svg.push_str("</svg>");
        svg
    }

    /// The data's extent; y always includes 0 and gets 5 % headroom up to the next round tick,
    /// an empty axis spans 1.
    fn frame(&self) -> Frame {
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
        let (x0, x1) = extent(xs, (f64::INFINITY, f64::NEG_INFINITY));
        let (y0, y1) = extent(ys, (0.0, f64::NEG_INFINITY));
        // Time axes start at 0 (the first session, the application), and end on a round tick
        // when one is near.
        let x0 = if x0.is_finite() { x0.min(0.0) } else { 0.0 };
        let x1 = if x1.is_finite() && x1 > x0 {
            let round = nice_ceiling(x0, x1);
            if round - x1 <= 0.1 * (x1 - x0) {
                round
            } else {
                x1
            }
        } else {
            x0 + 1.0
        };
        let y1 = if y1.is_finite() && y1 > y0 {
            nice_ceiling(y0, y0 + (y1 - y0) * 1.05)
        } else {
            y0 + 1.0
        };
        Frame {
            x0,
            x1,
            y0,
            y1,
            y_down: self.y_down,
        }
    }

    /// Dotted vertical lines, each labelled above the plot unless the previous label is too
    /// close (sessions a week apart on a year's axis): the line alone then marks it.
    fn markers(&self, svg: &mut String, f: &Frame) {
        let mut last_label = f64::NEG_INFINITY;
        for (x, label) in &self.markers {
            let px = f.x(*x);
            let text = if px - last_label >= 22.0 {
                last_label = px;
                format!(
                    "<text x=\"{}\" y=\"{}\" font-size=\"9\" fill=\"#666\" text-anchor=\"middle\">{}</text>",
                    n(px),
                    TOP - 4.0,
                    escape(label)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                svg,
                "<g class=\"marker\"><line x1=\"{}\" y1=\"{TOP}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>{text}</g>",
                n(px),
                n(px),
                HEIGHT - BOTTOM,
            );
        }
    }

    /// One polyline per series; returns their legend entries.
    fn series(&self, svg: &mut String, f: &Frame) -> Vec<Entry> {
        let mut entries = Vec::new();
        for (k, s) in self.series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let points: Vec<String> = s
                .points
                .iter()
                .filter(|p| p.0.is_finite() && p.1.is_finite())
                .map(|(x, y)| format!("{},{}", n(f.x(*x)), n(f.y(*y))))
                .collect();
            let dash = dash(s.dashed);
            let _ = writeln!(
                svg,
                "<polyline class=\"series\" data-name=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"{}\"/>",
                escape(&s.name),
                points.join(" ")
            );
            entries.push((s.name.clone(), color, s.dashed));
        }
        entries
    }

    /// The intervals in the next colour after the series; one legend entry for them all.
    fn intervals(&self, svg: &mut String, f: &Frame) -> Option<Entry> {
        if self.intervals.is_empty() {
            return None;
        }
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
        Some((self.interval_name.clone(), color, false))
    }
}
