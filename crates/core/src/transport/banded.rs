//! Cholesky factorization of a symmetric positive definite band matrix.
//!
//! The unit cell's unknowns, numbered row by row, couple only to neighbours within one grid row
//! (half-bandwidth = radial cells), so a band factorization costs `n · p²` and a solve `n · p`:
//! for the default grid that is cheaper than a general sparse factorization with its ordering
//! and symbolic steps (docs/transport.md, numerics).

/// Entries of a row of the band storage: `p + 1` rounded up to whole vectors of four, so that
/// every row starts on the same vector boundary and updates in whole vectors.
fn row_stride(p: usize) -> usize {
    (p + 1).next_multiple_of(4)
}

/// Lower band of an SPD matrix, row by row: row `i` holds `A[i][i − d + s]` in slot `s`, with
/// the diagonal in the last slot `d = stride − 1`; the slots left of the band stay zero.
#[derive(Debug, Clone)]
pub struct BandMatrix {
    n: usize,
    p: usize,
    stride: usize,
    lower: Vec<f64>,
    /// `1 / L[i][i]` after [`BandMatrix::factorize`].
    inverse_diagonal: Vec<f64>,
}

impl BandMatrix {
    /// An `n × n` matrix of half-bandwidth `p` with every entry zero.
    pub fn zeros(n: usize, p: usize) -> Self {
        let stride = row_stride(p);
        Self {
            n,
            p,
            stride,
            lower: vec![0.0; n * stride],
            inverse_diagonal: vec![0.0; n],
        }
    }

    /// Writes row `i` of the lower band whole: `diagonal`, the entries `(j, value)` left of it
    /// (`i − p ≤ j < i`), and zero everywhere else, so an assembly that writes every row needs
    /// no clearing pass.
    pub fn set_row(&mut self, i: usize, diagonal: f64, left: &[(usize, f64)]) {
        let d = self.stride - 1;
        let row = &mut self.lower[i * self.stride..(i + 1) * self.stride];
        // A zero the compiler cannot see is zero: a `fill` with a known zero becomes a call to
        // `memset` for every row (128 bytes; 4 % of the plan benchmark), with this one a few
        // stores in place.
        row.fill(std::hint::black_box(0.0));
        row[d] = diagonal;
        for &(j, value) in left {
            row[d - (i - j)] = value;
        }
    }

    fn at(&self, i: usize, j: usize) -> usize {
        // j <= i, i - j <= p
        i * self.stride + self.stride - 1 - (i - j)
    }

    /// `A[i][j]` (or, after [`factorize`](Self::factorize), `L[max][min]`); `|i − j| ≤ p`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        let (i, j) = if i >= j { (i, j) } else { (j, i) };
        self.lower[self.at(i, j)]
    }

    /// Adds `value` to `A[i][j]` (and by symmetry `A[j][i]`); `i` and `j` within the band.
    pub fn add(&mut self, i: usize, j: usize, value: f64) {
        let (i, j) = if i >= j { (i, j) } else { (j, i) };
        let index = self.at(i, j);
        self.lower[index] += value;
    }

    /// Factorizes in place into L (A = L Lᵀ). Returns false if a pivot is not positive.
    ///
    /// Column by column (right-looking): once column `j` is scaled by its pivot, it updates the
    /// triangle below it, row by row, `a −= l·x` over whole vectors of the row. Every row of
    /// the storage is the same number of whole vectors, so the updates run as SIMD vectors of
    /// the widest set the processor has (pulp's runtime dispatch, AVX2 on x86-64), without
    /// fused multiply-add: each entry gets the same two roundings as the scalar loop, so the
    /// factor is the same to the bit on every instruction set. The vectors of a row left of the
    /// triangle are skipped. Measured against the scalar loop on the default grid: half the
    /// time (docs/performance.md).
    pub fn factorize(&mut self) -> bool {
        // AVX2 even where AVX-512 is present: rows of sixteen are two vectors of eight, and the
        // first vector of a short row wastes more; measured slower (one 24 h delivery solve
        // 3.03 -> 3.20 ms, interleaved pairs, session 9).
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = pulp::x86::V3::try_new() {
            return pulp::Simd::vectorize(simd, Factorize(self));
        }
        pulp::Arch::new().dispatch(Factorize(self))
    }

    /// Solves A x = b with the factor, in place: forward with L row by row, then back with Lᵀ
    /// column by column; both sweeps read the band's rows contiguously and multiply by the
    /// stored inverse pivots.
    pub fn solve(&self, b: &mut [f64]) {
        // The default grid's band with its sizes as constants, as the factorization has them:
        // a full row's update in the back sweep unrolls, without bounds checks (the solve
        // 6.2 -> 5.8 µs on the default grid's size).
        match (self.stride, self.p) {
            (16, 14) => self.sweeps::<16, 14>(b),
            _ => self.sweeps::<0, 0>(b),
        }
    }

    /// [`Self::solve`] with rows of `STRIDE` entries and half-bandwidth `P` (0: the matrix's
    /// own). The back sweep's rows with a whole band (all but the first `p`) take the
    /// constant-length path.
    #[inline(always)]
    fn sweeps<const STRIDE: usize, const P: usize>(&self, b: &mut [f64]) {
        let p = if P == 0 { self.p } else { P };
        let stride = if STRIDE == 0 { self.stride } else { STRIDE };
        let d = stride - 1;
        for i in 0..self.n {
            // (A constant-length inner product here too ran the solve 6.2 -> 8.5 µs.)
            let first = i.saturating_sub(p);
            let row = &self.lower[i * stride..(i + 1) * stride];
            let sum = b[i] - dot(&row[d + first - i..d], &b[first..i]);
            b[i] = sum * self.inverse_diagonal[i];
        }
        for i in (0..self.n).rev() {
            let row = &self.lower[i * stride..(i + 1) * stride];
            let x = b[i] * self.inverse_diagonal[i];
            b[i] = x;
            let first = if P != 0 && i >= P {
                i - P
            } else {
                i.saturating_sub(p)
            };
            for (bk, l) in b[first..i].iter_mut().zip(&row[d + first - i..d]) {
                *bk -= l * x;
            }
        }
    }
}

