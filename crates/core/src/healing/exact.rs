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

/// `a·b` for lower-triangular `a` and `b`, as the chain's matrix and all its powers and
/// exponentials are: only the products that are not zero by structure, added in the order of
/// the full product (whose zero products cannot change a sum), a third of its work.
fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    let mut out = [[0.0; 4]; 4];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, entry) in row.iter_mut().enumerate().take(i + 1) {
            *entry = (j..=i).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    out
}

fn apply(m: &Matrix, x: &Chain) -> Chain {
    std::array::from_fn(|i| (0..4).map(|k| m[i][k] * x[k]).sum())
}

/// The chain's matrix `A` for `r`: lower triangular.
fn chain_matrix(r: &Rates) -> Matrix {
    [
        [-r.k_d, 0.0, 0.0, 0.0],
        [r.k_d, -r.k_i, 0.0, 0.0],
        [0.0, r.r_f, -r.k_f, 0.0],
        [0.0, 1.0, 0.0, 0.0],
    ]
}

/// How many times [`chain_exponential`] squares for step `h`.
fn squarings(a: &Matrix, h: f64) -> u32 {
    let norm = a
        .iter()
        .map(|row| row.iter().map(|x| x.abs()).sum::<f64>())
        .fold(0.0, f64::max)
        * h;
    norm.max(1e-300).log2().ceil().max(0.0) as u32 + 2
}

/// `exp(A h)` for the chain's matrix `A`, by scaling and squaring a Taylor series: robust when
/// two rates coincide (where the closed form's divided differences cancel).
fn chain_exponential(r: &Rates, h: f64) -> Matrix {
    exponential_with(r, h, multiply)
}

/// [`chain_exponential`] with the matrix product `product` (the tests pass the general one).
fn exponential_with(r: &Rates, h: f64, product: impl Fn(&Matrix, &Matrix) -> Matrix) -> Matrix {
    let a = chain_matrix(r);
    let squarings = squarings(&a, h);
    let scale = h / f64::from(1u32 << squarings);
    let identity: Matrix =
        std::array::from_fn(|i| std::array::from_fn(|j| f64::from(u8::from(i == j))));
    let mut term = identity;
    let mut sum = identity;
    for n in 1..=16 {
        term = product(&term, &a);
        let factor = scale / f64::from(n);
        term = term.map(|row| row.map(|x| x * factor));
        sum = std::array::from_fn(|i| std::array::from_fn(|j| sum[i][j] + term[i][j]));
    }
    for _ in 0..squarings {
        sum = product(&sum, &sum);
    }
    sum
}

/// The half-day and one-day exponentials. The one-day one squares once more from the same
/// scaled series whenever its squaring count is one more (the scales are then equal), so it
/// is the half-day one squared, to the bit.
fn half_and_full_day(r: &Rates) -> (Matrix, Matrix) {
    let half = chain_exponential(r, 0.5);
    let a = chain_matrix(r);
    let full = if squarings(&a, 1.0) == squarings(&a, 0.5) + 1 {
        multiply(&half, &half)
    } else {
        chain_exponential(r, 1.0)
    };
    (half, full)
}

/// The reciprocals the collagen step multiplies by, computed once per patient. Divisions were
/// most of the outcome band's time (eleven per day, each waiting on the divider: the
/// 10,000-patient band 15.7 -> 12.5 ms without nine of them); a product by a reciprocal rounds
/// within one unit in the last place of the quotient, far inside the one-day step's error.
#[derive(Clone, Copy)]
struct Reciprocals {
    c_max: f64,
    f_half: f64,
}

impl Reciprocals {
    fn of(r: &Rates) -> Self {
        Self {
            c_max: 1.0 / r.c_max,
            f_half: 1.0 / r.f_half,
        }
    }
}

/// RK4's weight on the sum of its four slopes.
const SIXTH: f64 = 1.0 / 6.0;

