//! The threads that hash and verify passwords (argon2): at most half the cores (at least one),
//! off the async executor, outside any transaction, each at the lowest scheduling priority
//! (`SCHED_IDLE`, nice 19 on Linux) — so a burst of sign-ins takes the cores only while the other requests leave them
//! idle, and their latency stays what it was (issue 13 item 5, `bench/signin.sh`). A burst queues
//! here; each sign-in waits its turn.

use crate::ServiceError;
use std::sync::{Arc, Mutex, mpsc};

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads, fed through a queue; they end when the pool is dropped.
pub(crate) struct HashingPool {
    jobs: mpsc::Sender<Job>,
}

/// The nice value of the hashing threads (0 is the default, 19 the lowest priority): the lowest, so
/// that on a busy server a sign-in waits for the cores rather than the requests of those already
/// signed in (at nice 10 the p99 of other requests still rose 1.8–2.1× under 8 concurrent sign-ins
/// on 2 cores; see BENCHMARKS.md, "Sign-in under load").
pub(crate) const NICE: i32 = 19;

impl HashingPool {
    pub(crate) fn new(threads: usize) -> HashingPool {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            let worker = move || {
                lower_priority();
                loop {
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            };
            let spawned = std::thread::Builder::new()
                .name(format!("password-hashing-{i}"))
                .spawn(worker);
            if let Err(e) = spawned {
                tracing::error!(error = %e, "no password hashing thread");
            }
        }
        HashingPool { jobs }
    }

    /// Runs `f` on a hashing thread and waits for its result without blocking the executor.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs
            .send(job)
            .map_err(|_| ServiceError::Internal("password hashing closed".into()))?;
        rx.await
            .map_err(|_| ServiceError::Internal("password hashing task failed".into()))
    }
}

/// Lowers the calling thread's scheduling priority (Linux: per-thread attributes): the
/// `SCHED_IDLE` policy, under which any waking request thread preempts it at once instead of
/// after a time slice, and the nice value `NICE` for a kernel that refuses the policy. Elsewhere
/// the thread keeps its priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: sched_setscheduler reads `param` for the call's duration; `pid = 0` is the
        // calling thread.
        let idle = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
        // SAFETY: setpriority only reads its integer arguments; `who = 0` is the calling thread.
        let niced = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, NICE) };
        if idle != 0 && niced != 0 {
            tracing::warn!("password hashing threads keep their priority");
        }
    }
}

/// The calling thread's nice value (Linux), for the tests.
#[cfg(all(test, target_os = "linux"))]
fn current_nice() -> i32 {
    // SAFETY: getpriority only reads its integer arguments; `who = 0` is the calling thread.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashing_runs_on_low_priority_threads_not_the_callers() {
        let pool = HashingPool::new(1);
        let (nice, policy, name) = pool
            .run(|| {
                (
                    current_nice(),
                    // SAFETY: sched_getscheduler only reads its argument (0: this thread).
                    unsafe { libc::sched_getscheduler(0) },
                    std::thread::current().name().map(String::from),
                )
            })
            .await
            .unwrap();
        assert!(nice >= NICE, "nice {nice}");
        assert_eq!(policy, libc::SCHED_IDLE);
        assert_eq!(name.as_deref(), Some("password-hashing-0"));
    }
}
