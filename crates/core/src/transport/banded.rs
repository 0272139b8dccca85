//! Cholesky factorization of a symmetric positive definite band matrix.
//!
//! The unit cell's unknowns, numbered row by row, couple only to neighbours within one grid row
//! (half-bandwidth = radial cells), so a band factorization costs `n · p²` and a solve `n · p`:
//! for the default grid that is cheaper than a general sparse factorization with its ordering
//! and symbolic steps (docs/transport.md, numerics).

/// Lower band of an SPD matrix: `lower[i * (p + 1) + (p - k)]` holds `A[i][i - k]`, `k = 0..=p`.
#[derive(Debug, Clone)]
pub struct BandMatrix {
    /// Order of the matrix (number of unknowns).
    pub n: usize,
    /// Half-bandwidth: `A[i][j] = 0` when `|i − j| > p`.
    pub p: usize,
    /// The lower band, row by row, `p + 1` entries per row.
    pub lower: Vec<f64>,
    /// `1 / L[i][i]` after [`BandMatrix::factorize`].
    inverse_diagonal: Vec<f64>,
}

impl BandMatrix {
    /// An `n × n` matrix of half-bandwidth `p` with every entry zero.
    pub fn zeros(n: usize, p: usize) -> Self {
        Self {
            n,
            p,
            lower: vec![0.0; n * (p + 1)],
            inverse_diagonal: vec![0.0; n],
        }
    }

    /// Sets every entry to zero, keeping the allocation.
    pub fn clear(&mut self) {
        self.lower.iter_mut().for_each(|x| *x = 0.0);
    }

    fn at(&self, i: usize, j: usize) -> usize {
        // j <= i, i - j <= p
        i * (self.p + 1) + self.p - (i - j)
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
    /// `p × p` triangle below it, one contiguous `a −= l·x` per row of the band storage (row
    /// `i`, column `k` at `i·(p+1) + p − i + k`). The updates of a column are independent of one
    /// another, so the processor overlaps them; the row-by-row inner products this replaced
    /// were one chain of dependent additions per row, and the factorization took a quarter
    /// longer (the delivery benchmark, docs/performance.md). Each update covers the row's last
    /// `p` entries, the column padded with zeros in front: loops of one length, as fast as the
    /// exact triangle when measured, and simpler.
    pub fn factorize(&mut self) -> bool {
        let (n, p, width) = (self.n, self.p, self.p + 1);
        // padded[p + k] = L[j + 1 + k][j]; the p zeros in front stand for the columns ≤ j.
        let mut padded = vec![0.0; 2 * p];
        self.inverse_diagonal.resize(n, 0.0);
        for j in 0..n {
            let pivot = self.lower[j * width + p];
            if pivot <= 0.0 || !pivot.is_finite() {
                return false;
            }
            let diagonal = pivot.sqrt();
            let inverse = 1.0 / diagonal;
            self.lower[j * width + p] = diagonal;
            self.inverse_diagonal[j] = inverse;
            let below = p.min(n - 1 - j);
            for (k, value) in padded[p..p + below].iter_mut().enumerate() {
                let i = j + 1 + k;
                let index = i * width + p - (i - j);
                self.lower[index] *= inverse;
                *value = self.lower[index];
            }
            padded[p + below..].iter_mut().for_each(|v| *v = 0.0);
            // Row i = j + 1 + m: A[i][c] −= L[i][j] · L[c][j] for the columns c of its last p
            // band entries (c = i − p + 1 ..= i); the zeros leave the columns ≤ j unchanged.
            for m in 0..below {
                let i = j + 1 + m;
                let factor = padded[p + m];
                let row = &mut self.lower[i * width + 1..(i + 1) * width];
                for (a, l) in row.iter_mut().zip(&padded[m + 1..m + 1 + p]) {
                    *a -= factor * l;
                }
            }
        }
        true
    }

    /// Solves A x = b with the factor, in place: forward with L row by row, then back with Lᵀ
    /// column by column; both sweeps read the band's rows contiguously and multiply by the
    /// stored inverse pivots.
    pub fn solve(&self, b: &mut [f64]) {
        let (p, width) = (self.p, self.p + 1);
        for i in 0..self.n {
            let first = i.saturating_sub(p);
            let row = &self.lower[i * width..(i + 1) * width];
            let sum = b[i] - dot(&row[p + first - i..p], &b[first..i]);
            b[i] = sum * self.inverse_diagonal[i];
        }
        for i in (0..self.n).rev() {
            let first = i.saturating_sub(p);
            let row = &self.lower[i * width..(i + 1) * width];
            let x = b[i] * self.inverse_diagonal[i];
            b[i] = x;
            for (bk, l) in b[first..i].iter_mut().zip(&row[p + first - i..p]) {
                *bk -= l * x;
            }
        }
    }
}

/// Inner product of two slices of equal length, in four partial sums (no single chain of
/// dependent additions).
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
}
