//! Helpers for common's own unit tests: socketpairs and signals delivered to
//! a blocked thread. (No fork: threads and pthread_kill only.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::pthread::{Pthread, pthread_kill, pthread_self};
use nix::sys::signal::{SigHandler, Signal};
use socket2::{Domain, Socket, Type};

/// A connected pair of Unix stream sockets.
pub fn pair() -> (Socket, Socket) {
    Socket::pair(Domain::UNIX, Type::STREAM, None).expect("socketpair")
}

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_signal(_: nix::libc::c_int) {
    SIGNALS.fetch_add(1, Ordering::SeqCst); // async-signal-safe: one atomic
}

/// SIGUSR1 installed without SA_RESTART (as `signal_intr` does), so a
/// blocked read or write in the signalled thread fails with EINTR.
pub struct Interrupter;

/// A worker thread being hit by SIGUSR1 until it finishes.
pub struct Hammered<T> {
    done: mpsc::Receiver<T>,
    handle: JoinHandle<()>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    hammer: JoinHandle<()>,
}

impl<T> Hammered<T> {
    /// Waits for the worker's result (panics after `timeout`).
    pub fn join(self, timeout: Duration) -> T {
        let r = self
            .done
            .recv_timeout(timeout)
            .expect("worker did not finish in time");
        self.stop.store(true, Ordering::SeqCst);
        self.hammer.join().unwrap();
        self.handle.join().unwrap();
        r
    }
}

impl Interrupter {
    pub fn install() -> Interrupter {
        // SAFETY: `count_signal` only increments an atomic: async-signal-safe.
        unsafe { crate::signal::signal_intr(Signal::SIGUSR1, SigHandler::Handler(count_signal)) };
        Interrupter
    }

    /// Signals delivered so far (to any test).
    pub fn count(&self) -> usize {
        SIGNALS.load(Ordering::SeqCst)
    }

    /// Runs `f` on a thread and sends it SIGUSR1 every millisecond until it
    /// returns; returns its result.
    pub fn interrupt_blocked<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        self.spawn_and_interrupt(f).join(Duration::from_secs(10))
    }

    /// Like `interrupt_blocked`, but returns at once; join the result later.
    pub fn spawn_and_interrupt<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Hammered<T> {
        let (tid_tx, tid_rx) = mpsc::channel::<Pthread>();
        let (done_tx, done) = mpsc::channel();
        let handle = std::thread::spawn(move || {
            tid_tx.send(pthread_self()).unwrap();
            let _ = done_tx.send(f());
        });
        let tid = tid_rx.recv().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = stop.clone();
        let hammer = std::thread::spawn(move || {
            let end = Instant::now() + Duration::from_secs(20);
            while !stop2.load(Ordering::SeqCst) && Instant::now() < end {
                if pthread_kill(tid, Signal::SIGUSR1).is_err() {
                    break; // the worker has exited
                }
                std::thread::sleep(Duration::from_millis(1)); // signal rate, not readiness
            }
        });
        Hammered {
            done,
            handle,
            stop,
            hammer,
        }
    }
}
