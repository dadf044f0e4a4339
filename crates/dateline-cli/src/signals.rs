//! SIGTERM/SIGINT, the same for every long-running subcommand (`run`, `replay`,
//! `produce`): the first signal cancels the token — finish what is in flight,
//! commit or checkpoint, exit — and a second one exits at once with 130.

use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

/// Exit code after a second signal (128 + SIGINT, the shell convention).
pub const EXIT_SECOND_SIGNAL: i32 = 130;

/// Watch for signals on the current tokio runtime. `what` says, in the log line,
/// what the first signal does ("draining in-flight records").
pub async fn watch(token: CancellationToken, what: &'static str) {
    use tokio::signal::unix::{signal, SignalKind};
    let (mut term, mut int) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(t), Ok(i)) => (t, i),
        (Err(e), _) | (_, Err(e)) => {
            error!(error = %e, "cannot install signal handlers");
            return;
        }
    };
    let first = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    info!(
        signal = first,
        "shutting down: {what} (send it again to exit at once)"
    );
    token.cancel();
    let second = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    warn!(signal = second, "second signal: exiting at once");
    std::process::exit(EXIT_SECOND_SIGNAL);
}

/// The same for synchronous commands: watch on a small thread of its own.
pub fn watch_in_thread(token: CancellationToken, what: &'static str) {
    std::thread::spawn(move || {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(watch(token, what)),
            Err(e) => error!(error = %e, "cannot start the signal watcher"),
        }
    });
}
