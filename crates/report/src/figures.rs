//! The report's figures, built from the models' results.

use std::fmt::Write as _;

use microneedling_core::healing::{Healing, OutcomeBasis, OutcomePoint};
use microneedling_core::penetration::Penetration;
use microneedling_core::transport::Delivery;

use crate::format::sig;
use crate::svg::{self, Frame, HEIGHT, HeatMap, Interval, LineChart, Series, escape, n};

const LAYER_FILLS: [&str; 5] = ["#f3e3c3", "#f1c9a5", "#f2b8b5", "#e8a3a0", "#fbe7a1"];
const WEEKS_PER_MONTH: f64 = 4.348;
const DAYS_PER_MONTH: f64 = 7.0 * WEEKS_PER_MONTH;

/// The skin of the site to scale, with the needle at its set length and its effective depth.
pub fn cross_section(p: &Penetration) -> String {
    let deepest = p.nominal_length_um.max(p.effective_depth_um);
    let dermis_bottom = p
        .skin_layers
        .iter()
        .filter(|l| l.layer.is_dermis())
        .map(|l| l.bottom_um)
        .fold(0.0, f64::max);
    let y_max = (deepest * 1.15).max(dermis_bottom * 1.1).max(100.0);
    let f = Frame {
        x0: 0.0,
        x1: 1000.0,
        y0: 0.0,
        y1: y_max,
        y_down: true,
    };
    let title = format!(
        "Skin of the {} to scale, {} at {} mm",
        p.site,
        p.device,
        sig(p.nominal_length_um / 1000.0, 3)
    );
    let mut s = svg::open_svg("fig-cross-section", &title);
    skin_layers(&mut s, &f, p, y_max);
    let x = f.x(500.0);
    // The set length as an outline, the effective depth (after the skin deflects) filled over
    // it; their labels on either side of the needle, level with each tip.
    needle(
        &mut s,
        &f,
        p.nominal_length_um,
        "fill=\"none\" stroke=\"#555\" stroke-dasharray=\"4 3\"",
        (x + 10.0, f.y(p.nominal_length_um) + 4.0, "start"),
        &format!("set length {} µm", sig(p.nominal_length_um, 3)),
    );
    needle(
        &mut s,
        &f,
        p.effective_depth_um,
        "fill=\"#222\"",
        (x - 10.0, f.y(p.effective_depth_um) + 4.0, "end"),
        &format!("effective depth {} µm", sig(p.effective_depth_um, 3)),
    );
    svg::axes(
        &mut s,
        &f,
        "width of the drawn strip (µm)",
        "depth below the surface (µm)",
    );
    s.push_str("</svg>");
    s
}

