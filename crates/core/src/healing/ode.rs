//! The healing ODE: state, right-hand side, classical RK4 and the course of sessions.

use serde::Serialize;

use super::rates::Rates;

/// The model state: damage, inflammation, fibroblasts, collagen III, immature and mature
/// (cross-linked) collagen I, and the running integral of inflammation (the hair mechanism's
/// signal).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct State {
    /// Damage signal (fraction of dermis injured, times the gain), cleared at `k_d` per day.
    pub damage: f64,
    /// Inflammation, fed by damage clearance and resolved at `k_i` per day (arbitrary units).
    pub inflammation: f64,
    /// Activated fibroblasts, recruited by inflammation (arbitrary units).
    pub fibroblasts: f64,
    /// New collagen III, as a fraction of the baseline dermal collagen.
    pub collagen_iii: f64,
    /// New collagen I not yet cross-linked, as a fraction of the baseline dermal collagen.
    pub collagen_i: f64,
    /// New collagen I matured by cross-linking: it turns over as slowly as the rest of the dermis.
    pub collagen_mature: f64,
    /// Running integral of inflammation (unit · day).
    pub inflammation_integral: f64,
}

impl State {
    /// New collagen (III, immature and mature I) as a percentage of the baseline dermal collagen.
    pub fn new_collagen_pct(&self) -> f64 {
        100.0 * (self.collagen_i + self.collagen_iii + self.collagen_mature)
    }

    fn from_array(y: [f64; 7]) -> Self {
        Self {
            damage: y[0],
            inflammation: y[1],
            fibroblasts: y[2],
            collagen_iii: y[3],
            collagen_i: y[4],
            inflammation_integral: y[5],
            collagen_mature: y[6],
        }
    }
}

fn derivative(r: &Rates, y: &[f64; 7]) -> [f64; 7] {
    let [d, i, f, c3, c1, _, m] = *y;
    let room = (1.0 - (c1 + c3 + m) / r.c_max).max(0.0);
    let synthesis = f / (1.0 + f / r.f_half) * room;
    [
        -r.k_d * d,
        r.k_d * d - r.k_i * i,
        r.r_f * i - r.k_f * f,
        r.s_3 * synthesis - r.k_31 * c3,
        r.s_1 * synthesis + r.k_31 * c3 - (r.k_1 + r.k_mat) * c1,
        i,
        r.k_mat * c1 - r.k_m * m,
    ]
}

fn rk4(r: &Rates, y: [f64; 7], h: f64) -> [f64; 7] {
    let add = |a: &[f64; 7], b: &[f64; 7], s: f64| std::array::from_fn(|k| a[k] + s * b[k]);
    let k1 = derivative(r, &y);
    let k2 = derivative(r, &add(&y, &k1, h / 2.0));
    let k3 = derivative(r, &add(&y, &k2, h / 2.0));
    let k4 = derivative(r, &add(&y, &k3, h));
    std::array::from_fn(|k| y[k] + h / 6.0 * (k1[k] + 2.0 * k2[k] + 2.0 * k3[k] + k4[k]))
}

/// A series of sessions: the injury each delivers and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    /// Injured dermal fraction per session (thermal injury included).
    pub injury_per_session: f64,
    /// Number of sessions.
    pub sessions: u32,
    /// Weeks between the starts of consecutive sessions.
    pub interval_weeks: u32,
    /// Length of the simulated course (days from the first session).
    pub horizon_days: f64,
}

/// Integrates `course` with `rates`, calling `observe(day, state)` at every whole day.
pub fn integrate(
    rates: &Rates,
    course: &Course,
    step_days: f64,
    mut observe: impl FnMut(u32, &State),
) {
    let steps_per_day = (1.0 / step_days).round().max(1.0) as u32;
    let h = 1.0 / f64::from(steps_per_day);
    let interval_days = course.interval_weeks * 7;
    let last_day = course.horizon_days.ceil() as u32;
    let mut y = [0.0; 7];
    for day in 0..=last_day {
        if day % interval_days.max(1) == 0 && day / interval_days.max(1) < course.sessions {
            y[0] += rates.gain * course.injury_per_session;
        }
        observe(day, &State::from_array(y));
        if day == last_day {
            break;
        }
        for _ in 0..steps_per_day {
            y = rk4(rates, y, h);
        }
    }
}
