//! A small generator (splitmix64) for the checks' filler data — line
//! contents, byte patterns — always from the same seed: a verdict never
//! depends on luck. The boundaries each check names (an empty line, exactly
//! MAXLINE bytes, i64::MIN, ...) are fixed cases, not draws.

/// The one seed every check uses.
pub const FIXED: u64 = 20_260_514;

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