/// The site's layers as bands across the strip, each labelled with its depth to the right of
/// the plot; what lies below the drawn depth is cut off. Thin layers (the stratum corneum is a
/// few pixels) would stack their labels: the labels are spread 13 px apart and a leader line
/// joins each moved label to its band.
fn skin_layers(s: &mut String, f: &Frame, p: &Penetration, y_max: f64) {
    let shown: Vec<(usize, f64, f64)> = p
        .skin_layers
        .iter()
        .enumerate()
        .map(|(k, l)| (k, l.top_um.min(y_max), l.bottom_um.min(y_max)))
        .filter(|(_, top, bottom)| bottom > top)
        .collect();
    let middles: Vec<f64> = shown
        .iter()
        .map(|(_, top, bottom)| f.y((top + bottom) / 2.0))
        .collect();
    let placed = svg::spread(&middles, 13.0, svg::TOP + 4.0, HEIGHT - svg::BOTTOM - 2.0);
    let right = f.x(1000.0);
    for (((k, top, bottom), middle), y) in shown.iter().zip(&middles).zip(&placed) {
        let layer = &p.skin_layers[*k];
        let leader = if (y - middle).abs() > 1.0 {
            format!(
                "<line class=\"leader\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#777\" stroke-width=\"0.7\"/>",
                n(right),
                n(*middle),
                n(right + 8.0),
                n(*y)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "<g class=\"layer\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>{leader}<text x=\"{}\" y=\"{}\" font-size=\"10\">{} {}–{} µm</text></g>",
            n(f.x(0.0)),
            n(f.y(*top)),
            n(right - f.x(0.0)),
            n((f.y(*bottom) - f.y(*top)).max(0.5)),
            LAYER_FILLS[k % LAYER_FILLS.len()],
            n(right + 10.0),
            n(y + 3.5),
            escape(layer.layer.name()),
            sig(layer.top_um, 3),
            sig(layer.bottom_um, 3)
        );
    }
}

/// A needle in the middle of the strip reaching `depth_um`, drawn with `style`, with `label` at
/// `at` (x, y in the drawing, text anchor).
fn needle(
    s: &mut String,
    f: &Frame,
    depth_um: f64,
    style: &str,
    at: (f64, f64, &str),
    label: &str,
) {
    let x = f.x(500.0);
    let half = 6.0;
    let _ = writeln!(
        s,
        "<g class=\"needle\"><polygon points=\"{},{} {},{} {},{}\" {style}/><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"{}\">{}</text></g>",
        n(x - half),
        n(f.y(0.0)),
        n(x + half),
        n(f.y(0.0)),
        n(x),
        n(f.y(depth_um)),
        n(at.0),
        n(at.1),
        at.2,
        escape(label)
    );
}

/// Amount per layer and into blood over time, with intact skin for comparison.
pub fn delivery_over_time(d: &Delivery) -> String {
    let series = |name: &str,
                  get: &dyn Fn(&microneedling_core::transport::DeliveryPoint) -> f64,
                  points: &[microneedling_core::transport::DeliveryPoint],
                  dashed: bool| Series {
        name: name.into(),
        points: std::iter::once((0.0, 0.0))
            .chain(points.iter().map(|p| (p.time_h, get(p))))
            .collect(),
        dashed,
    };
    let m = &d.delivered_ug_per_cm2;
    LineChart {
        id: "fig-delivery".into(),
        title: format!("{} delivered through {} channels", d.agent, d.device),
        x_label: "time after application (h)".into(),
        y_label: "amount (µg/cm²)".into(),
        series: vec![
            series("stratum corneum", &|p| p.stratum_corneum, m, false),
            series("viable epidermis", &|p| p.viable_epidermis, m, false),
            series("papillary dermis", &|p| p.papillary_dermis, m, false),
            series("reticular dermis", &|p| p.reticular_dermis, m, false),
            series("into blood", &|p| p.blood, m, false),
            series(
                "absorbed, intact skin",
                &|p| p.absorbed,
                &d.intact_ug_per_cm2,
                true,
            ),
        ],
        ..LineChart::default()
    }
    .render()
}

/// Tissue concentration by depth and time.
pub fn delivery_map(d: &Delivery) -> String {
    HeatMap {
        id: "fig-delivery-map".into(),
        title: format!("{}: concentration by depth and time", d.agent),
        x_label: "time after application (h)".into(),
        y_label: "depth below the surface (µm)".into(),
        value_label: "µg/mL (log scale)".into(),
        columns: d
            .profiles
            .iter()
            .map(|p| {
                (
                    p.time_h,
                    p.points
                        .iter()
                        .map(|q| (q.depth_um, q.concentration_ug_per_ml))
                        .collect(),
                )
            })
            .collect(),
    }
    .render()
}

fn session_markers(h: &Healing) -> Vec<(f64, String)> {
    (0..h.sessions)
        .map(|k| {
            (
                f64::from(k * h.interval_weeks) / WEEKS_PER_MONTH,
                format!("S{}", k + 1),
            )
        })
        .collect()
}

/// New collagen III and I over months, with the sessions marked.
pub fn collagen(h: &Healing) -> String {
    let month = |w: u32| f64::from(w) / WEEKS_PER_MONTH;
    LineChart {
        id: "fig-collagen".into(),
        title: format!(
            "New collagen after {} sessions of {} at {} mm",
            h.sessions, h.device, h.length_mm
        ),
        x_label: "time after the first session (months)".into(),
        y_label: "new collagen (% of baseline)".into(),
        series: vec![
            Series {
                name: "collagen III".into(),
                points: h
                    .series
                    .iter()
                    .map(|p| (month(p.week), 100.0 * p.collagen_iii))
                    .collect(),
                dashed: false,
            },
            Series {
                name: "collagen I".into(),
                points: h
                    .series
                    .iter()
                    .map(|p| (month(p.week), 100.0 * p.collagen_i))
                    .collect(),
                dashed: false,
            },
            Series {
                name: "total new".into(),
                points: h
                    .series
                    .iter()
                    .map(|p| (month(p.week), p.new_collagen_pct))
                    .collect(),
                dashed: true,
            },
        ],
        markers: session_markers(h),
        ..LineChart::default()
    }
    .render()
}

/// Inflammation and activated fibroblasts over months, sampled daily: both rise and fall within
/// days of each session, which a weekly sample would miss.
pub fn cells(h: &Healing) -> String {
    let daily = |get: fn(&microneedling_core::healing::DayPoint) -> f64| -> Vec<(f64, f64)> {
        h.daily
            .iter()
            .map(|p| (f64::from(p.day) / DAYS_PER_MONTH, get(p)))
            .collect()
    };
    LineChart {
        id: "fig-cells".into(),
        title: "Inflammation and activated fibroblasts, day by day".into(),
        x_label: "time after the first session (months)".into(),
        y_label: "activation (model units)".into(),
        series: vec![
            Series {
                name: "fibroblasts".into(),
                points: daily(|p| p.fibroblasts),
                dashed: false,
            },
            Series {
                name: "inflammation".into(),
                points: daily(|p| p.inflammation),
                dashed: false,
            },
        ],
        markers: session_markers(h),
        ..LineChart::default()
    }
    .render()
}

/// The expected improvement band at 1, 3, 6 and 12 months, on the basis's scale.
pub fn outcome(points: &[OutcomePoint], basis: &OutcomeBasis) -> String {
    LineChart {
        id: "fig-outcome".into(),
        title: format!("Expected outcome: {}", basis.indication),
        x_label: "time after the first session (months)".into(),
        y_label: format!("improvement ({})", basis.unit),
        series: vec![Series {
            name: "median".into(),
            points: points
                .iter()
                .map(|p| (f64::from(p.month), p.median))
                .collect(),
            dashed: true,
        }],
        interval_name: "p10-p90 (bar), median (dot)".into(),
        intervals: points
            .iter()
            .map(|p| Interval {
                x: f64::from(p.month),
                low: p.p10,
                mid: p.median,
                high: p.p90,
            })
            .collect(),
        ..LineChart::default()
    }
    .render()
}
