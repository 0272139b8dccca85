//! Cholesky factorization of a symmetric positive definite band matrix.
//!
//! The unit cell's unknowns, numbered row by row, couple only to neighbours within one grid row
//! (half-bandwidth = radial cells), so a band factorization costs `n · p²` and a solve `n · p`:
//! for the default grid that is cheaper than a general sparse factorization with its ordering
//! and symbolic steps (docs/transport.md, numerics).

// Index loops mirror the textbook band algorithms; iterators would hide the band offsets.
#![allow(clippy::needless_range_loop)]

/// Lower band of an SPD matrix: `lower[i * (p + 1) + (p - k)]` holds `A[i][i - k]`, `k = 0..=p`.
#[derive(Debug, Clone)]
pub struct BandMatrix {
    /// Order of the matrix (number of unknowns).
    pub n: usize,
    /// Half-bandwidth: `A[i][j] = 0` when `|i − j| > p`.
    pub p: usize,
    /// The lower band, row by row, `p + 1` entries per row.
    pub lower: Vec<f64>,
}

impl BandMatrix {
    /// An `n × n` matrix of half-bandwidth `p` with every entry zero.
    pub fn zeros(n: usize, p: usize) -> Self {
        Self {
            n,
            p,
            lower: vec![0.0; n * (p + 1)],
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
    pub fn factorize(&mut self) -> bool {
        let p = self.p;
        for i in 0..self.n {
            let first = i.saturating_sub(p);
            for j in first..=i {
                let mut sum = self.lower[self.at(i, j)];
                let start = first.max(j.saturating_sub(p));
                for k in start..j {
                    sum -= self.lower[self.at(i, k)] * self.lower[self.at(j, k)];
                }
                if j == i {
                    if sum <= 0.0 || !sum.is_finite() {
                        return false;
                    }
                    let index = self.at(i, i);
                    self.lower[index] = sum.sqrt();
                } else {
                    let index = self.at(i, j);
                    self.lower[index] = sum / self.lower[self.at(j, j)];
                }
            }
        }
        true
    }

    /// Solves A x = b with the factor, in place.
    pub fn solve(&self, b: &mut [f64]) {
        let p = self.p;
        for i in 0..self.n {
            let mut sum = b[i];
            for k in i.saturating_sub(p)..i {
                sum -= self.lower[self.at(i, k)] * b[k];
            }
            b[i] = sum / self.lower[self.at(i, i)];
        }
        for i in (0..self.n).rev() {
            let mut sum = b[i];
            for k in i + 1..=(i + p).min(self.n - 1) {
                sum -= self.lower[self.at(k, i)] * b[k];
            }
            b[i] = sum / self.lower[self.at(i, i)];
        }
    }
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