/// The factorization as pulp's unit of dispatch: compiled once per instruction set.
struct Factorize<'a>(&'a mut BandMatrix);

impl pulp::WithSimd for Factorize<'_> {
    type Output = bool;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> bool {
        let m = self.0;
        m.inverse_diagonal.resize(m.n, 0.0);
        // The kernel takes the storage as slices of its own: through `&mut BandMatrix` the
        // compiler reloaded the vectors' addresses after every store (it cannot tell the
        // entries from the struct), a tenth of the run.
        let band = Band {
            n: m.n,
            p: m.p,
            lower: &mut m.lower,
            inverse_diagonal: &mut m.inverse_diagonal,
        };
        // The row length as a constant lets the compiler unroll a row's vectors, and the
        // bandwidth as one unrolls a column's rows too, each with its own constant first
        // vector: measured 40 µs (scalar) -> 25 µs (row length constant) -> 19.5 µs (both) per
        // factorization of the default grid (14 radial cells: rows of 16), interleaved runs.
        match (m.stride, m.p) {
            (16, 14) => factorize_with::<S, 16, 14>(simd, band),
            (4, _) => factorize_with::<S, 4, 0>(simd, band),
            (8, _) => factorize_with::<S, 8, 0>(simd, band),
            (16, _) => factorize_with::<S, 16, 0>(simd, band),
            (32, _) => factorize_with::<S, 32, 0>(simd, band),
            _ => factorize_with::<S, 0, 0>(simd, band),
        }
    }
}

/// The storage a factorization works on.
struct Band<'a> {
    n: usize,
    p: usize,
    lower: &'a mut [f64],
    inverse_diagonal: &'a mut [f64],
}

/// The widest row with a kernel of its own (a refined default grid, 28 radial cells).
const MAX_FIXED_STRIDE: usize = 32;