/// Collagen III, immature I and mature I: their rates of change at fibroblast level `f`.
fn collagen_derivative(r: &Rates, inverse: Reciprocals, y: &[f64; 3], f: f64) -> [f64; 3] {
    let [c3, c1, m] = *y;
    let room = (1.0 - (c1 + c3 + m) * inverse.c_max).max(0.0);
    let synthesis = f / (1.0 + f * inverse.f_half) * room;
    [
        r.s_3 * synthesis - r.k_31 * c3,
        r.s_1 * synthesis + r.k_31 * c3 - (r.k_1 + r.k_mat) * c1,
        r.k_mat * c1 - r.k_m * m,
    ]
}

/// Integrates `course` with `rates`, calling `observe(day, state)` at every whole day, as
/// [`super::integrate`] does, with one-day steps.
pub fn integrate_fast(rates: &Rates, course: &Course, mut observe: impl FnMut(u32, &State)) {
    let (half, full) = half_and_full_day(rates);
    let inverse = Reciprocals::of(rates);
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
        let k1 = collagen_derivative(rates, inverse, &collagen, chain[2]);
        let k2 = collagen_derivative(rates, inverse, &add(&collagen, &k1, 0.5), mid[2]);
        let k3 = collagen_derivative(rates, inverse, &add(&collagen, &k2, 0.5), mid[2]);
        let k4 = collagen_derivative(rates, inverse, &add(&collagen, &k3, 1.0), end[2]);
        collagen = std::array::from_fn(|i| {
            collagen[i] + (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) * SIXTH
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
pub const LANES: usize = 16;

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
    new_collagen_pct_prepared(&LaneRates::new(*rates), injury_per_session, course, days)
}

/// [`LANES`] patients' rates with their chain exponentials (half and whole day), which depend
/// on the rates alone: prepared once, they serve any course and injury.
#[derive(Debug, Clone)]
pub struct LaneRates {
    rates: [Rates; LANES],
    half: [Matrix; LANES],
    full: [Matrix; LANES],
}

impl LaneRates {
    /// Prepares `rates`.
    pub fn new(rates: [Rates; LANES]) -> Self {
        let exponentials = rates.map(|r| half_and_full_day(&r));
        Self {
            rates,
            half: exponentials.map(|e| e.0),
            full: exponentials.map(|e| e.1),
        }
    }
}

/// [`new_collagen_pct_lanes`] with the rates prepared beforehand.
pub fn new_collagen_pct_prepared(
    lanes: &LaneRates,
    injury_per_session: &Lanes,
    course: &Course,
    days: &[u32],
) -> Vec<Lanes> {
    pulp::Arch::new().dispatch(Batch {
        lanes,
        injury_per_session,
        course,
        days,
    })
}

/// The batch as pulp's unit of dispatch: compiled for each instruction set, run with the widest
/// the processor has (no fused multiply-add is written, so every set gives the same bits).
struct Batch<'a> {
    lanes: &'a LaneRates,
    injury_per_session: &'a Lanes,
    course: &'a Course,
    days: &'a [u32],
}

impl pulp::WithSimd for Batch<'_> {
    type Output = Vec<Lanes>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> Vec<Lanes> {
        // Two vectors hold each quantity of the batch where they are eight wide (AVX-512), PACK
        // where they are four wide (AVX2); elsewhere the patients run one by one. AVX-512 runs
        // the same operations in half the instructions: the 10,000-patient band 13.9 -> 11.2 ms
        // (three interleaved pairs).
        let width = std::mem::size_of::<S::f64s>();
        if 2 * width == std::mem::size_of::<Lanes>() {
            vector_lanes::<S, 2>(
                simd,
                self.lanes,
                self.injury_per_session,
                self.course,
                self.days,
            )
        } else if PACK * width == std::mem::size_of::<Lanes>() {
            vector_lanes::<S, PACK>(
                simd,
                self.lanes,
                self.injury_per_session,
                self.course,
                self.days,
            )
        } else {
            one_by_one(
                &self.lanes.rates,
                self.injury_per_session,
                self.course,
                self.days,
            )
        }
    }
}

