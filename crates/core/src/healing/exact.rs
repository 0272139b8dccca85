//! A faster integrator that fits the model's structure: the damage → inflammation → fibroblast
//! chain (and the running integral of inflammation) is linear, so it is advanced exactly by its
//! matrix exponential; only the slow, nonlinear collagen equations are stepped, by RK4 with a
//! one-day step, fed the exact fibroblast level at the step's start, middle and end. Checked
//! against the quarter-day RK4 reference ([`super::integrate`]) in `tests/healing.rs`.

use super::ode::{Course, State};
use super::rates::Rates;

/// The linear chain's state: damage, inflammation, fibroblasts, ∫ inflammation.
type Chain = [f64; 4];
type Matrix = [[f64; 4]; 4];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    std::array::from_fn(|i| std::array::from_fn(|j| (0..4).map(|k| a[i][k] * b[k][j]).sum()))
}

fn apply(m: &Matrix, x: &Chain) -> Chain {
    std::array::from_fn(|i| (0..4).map(|k| m[i][k] * x[k]).sum())
}

/// `exp(A h)` for the chain's matrix `A`, by scaling and squaring a Taylor series: robust when
/// two rates coincide (where the closed form's divided differences cancel).
fn chain_exponential(r: &Rates, h: f64) -> Matrix {
    let a: Matrix = [
        [-r.k_d, 0.0, 0.0, 0.0],
        [r.k_d, -r.k_i, 0.0, 0.0],
        [0.0, r.r_f, -r.k_f, 0.0],
        [0.0, 1.0, 0.0, 0.0],
    ];
    let norm = a
        .iter()
        .map(|row| row.iter().map(|x| x.abs()).sum::<f64>())
        .fold(0.0, f64::max)
        * h;
    let squarings = norm.max(1e-300).log2().ceil().max(0.0) as u32 + 2;
    let scale = h / f64::from(1u32 << squarings);
    let identity: Matrix =
        std::array::from_fn(|i| std::array::from_fn(|j| f64::from(u8::from(i == j))));
    let mut term = identity;
    let mut sum = identity;
    for n in 1..=16 {
        term = multiply(&term, &a);
        let factor = scale / f64::from(n);
        term = term.map(|row| row.map(|x| x * factor));
        sum = std::array::from_fn(|i| std::array::from_fn(|j| sum[i][j] + term[i][j]));
    }
    for _ in 0..squarings {
        sum = multiply(&sum, &sum);
    }
    sum
}

/// Collagen III, immature I and mature I: their rates of change at fibroblast level `f`.
fn collagen_derivative(r: &Rates, y: &[f64; 3], f: f64) -> [f64; 3] {
    let [c3, c1, m] = *y;
    let room = (1.0 - (c1 + c3 + m) / r.c_max).max(0.0);
    let synthesis = f / (1.0 + f / r.f_half) * room;
    [
        r.s_3 * synthesis - r.k_31 * c3,
        r.s_1 * synthesis + r.k_31 * c3 - (r.k_1 + r.k_mat) * c1,
        r.k_mat * c1 - r.k_m * m,
    ]
}

/// Integrates `course` with `rates`, calling `observe(day, state)` at every whole day, as
/// [`super::integrate`] does, with one-day steps.
pub fn integrate_fast(rates: &Rates, course: &Course, mut observe: impl FnMut(u32, &State)) {
    let (half, full) = (chain_exponential(rates, 0.5), chain_exponential(rates, 1.0));
    let interval_days = (course.interval_weeks * 7).max(1);
    let last_day = course.horizon_days.ceil() as u32;
    let mut chain: Chain = [0.0; 4];
    let mut collagen = [0.0; 3];
    let add = |y: &[f64; 3], k: &[f64; 3], s: f64| -> [f64; 3] {
        std::array::from_fn(|i| y[i] + s * k[i])
    };
    for day in 0..=last_day {
        if day % interval_days == 0 && day / interval_days < course.sessions {
            chain[0] += rates.gain * course.injury_per_session;
        }
        observe(day, &state(&chain, &collagen));
        if day == last_day {
            break;
        }
        let (mid, end) = (apply(&half, &chain), apply(&full, &chain));
        let k1 = collagen_derivative(rates, &collagen, chain[2]);
        let k2 = collagen_derivative(rates, &add(&collagen, &k1, 0.5), mid[2]);
        let k3 = collagen_derivative(rates, &add(&collagen, &k2, 0.5), mid[2]);
        let k4 = collagen_derivative(rates, &add(&collagen, &k3, 1.0), end[2]);
        collagen = std::array::from_fn(|i| {
            collagen[i] + (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) / 6.0
        });
        chain = end;
    }
}

fn state(chain: &Chain, collagen: &[f64; 3]) -> State {
    State {
        damage: chain[0],
        inflammation: chain[1],
        fibroblasts: chain[2],
        collagen_iii: collagen[0],
        collagen_i: collagen[1],
        collagen_mature: collagen[2],
        inflammation_integral: chain[3],
    }
}

/// How many virtual patients [`new_collagen_pct_lanes`] integrates together.
pub const LANES: usize = 4;

/// One lane array per quantity: lane `l` is patient `l` of the batch.
type Lanes = [f64; LANES];