/// The factorization with rows of `STRIDE` entries and half-bandwidth `P` (0: the matrix's own,
/// any value).
#[inline(always)]
fn factorize_with<S: pulp::Simd, const STRIDE: usize, const P: usize>(
    simd: S,
    band: Band<'_>,
) -> bool {
    let Band {
        n,
        p,
        lower,
        inverse_diagonal,
    } = band;
    let p = if P == 0 { p } else { P };
    let stride = if STRIDE == 0 { row_stride(p) } else { STRIDE };
    let d = stride - 1;
    let lanes = (std::mem::size_of::<S::f64s>() / std::mem::size_of::<f64>()).max(1);
    // padded[d + k] = L[j + 1 + k][j] for k < p, zeros elsewhere: row i = j + 1 + r of the
    // triangle reads slots s of its row against padded[r + s] (column i − d + s).
    let mut fixed = [0.0; 2 * MAX_FIXED_STRIDE];
    let mut any = Vec::new();
    let padded: &mut [f64] = if STRIDE == 0 {
        any.resize(2 * stride, 0.0);
        &mut any
    } else {
        &mut fixed[..2 * stride]
    };
    for j in 0..n {
        let pivot = lower[j * stride + d];
        if pivot <= 0.0 || !pivot.is_finite() {
            return false;
        }
        let diagonal = pivot.sqrt();
        let inverse = 1.0 / diagonal;
        lower[j * stride + d] = diagonal;
        inverse_diagonal[j] = inverse;
        let below = p.min(n - 1 - j);
        let triangle = &mut lower[(j + 1) * stride..(j + 1 + below) * stride];
        if P != 0 && below == P {
            // A whole column (all but the last p): with the row count a constant, the loops
            // unroll, each row with its first vector known, and without bounds checks.
            scale_column(triangle, padded, inverse, P, stride);
            update_rows(simd, triangle, padded, P, stride, lanes);
        } else {
            scale_column(triangle, padded, inverse, below, stride);
            // Only the last p columns have fewer than p rows below; the slots past d + p are
            // never written. (Zeroing them at every column was a call to `memset` each time.)
            padded[d + below..d + p].iter_mut().for_each(|v| *v = 0.0);
            update_rows(simd, triangle, padded, below, stride, lanes);
        }
    }
    true
}

/// Scales the pivot's column (the first `rows` rows of `triangle`, slot `d − (k + 1)` of row
/// `k`) by `inverse` into `L`, and copies it to `padded[d..]`.
#[inline(always)]
fn scale_column(
    triangle: &mut [f64],
    padded: &mut [f64],
    inverse: f64,
    rows: usize,
    stride: usize,
) {
    let d = stride - 1;
    for (k, value) in padded[d..d + rows].iter_mut().enumerate() {
        let entry = &mut triangle[k * stride + d - (k + 1)];
        *entry *= inverse;
        *value = *entry;
    }
}

/// `rows` rows of the triangle below a pivot, each `a −= l·x` against the padded column.
///
/// Row `r` starts in vector `(d − r) / lanes` (the slots left of it are columns the pivot's
/// column does not reach), so the rows go in groups of `lanes` that share their first vector,
/// and each group runs a row kernel whose vector count is a constant: unrolled, without the
/// per-row branches on how many vectors are left.
#[inline(always)]
fn update_rows<S: pulp::Simd>(
    simd: S,
    triangle: &mut [f64],
    padded: &[f64],
    rows: usize,
    stride: usize,
    lanes: usize,
) {
    let d = stride - 1;
    let vectors = stride / lanes;
    let row_of = |r: usize| r * stride..(r + 1) * stride;
    if lanes > 1 && stride.is_multiple_of(lanes) && vectors <= 4 {
        for group in 0..vectors {
            let skip = vectors - 1 - group;
            for r in group * lanes..((group + 1) * lanes).min(rows) {
                let (row, l, factor) = (
                    &mut triangle[row_of(r)],
                    &padded[r..r + stride],
                    padded[d + r],
                );
                // Each arm a literal: the inlined kernel's vector count is a constant.
                match skip {
                    0 => update_row_from(simd, row, l, factor, 0),
                    1 => update_row_from(simd, row, l, factor, 1),
                    2 => update_row_from(simd, row, l, factor, 2),
                    _ => update_row_from(simd, row, l, factor, 3),
                }
            }
        }
    } else {
        for r in 0..rows {
            let (row, l, factor) = (
                &mut triangle[row_of(r)],
                &padded[r..r + stride],
                padded[d + r],
            );
            update_row_from(simd, row, l, factor, (d - r) / lanes);
        }
    }
}

/// One row of the triangle, `a −= factor · l`, from vector `skip` on.
#[inline(always)]
fn update_row_from<S: pulp::Simd>(simd: S, row: &mut [f64], l: &[f64], factor: f64, skip: usize) {
    let minus_factor = simd.splat_f64s(-factor);
    let (row_vectors, row_tail) = S::as_mut_simd_f64s(row);
    let (l_vectors, l_tail) = S::as_simd_f64s(l);
    for (a, x) in row_vectors[skip..].iter_mut().zip(&l_vectors[skip..]) {
        // a + (−f)·x rounds as a − f·x: the scalar loop's bits.
        *a = simd.add_f64s(*a, simd.mul_f64s(minus_factor, *x));
    }
    for (a, x) in row_tail.iter_mut().zip(l_tail) {
        *a -= factor * x;
    }
}