/// [`integrate_fast`] for [`LANES`] patients in vector operations, operation for operation (no
/// fused multiply-add, the same order of additions, `max(0)` as a select that returns 0 for NaN
/// as `f64::max` does), so every lane keeps its bits. Written out in vectors because the
/// compiler left half of the same loop over `[f64; 4]` arrays scalar, with the arrays spilled to
/// the stack (the 10,000-patient band benchmark: 51 → 32 ms); each quantity is `N` vectors
/// (sixteen lanes), because one vector's day is a chain of dependent operations that the
/// processor waits on, and independent chains fill it (AVX2, session 7: two vectors 32 → 21 ms,
/// four 19 ms; with the divisions replaced by products, eight patients in two vectors instead of
/// sixteen in four was 6.8 % slower, session 9).
#[inline(always)]
fn vector_lanes<S: pulp::Simd, const N: usize>(
    simd: S,
    lanes: &LaneRates,
    injury_per_session: &Lanes,
    course: &Course,
    days: &[u32],
) -> Vec<Lanes> {
    let (rates, half, full) = (&lanes.rates, &lanes.half, &lanes.full);
    let v = Vectors::new(simd, rates);
    // The fibroblast row of the half-day exponential (all the midpoint needs) and the one-day
    // exponential's rows of damage, inflammation and fibroblasts, one pack per entry. The
    // running integral of inflammation (the chain's fourth state) feeds none of them and the
    // lanes report only collagen, so it is not carried; the exponentials are lower triangular,
    // so each row stops at its diagonal. The products left out are exact zeros (the entries
    // and the chain are never negative), so the sums keep their bits.
    let half_row: [Pack<S, N>; 3] =
        std::array::from_fn(|k| v.load(&std::array::from_fn(|l| half[l][2][k])));
    let full_rows: [[Pack<S, N>; 3]; 3] = std::array::from_fn(|i| {
        std::array::from_fn(|k| v.load(&std::array::from_fn(|l| full[l][i][k])))
    });
    let pulse = v.load(&std::array::from_fn(|l| {
        rates[l].gain * injury_per_session[l]
    }));
    let (two, sixth, hundred) = (v.splat(2.0), v.splat(SIXTH), v.splat(100.0));
    let interval_days = (course.interval_weeks * 7).max(1);
    let last_day = course.horizon_days.ceil() as u32;
    let mut out = vec![[0.0; LANES]; days.len()];
    // Damage, inflammation, fibroblasts.
    let mut chain = [v.zero; 3];
    // Collagen III, immature I, mature I.
    let mut collagen = [v.zero; 3];
    let mut g_start = v.saturation(chain[2]);
    for day in 0..=last_day {
        if day % interval_days == 0 && day / interval_days < course.sessions {
            chain[0] = v.add(chain[0], pulse);
        }
        for (k, _) in days.iter().enumerate().filter(|(_, d)| **d == day) {
            let total = v.add(v.add(collagen[1], collagen[0]), collagen[2]);
            out[k] = v.store(v.mul(hundred, total));
        }
        if day == last_day {
            break;
        }
        let mid = v.dot_to(&half_row, &chain, 2);
        let end: [Pack<S, N>; 3] = [
            v.dot_to(&full_rows[0], &chain, 0),
            v.dot_to(&full_rows[1], &chain, 1),
            v.dot_to(&full_rows[2], &chain, 2),
        ];
        let (g_mid, g_end) = (v.saturation(mid), v.saturation(end[2]));
        let k1 = v.derivative(&collagen, g_start);
        let k2 = v.derivative(&v.step(&collagen, &k1, 0.5), g_mid);
        let k3 = v.derivative(&v.step(&collagen, &k2, 0.5), g_mid);
        let k4 = v.derivative(&v.step(&collagen, &k3, 1.0), g_end);
        for i in 0..3 {
            let sum = v.add(
                v.add(v.add(k1[i], v.mul(two, k2[i])), v.mul(two, k3[i])),
                k4[i],
            );
            collagen[i] = v.add(collagen[i], v.mul(sum, sixth));
        }
        chain = end;
        g_start = g_end;
    }
    out
}

