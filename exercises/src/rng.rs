//! A small seeded generator (splitmix64): checks draw their inputs from it so
//! that a constant answer cannot pass, and print the seed so that a failure
//! can be replayed with `UNP_SEED=<seed>`.

use std::time::{SystemTime, UNIX_EPOCH};

/// The seed for one check run: `UNP_SEED` if set, else fresh.
pub fn seed() -> u64 {
    if let Some(s) = std::env::var("UNP_SEED").ok().and_then(|s| s.trim().parse().ok()) {
        return s;
    }
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    // Short, readable seeds are easier to copy from a report.
    Rng::new(t ^ u64::from(std::process::id())).below(1_000_000_000)
}

/// splitmix64: tiny, fast, good enough for test inputs.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below((hi - lo + 1) as u64) as usize
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }

    /// A printable line of `lo..=hi` characters plus '\n'.
    pub fn line(&mut self, lo: usize, hi: usize) -> Vec<u8> {
        let n = self.range(lo, hi);
        self.text_line(n)
    }

    /// A printable line of `n` characters plus '\n'.
    pub fn text_line(&mut self, n: usize) -> Vec<u8> {
        const ABC: &[u8] = b"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789";
        let mut v: Vec<u8> = (0..n)
            .map(|_| ABC[self.below(ABC.len() as u64) as usize])
            .collect();
        v.push(b'\n');
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_different_seed_different_numbers() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let c = Rng::new(8).next_u64();
        assert_eq!(a, b);
        assert_ne!(a[0], c);
    }
}
