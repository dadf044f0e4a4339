//! SIGTERM/SIGINT/SIGHUP, the same for every long-running subcommand (`run`,
//! `replay`, `produce`): the first signal cancels the token — finish what is in
//! flight, commit or checkpoint, exit — and a second one exits at once with 130.
//! SIGHUP (a closed terminal, or a tool that sends it to every process) would
//! otherwise kill the process where it stands, dropping what is in flight; dateline
//! has no configuration to reload, so it is a request to stop, like SIGTERM.

use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

/// Exit code after a second signal (128 + SIGINT, the shell convention).
pub const EXIT_SECOND_SIGNAL: i32 = 130;

/// Watch for signals on the current tokio runtime. `what` says, in the log line,
/// what the first signal does ("draining in-flight records").
pub async fn watch(token: CancellationToken, what: &'static str) {
    use tokio::signal::unix::{signal, SignalKind};
    let (mut term, mut int, mut hup) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) {
        (Ok(t), Ok(i), Ok(h)) => (t, i, h),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            error!(error = %e, "cannot install signal handlers");
            return;
        }
    };
    let first = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
        _ = hup.recv() => "SIGHUP",
    };
    info!(
        signal = first,
        "shutting down: {what} (send it again to exit at once)"
    );
    token.cancel();
    let second = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
        _ = hup.recv() => "SIGHUP",
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