/// Vectors per quantity in [`vector_lanes`] where vectors are four wide.
const PACK: usize = 4;

/// One quantity of the batch: `N` vectors ([`PACK`] of four lanes, or two of eight).
type Pack<S, const N: usize> = [<S as pulp::Simd>::f64s; N];

/// The batch's rates as packs, and the steps of [`vector_lanes`] as methods: inlined into the
/// dispatched function, so they are compiled with its instruction set (closures were not, and
/// ran five times slower).
struct Vectors<S: pulp::Simd, const N: usize> {
    simd: S,
    zero: Pack<S, N>,
    one: Pack<S, N>,
    inverse_f_half: Pack<S, N>,
    inverse_c_max: Pack<S, N>,
    s_3: Pack<S, N>,
    s_1: Pack<S, N>,
    k_31: Pack<S, N>,
    k_1_mat: Pack<S, N>,
    k_mat: Pack<S, N>,
    k_m: Pack<S, N>,
}

impl<S: pulp::Simd, const N: usize> Vectors<S, N> {
    #[inline(always)]
    fn new(simd: S, rates: &[Rates; LANES]) -> Self {
        let lane = |f: fn(&Rates) -> f64| -> Pack<S, N> {
            let values = rates.map(|r| f(&r));
            let (vectors, _) = S::as_simd_f64s(&values);
            std::array::from_fn(|i| vectors[i])
        };
        Self {
            simd,
            zero: [simd.splat_f64s(0.0); N],
            one: [simd.splat_f64s(1.0); N],
            inverse_f_half: lane(|r| Reciprocals::of(r).f_half),
            inverse_c_max: lane(|r| Reciprocals::of(r).c_max),
            s_3: lane(|r| r.s_3),
            s_1: lane(|r| r.s_1),
            k_31: lane(|r| r.k_31),
            k_1_mat: lane(|r| r.k_1 + r.k_mat),
            k_mat: lane(|r| r.k_mat),
            k_m: lane(|r| r.k_m),
        }
    }

    #[inline(always)]
    fn load(&self, x: &Lanes) -> Pack<S, N> {
        let (vectors, _) = S::as_simd_f64s(x);
        std::array::from_fn(|i| vectors[i])
    }

    #[inline(always)]
    fn store(&self, v: Pack<S, N>) -> Lanes {
        let mut out = [0.0; LANES];
        let (vectors, _) = S::as_mut_simd_f64s(&mut out);
        vectors.copy_from_slice(&v);
        out
    }

    #[inline(always)]
    fn splat(&self, x: f64) -> Pack<S, N> {
        [self.simd.splat_f64s(x); N]
    }

    // The four operations are written out one by one, and `new` loads its packs itself: one
    // helper taking the operation as a function, or `new` calling `load`, ran the band 11–15 %
    // slower (interleaved benchmark runs, session 7).
    #[inline(always)]
    fn add(&self, a: Pack<S, N>, b: Pack<S, N>) -> Pack<S, N> {
        let s = self.simd;
        let mut out = a;
        for i in 0..N {
            out[i] = s.add_f64s(a[i], b[i]);
        }
        out
    }

    #[inline(always)]
    fn sub(&self, a: Pack<S, N>, b: Pack<S, N>) -> Pack<S, N> {
        let s = self.simd;
        let mut out = a;
        for i in 0..N {
            out[i] = s.sub_f64s(a[i], b[i]);
        }
        out
    }