/// Inner product of two slices of equal length, in four partial sums (no single chain of
/// dependent additions).
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut partial = [0.0; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a4.zip(b4) {
        for k in 0..4 {
            partial[k] += x[k] * y[k];
        }
    }
    (partial[0] + partial[1]) + (partial[2] + partial[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_banded_spd_system() {
        // A 1D Laplacian plus identity, bandwidth 2 with a second-neighbour coupling.
        let n = 9;
        let mut a = BandMatrix::zeros(n, 2);
        let mut dense = vec![vec![0.0; n]; n];
        for i in 0..n {
            a.add(i, i, 4.0);
            dense[i][i] += 4.0;
            if i >= 1 {
                a.add(i, i - 1, -1.0);
                dense[i][i - 1] -= 1.0;
                dense[i - 1][i] -= 1.0;
            }
            if i >= 2 {
                a.add(i, i - 2, -0.5);
                dense[i][i - 2] -= 0.5;
                dense[i - 2][i] -= 0.5;
            }
        }
        let x_true: Vec<f64> = (0..n).map(|i| (i as f64).sin() + 2.0).collect();
        let mut b: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|j| dense[i][j] * x_true[j]).sum())
            .collect();
        assert!(a.factorize());
        a.solve(&mut b);
        for (x, t) in b.iter().zip(&x_true) {
            assert!((x - t).abs() < 1e-12);
        }
    }

    /// A diagonally dominant band matrix of order `n` and half-bandwidth `p`, entries from a
    /// fixed pseudo-random sequence, as a band and as dense rows.
    #[allow(clippy::needless_range_loop)] // indices as in the formulas
    fn random_band(n: usize, p: usize) -> (BandMatrix, Vec<Vec<f64>>) {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut band = BandMatrix::zeros(n, p);
        let mut dense = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in i.saturating_sub(p)..i {
                let value = -next();
                band.add(i, j, value);
                dense[i][j] = value;
                dense[j][i] = value;
            }
        }
        for i in 0..n {
            let off: f64 = dense[i].iter().map(|x| x.abs()).sum();
            let value = off + 0.1 + next();
            band.add(i, i, value);
            dense[i][i] = value;
        }
        (band, dense)
    }

    #[test]
    #[allow(clippy::needless_range_loop)] // indices as in the formulas
    fn the_vector_factorization_equals_the_scalar_one_to_the_bit() {
        // Strides of 4, 8, 16 (the default grid: p = 14), 32 (refined) and one of no kernel of
        // its own (p = 40, stride 44), each against the plain scalar column-by-column loop.
        for (n, p) in [
            (9, 1),
            (30, 3),
            (50, 7),
            (120, 14),
            (90, 15),
            (200, 28),
            (150, 40),
        ] {
            let (mut band, mut dense) = random_band(n, p);
            assert!(band.factorize(), "n {n} p {p}");
            for j in 0..n {
                let diagonal = dense[j][j].sqrt();
                let inverse = 1.0 / diagonal;
                dense[j][j] = diagonal;
                for i in j + 1..n.min(j + p + 1) {
                    dense[i][j] *= inverse;
                }
                for i in j + 1..n.min(j + p + 1) {
                    for c in j + 1..=i {
                        dense[i][c] -= dense[i][j] * dense[c][j];
                    }
                }
            }
            for i in 0..n {
                for j in i.saturating_sub(p)..=i {
                    assert_eq!(
                        band.get(i, j).to_bits(),
                        dense[i][j].to_bits(),
                        "n {n} p {p}: L[{i}][{j}]"
                    );
                }
            }
        }
    }

    #[test]
    #[allow(clippy::needless_range_loop)] // indices as in the formulas
    fn solves_every_bandwidth_against_the_dense_product() {
        // p = 14 with rows of 16 is the default grid's constant-size path; the others the
        // general one.
        for (n, p) in [(9, 1), (50, 7), (120, 14), (13, 14), (90, 15), (150, 40)] {
            let (mut band, dense) = random_band(n, p);
            let x_true: Vec<f64> = (0..n).map(|i| 1.0 + (i as f64 * 0.7).cos()).collect();
            let mut b: Vec<f64> = (0..n)
                .map(|i| (0..n).map(|j| dense[i][j] * x_true[j]).sum())
                .collect();
            assert!(band.factorize(), "n {n} p {p}");
            band.solve(&mut b);
            for (i, (x, t)) in b.iter().zip(&x_true).enumerate() {
                assert!(
                    (x - t).abs() < 1e-12 * t.abs(),
                    "n {n} p {p}: x[{i}] {x} vs {t}"
                );
            }
        }
    }

    #[test]
    fn a_matrix_that_is_not_positive_definite_is_refused() {
        let (mut band, _) = random_band(40, 14);
        band.add(20, 20, -1e6);
        assert!(!band.factorize());
    }
}
