//! The Rust side of the TensorBoard writer benchmark (scripts/bench/tensorboard_writers.py runs it
//! beside `torch.utils.tensorboard` and tensorboardX on the same work). No libtorch needed.
//!
//! ```text
//! bench scalars N DIR        N × add_scalar("bench/scalar", step·0.001, step), then close
//! bench histograms H M DIR   H × add_histogram of M standard-normal f32 (generated before the clock), then close
//! bench kill N DIR           N × add_scalar, then SIGKILL to itself right after the N-th returns
//! ```
//! Prints the seconds taken (the calls and the final close, which also fsyncs the file): wall-clock
//! time, then the process's CPU time, which other load on the machine disturbs much less.
use std::time::Instant;
use tensorboard_writer::SummaryWriter;

/// Standard normals from xorshift64* and Box–Muller (a fixed seed: the same work every run).
fn normals(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut uniform = || {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        ((s.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let (u, v) = (uniform(), uniform());
        let r = (-2.0 * u.ln()).sqrt();
        let t = std::f64::consts::TAU * v;
        out.push((r * t.cos()) as f32);
        if out.len() < n {
            out.push((r * t.sin()) as f32);
        }
    }
    out
}

/// CPU seconds used by this process so far (all threads).
#[cfg(unix)]
fn cpu_time() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid timespec to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Not measured outside unix (the bench runs on Linux): 0.
#[cfg(not(unix))]
fn cpu_time() -> f64 {
    0.0
}

/// SIGKILL to this process (unix); elsewhere the process just ends without closing the writer.
fn kill_self() -> ! {
    #[cfg(unix)]
    // SAFETY: kill(2) on this process; nothing after it runs.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    std::process::abort()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: bench scalars N DIR | bench histograms H M DIR | bench kill N DIR";
    let num =
        |i: usize| -> Result<usize, Box<dyn std::error::Error>> { Ok(args.get(i).ok_or(usage)?.parse()?) };
    match args.first().map(String::as_str) {
        Some("scalars") => {
            let (n, dir) = (num(1)?, args.get(2).ok_or(usage)?);
            let mut w = SummaryWriter::new(dir)?;
            let (t, c) = (Instant::now(), cpu_time());
            for step in 0..n as i64 {
                w.add_scalar("bench/scalar", step as f64 * 0.001, step)?;
            }
            w.close()?;
            println!("{:.6} {:.6}", t.elapsed().as_secs_f64(), cpu_time() - c);
        }
        Some("histograms") => {
            let (h, m, dir) = (num(1)?, num(2)?, args.get(3).ok_or(usage)?);
            let data: Vec<Vec<f32>> = (0..h).map(|i| normals(m, i as u64 + 1)).collect();
            let mut w = SummaryWriter::new(dir)?;
            let (t, c) = (Instant::now(), cpu_time());
            for (step, values) in data.iter().enumerate() {
                w.add_histogram("bench/histogram", values, step as i64)?;
            }
            w.close()?;
            println!("{:.6} {:.6}", t.elapsed().as_secs_f64(), cpu_time() - c);
        }
        Some("kill") => {
            let (n, dir) = (num(1)?, args.get(2).ok_or(usage)?);
            let mut w = SummaryWriter::new(dir)?;
            for step in 0..n as i64 {
                w.add_scalar("bench/scalar", step as f64 * 0.001, step)?;
            }
            kill_self();
        }
        _ => return Err(usage.into()),
    }
    Ok(())
}