    #[inline(always)]
    fn mul(&self, a: Pack<S, N>, b: Pack<S, N>) -> Pack<S, N> {
        let s = self.simd;
        let mut out = a;
        for i in 0..N {
            out[i] = s.mul_f64s(a[i], b[i]);
        }
        out
    }

    #[inline(always)]
    fn div(&self, a: Pack<S, N>, b: Pack<S, N>) -> Pack<S, N> {
        let s = self.simd;
        let mut out = a;
        for i in 0..N {
            out[i] = s.div_f64s(a[i], b[i]);
        }
        out
    }

    /// `max(a, 0)` as a select: 0 for NaN, as `f64::max` gives.
    #[inline(always)]
    fn positive_part(&self, a: Pack<S, N>) -> Pack<S, N> {
        let s = self.simd;
        let zero = self.zero[0];
        let mut out = a;
        for i in 0..N {
            out[i] = s.select_f64s(s.greater_than_f64s(a[i], zero), a[i], zero);
        }
        out
    }

    /// `f / (1 + f / f_half)`, by the reciprocal of `f_half`.
    #[inline(always)]
    fn saturation(&self, f: Pack<S, N>) -> Pack<S, N> {
        self.div(f, self.add(self.one, self.mul(f, self.inverse_f_half)))
    }

    /// The collagen derivative at fibroblast synthesis `g`, as [`collagen_derivative`].
    #[inline(always)]
    fn derivative(&self, y: &[Pack<S, N>; 3], g: Pack<S, N>) -> [Pack<S, N>; 3] {
        let total = self.add(self.add(y[1], y[0]), y[2]);
        let room = self.positive_part(self.sub(self.one, self.mul(total, self.inverse_c_max)));
        let synthesis = self.mul(g, room);
        [
            self.sub(self.mul(self.s_3, synthesis), self.mul(self.k_31, y[0])),
            self.sub(
                self.add(self.mul(self.s_1, synthesis), self.mul(self.k_31, y[0])),
                self.mul(self.k_1_mat, y[1]),
            ),
            self.sub(self.mul(self.k_mat, y[1]), self.mul(self.k_m, y[2])),
        ]
    }

    /// `y + h·k`.
    #[inline(always)]
    fn step(&self, y: &[Pack<S, N>; 3], k: &[Pack<S, N>; 3], h: f64) -> [Pack<S, N>; 3] {
        let h = self.splat(h);
        [
            self.add(y[0], self.mul(h, k[0])),
            self.add(y[1], self.mul(h, k[1])),
            self.add(y[2], self.mul(h, k[2])),
        ]
    }

    /// `Σ_{k ≤ last} m[k]·x[k]` in order, as `.sum()` adds (from −0, which leaves the first term
    /// as is).
    #[inline(always)]
    fn dot_to(&self, m: &[Pack<S, N>; 3], x: &[Pack<S, N>; 3], last: usize) -> Pack<S, N> {
        let mut sum = self.mul(m[0], x[0]);
        for k in 1..=last {
            sum = self.add(sum, self.mul(m[k], x[k]));
        }
        sum
    }
}