/// New collagen (% of baseline) of [`LANES`] virtual patients on each of `days` (`[day][lane]`),
/// each with its own rates and injury per session, on `course`'s schedule.
///
/// The same arithmetic as [`integrate_fast`], operation for operation, so each lane equals a
/// run of [`integrate_fast`] to the last bit (tested); the patients are stepped in lockstep
/// because one patient's day is a chain of dependent operations that leaves the processor
/// idle, while the lanes are independent and fill it (and vectorise). The fibroblast level at
/// the end of a day is the next day's start (a session only adds damage), so its synthesis
/// factor is carried over, not recomputed.
pub fn new_collagen_pct_lanes(
    rates: &[Rates; LANES],
    injury_per_session: &Lanes,
    course: &Course,
    days: &[u32],
) -> Vec<Lanes> {
    pulp::Arch::new().dispatch(Batch {
        rates,
        injury_per_session,
        course,
        days,
    })
}

/// The batch as pulp's unit of dispatch: compiled for each instruction set, run with the widest
/// the processor has (no fused multiply-add is written, so every set gives the same bits).
struct Batch<'a> {
    rates: &'a [Rates; LANES],
    injury_per_session: &'a Lanes,
    course: &'a Course,
    days: &'a [u32],
}

impl pulp::WithSimd for Batch<'_> {
    type Output = Vec<Lanes>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> Vec<Lanes> {
        lanes(self.rates, self.injury_per_session, self.course, self.days)
    }
}

#[inline(always)]
fn lanes(
    rates: &[Rates; LANES],
    injury_per_session: &Lanes,
    course: &Course,
    days: &[u32],
) -> Vec<Lanes> {
    let lane = |f: &dyn Fn(&Rates) -> f64| -> Lanes { std::array::from_fn(|l| f(&rates[l])) };
    let (half, full) = (
        rates.map(|r| chain_exponential(&r, 0.5)),
        rates.map(|r| chain_exponential(&r, 1.0)),
    );
    let pulse: Lanes = std::array::from_fn(|l| rates[l].gain * injury_per_session[l]);
    let (f_half, c_max) = (lane(&|r| r.f_half), lane(&|r| r.c_max));
    let (s_3, s_1, k_31) = (lane(&|r| r.s_3), lane(&|r| r.s_1), lane(&|r| r.k_31));
    let (k_1_mat, k_mat, k_m) = (
        lane(&|r| r.k_1 + r.k_mat),
        lane(&|r| r.k_mat),
        lane(&|r| r.k_m),
    );
    let interval_days = (course.interval_weeks * 7).max(1);
    let last_day = course.horizon_days.ceil() as u32;
    let mut out = vec![[0.0; LANES]; days.len()];
    let mut chain = [[0.0; LANES]; 4];
    // Collagen III, immature I, mature I.
    let mut collagen = [[0.0; LANES]; 3];
    let saturation =
        |f: &Lanes| -> Lanes { std::array::from_fn(|l| f[l] / (1.0 + f[l] / f_half[l])) };
    let derivative = |y: &[Lanes; 3], g: &Lanes| -> [Lanes; 3] {
        let synthesis: Lanes = std::array::from_fn(|l| {
            let room = (1.0 - (y[1][l] + y[0][l] + y[2][l]) / c_max[l]).max(0.0);
            g[l] * room
        });
        [
            std::array::from_fn(|l| s_3[l] * synthesis[l] - k_31[l] * y[0][l]),
            std::array::from_fn(|l| {
                s_1[l] * synthesis[l] + k_31[l] * y[0][l] - k_1_mat[l] * y[1][l]
            }),
            std::array::from_fn(|l| k_mat[l] * y[1][l] - k_m[l] * y[2][l]),
        ]
    };
    let step = |y: &[Lanes; 3], k: &[Lanes; 3], s: f64| -> [Lanes; 3] {
        std::array::from_fn(|i| std::array::from_fn(|l| y[i][l] + s * k[i][l]))
    };
    let mut g_start = saturation(&chain[2]);
    for day in 0..=last_day {
        if day % interval_days == 0 && day / interval_days < course.sessions {
            for l in 0..LANES {
                chain[0][l] += pulse[l];
            }
        }
        for (k, _) in days.iter().enumerate().filter(|(_, d)| **d == day) {
            out[k] =
                std::array::from_fn(|l| 100.0 * (collagen[1][l] + collagen[0][l] + collagen[2][l]));
        }
        if day == last_day {
            break;
        }
        let mid: Lanes =
            std::array::from_fn(|l| (0..4).map(|k| half[l][2][k] * chain[k][l]).sum::<f64>());
        let end: [Lanes; 4] = std::array::from_fn(|i| {
            std::array::from_fn(|l| (0..4).map(|k| full[l][i][k] * chain[k][l]).sum::<f64>())
        });
        let (g_mid, g_end) = (saturation(&mid), saturation(&end[2]));
        let k1 = derivative(&collagen, &g_start);
        let k2 = derivative(&step(&collagen, &k1, 0.5), &g_mid);
        let k3 = derivative(&step(&collagen, &k2, 0.5), &g_mid);
        let k4 = derivative(&step(&collagen, &k3, 1.0), &g_end);
        collagen = std::array::from_fn(|i| {
            std::array::from_fn(|l| {
                collagen[i][l] + (k1[i][l] + 2.0 * k2[i][l] + 2.0 * k3[i][l] + k4[i][l]) / 6.0
            })
        });
        chain = end;
        g_start = g_end;
    }
    out
}
