//! Reference for exercise 2: the lab's own `Rline` (common/src/readline.rs)
//! is the answer — the check proves it.

pub use common::readline::Rline;

impl<F: std::os::fd::AsFd> crate::tools::Lines for Rline<F> {
    fn readline(&mut self, line: &mut Vec<u8>) -> std::io::Result<usize> {
        Rline::readline(self, line)
    }
}
