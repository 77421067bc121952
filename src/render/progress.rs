//! The progress bar of a long read, on standard error: drawn from a
//! [`Meter`] by a thread of its own, only once the read has taken more than
//! a second (`config` may say otherwise), and wiped when the read is over. `config` decides whether a
//! meter is watched at all (a terminal, not JSON, not `--quiet`).

use std::sync::mpsc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::Meter;

/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// A bar being shown; dropping it stops the thread and wipes the bar.
pub struct Shown {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts watching `meter` (nothing happens for a meter nobody watches).
pub fn show(meter: &Meter, label: &'static str) -> Shown {
    let Some(after) = meter.show_after() else {
        return Shown { stop: None, thread: None };
    };
    let (stop, stopped) = mpsc::channel::<()>();
    let meter = meter.clone();
    let thread = std::thread::spawn(move || {
        if stopped.recv_timeout(after) != Err(mpsc::RecvTimeoutError::Timeout) {
            return;
        }
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {percent:>3}% · {binary_bytes} di {binary_total_bytes}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(label);
        let mut drawn = false;
        loop {
            let (done, total) = meter.get();
            bar.set_length(total);
            bar.set_position(done);
            if !drawn {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.tick();
                drawn = true;
            }
            if stopped.recv_timeout(TICK) != Err(mpsc::RecvTimeoutError::Timeout) {
                break;
            }
        }
        bar.finish_and_clear();
    });
    Shown { stop: Some(stop), thread: Some(thread) }
}

impl Drop for Shown {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