/// The batch one patient at a time with [`integrate_fast`], for instruction sets whose vectors
/// are neither four nor eight wide: the same bits as the vector lanes, which equal it by
/// construction.
fn one_by_one(
    rates: &[Rates; LANES],
    injury_per_session: &Lanes,
    course: &Course,
    days: &[u32],
) -> Vec<Lanes> {
    let mut out = vec![[f64::NAN; LANES]; days.len()];
    for (l, rates) in rates.iter().enumerate() {
        let course = Course {
            injury_per_session: injury_per_session[l],
            ..course.clone()
        };
        integrate_fast(rates, &course, |day, state| {
            for (k, _) in days.iter().enumerate().filter(|(_, d)| **d == day) {
                out[k][l] = state.new_collagen_pct();
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::healing::HealingParams;

    /// The fallback (patients one by one, where vectors are not four wide) and the dispatched
    /// lanes (vectors on this machine) give the same bits.
    #[test]
    fn the_fallback_and_the_dispatched_lanes_agree_to_the_bit() {
        let kb = crate::KnowledgeBase::embedded().expect("knowledge base");
        let params: &HealingParams = &kb.healing;
        let rates: [Rates; LANES] = std::array::from_fn(|l| Rates::sampled(params, 3, l as u64));
        let injury: Lanes = std::array::from_fn(|l| 0.01 + 0.01 * l as f64);
        let course = Course {
            injury_per_session: 0.0,
            sessions: 4,
            interval_weeks: 3,
            horizon_days: 365.0,
        };
        let days = [0, 1, 20, 21, 100, 365];
        let plain = one_by_one(&rates, &injury, &course, &days);
        let dispatched = new_collagen_pct_lanes(&rates, &injury, &course, &days);
        let bits = |v: &[Lanes]| -> Vec<u64> { v.iter().flatten().map(|x| x.to_bits()).collect() };
        assert_eq!(bits(&plain), bits(&dispatched));
        assert!(plain[5].iter().all(|x| *x > 0.0), "collagen is laid down");
        // The dispatch takes the widest set; each narrower one this machine has runs too (on
        // x86-64: two vectors of eight lanes with AVX-512, four of four with AVX2).
        #[cfg(target_arch = "x86_64")]
        {
            let lanes = LaneRates::new(rates);
            let batch = || Batch {
                lanes: &lanes,
                injury_per_session: &injury,
                course: &course,
                days: &days,
            };
            let mut checked = Vec::new();
            if let Some(simd) = pulp::x86::V3::try_new() {
                assert_eq!(bits(&plain), bits(&pulp::Simd::vectorize(simd, batch())));
                checked.push("AVX2");
            }
            if let Some(simd) = pulp::x86::V4::try_new() {
                assert_eq!(bits(&plain), bits(&pulp::Simd::vectorize(simd, batch())));
                checked.push("AVX-512");
            }
            eprintln!("lanes checked against the fallback with: {checked:?}");
        }
    }
}

#[cfg(test)]
mod exponential_tests {
    use super::*;
    use crate::healing::HealingParams;

    /// The exponential as first written: full 4×4 products, each step length on its own.
    fn general_exponential(r: &Rates, h: f64) -> Matrix {
        exponential_with(r, h, |a, b| {
            std::array::from_fn(|i| {
                std::array::from_fn(|j| (0..4).map(|k| a[i][k] * b[k][j]).sum())
            })
        })
    }

    /// The triangular products and the squared half day give the general products' bits, signs
    /// of zero included, for sampled patients and for rates so slow that the squaring counts
    /// are clamped (where the one-day exponential is computed on its own).
    #[test]
    fn half_and_full_day_match_the_general_products_to_the_bit() {
        let kb = crate::KnowledgeBase::embedded().expect("knowledge base");
        let params: &HealingParams = &kb.healing;
        let slow = {
            let mut r = Rates::sampled(params, 1, 0);
            (r.k_d, r.k_i, r.r_f, r.k_f) = (0.05, 0.04, 0.03, 0.02);
            r
        };
        let mut reused = 0;
        for r in (0..2000)
            .map(|i| Rates::sampled(params, 11, i))
            .chain([slow])
        {
            let (half, full) = half_and_full_day(&r);
            let bits = |m: &Matrix| m.map(|row| row.map(f64::to_bits));
            assert_eq!(bits(&half), bits(&general_exponential(&r, 0.5)));
            assert_eq!(bits(&full), bits(&general_exponential(&r, 1.0)));
            let a = chain_matrix(&r);
            reused += usize::from(squarings(&a, 1.0) == squarings(&a, 0.5) + 1);
        }
        assert!(reused > 0, "the squared half day is exercised");
        assert!(reused < 2001, "the clamped case is exercised");
    }
}
