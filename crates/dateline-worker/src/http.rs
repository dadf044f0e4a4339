//! The HTTP side: `/metrics`, `/healthz`, `/readyz`, and the health state behind
//! them.
//!
//! Why a module of its own: orchestrators act on these answers (restart on a
//! failing liveness probe, stop routing or alert on readiness), so what "alive"
//! and "ready" mean is decided here and nowhere else:
//!
//! - `/healthz` is 200 while the process serves HTTP. A broker outage is *not* a
//!   reason to restart the worker (it recovers by itself), so it does not fail.
//! - `/readyz` is 200 only when partitions are assigned, the broker answered the
//!   last probe, every topic the worker reads or writes exists (and may be
//!   described) and the worker is not shutting down; 503 with the reason otherwise
//!   (a broker that refused the worker's credentials or TLS handshake is told apart
//!   from one that does not answer: one is fixed by a person, the other by time).

use crate::Shared;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// What readiness is made of.
#[derive(Default)]
pub(crate) struct Health {
    broker_up: AtomicBool,
    /// The last connection attempt failed authentication (SASL) or the TLS
    /// handshake; cleared when the broker answers.
    refused: AtomicBool,
    assigned: AtomicUsize,
    /// An input topic is a pattern: with nothing assigned, it may match no topic.
    patterns: AtomicBool,
    /// How many of the worker's topics the broker probe last found missing or
    /// not authorized (deleted under a running worker, or an ACL withdrawn).
    missing_topics: AtomicUsize,
    stopping: AtomicBool,
    /// Records the broker refused as too large, now waiting to be re-sent: each
    /// holds back its partition's commits until an operator raises the topic's
    /// `max.message.bytes` (see [`Refused`]).
    too_large: Arc<AtomicUsize>,
}

/// Held by a record the broker refused as too large while it waits to be sent
/// again; `/readyz` is unready while any is held. Dropped when the record is
/// delivered at last or given up (its partition revoked, the worker stopped).
pub(crate) struct Refused(Arc<AtomicUsize>);

impl Drop for Refused {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Health {
    /// Returns whether the value changed.
    pub fn set_broker_up(&self, up: bool) -> bool {
        if up {
            self.refused.store(false, Ordering::SeqCst);
        }
        self.broker_up.swap(up, Ordering::SeqCst) != up
    }

    /// The broker refused the credentials or the TLS handshake.
    pub fn set_refused(&self) {
        self.refused.store(true, Ordering::SeqCst);
    }

    pub fn set_assigned(&self, n: usize) {
        self.assigned.store(n, Ordering::SeqCst);
    }

    pub fn set_patterns(&self, any: bool) {
        self.patterns.store(any, Ordering::SeqCst);
    }

    pub fn set_missing_topics(&self, n: usize) {
        self.missing_topics.store(n, Ordering::SeqCst);
    }

    /// A record was refused as too large: unready until the returned guard drops.
    pub fn refused_too_large(&self) -> Refused {
        self.too_large.fetch_add(1, Ordering::SeqCst);
        Refused(self.too_large.clone())
    }

    pub fn set_stopping(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// `Ok` when ready, else why not.
    pub fn ready(&self) -> Result<(), &'static str> {
        if self.stopping.load(Ordering::SeqCst) {
            Err("shutting down")
        } else if !self.broker_up.load(Ordering::SeqCst) {
            if self.refused.load(Ordering::SeqCst) {
                Err("Kafka cluster unreachable: authentication or TLS handshake failed (see the log)")
            } else {
                Err("Kafka cluster unreachable")
            }
        } else if self.missing_topics.load(Ordering::SeqCst) > 0 {
            Err("a topic the worker reads or writes is missing or not authorized (see the log)")
        } else if self.assigned.load(Ordering::SeqCst) == 0 {
            if self.patterns.load(Ordering::SeqCst) {
                Err("no partitions assigned (is there a topic the input pattern matches? see the log's `pattern matches`)")
            } else {
                Err("no partitions assigned")
            }
        } else if self.too_large.load(Ordering::SeqCst) > 0 {
            Err("the broker refuses a record as too large; its partition is stalled until the topic's max.message.bytes is raised (see the log)")
        } else {
            Ok(())
        }
    }
}

async fn metrics(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    // `dateline_ready` is derived from the health: set it now, so that a scrape
    // always agrees with `/readyz` (a guard dropped on revoke changes readiness
    // with no event that would refresh the gauge).
    shared.refresh_ready();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        shared.metrics.render(),
    )
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    match shared.health.ready() {
        Ok(()) => (StatusCode::OK, "ready\n".to_owned()),
        Err(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        ),
    }
}

/// Serves until `stop` is cancelled.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    stop: CancellationToken,
) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(shared);
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stop.cancelled_owned())
        .await
    {
        tracing::error!(error = %e, "metrics server stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_needs_everything() {
        let h = Health::default();
        assert_eq!(h.ready(), Err("Kafka cluster unreachable"));
        assert!(h.set_broker_up(true));
        assert!(!h.set_broker_up(true));
        assert_eq!(h.ready(), Err("no partitions assigned"));
        h.set_patterns(true);
        assert!(h.ready().unwrap_err().contains("input pattern"));
        h.set_patterns(false);
        h.set_assigned(2);
        assert_eq!(h.ready(), Ok(()));
        // A topic deleted under the worker: its partitions may stay assigned
        // until librdkafka's next metadata refresh, minutes later.
        h.set_missing_topics(1);
        assert!(h.ready().unwrap_err().contains("missing"));
        h.set_missing_topics(0);
        assert_eq!(h.ready(), Ok(()));
        h.set_stopping();
        assert_eq!(h.ready(), Err("shutting down"));
    }

    #[test]
    fn a_record_refused_as_too_large_is_unready_until_it_goes() {
        let h = Health::default();
        h.set_broker_up(true);
        h.set_assigned(1);
        assert_eq!(h.ready(), Ok(()));
        let first = h.refused_too_large();
        let second = h.refused_too_large();
        assert!(h.ready().unwrap_err().contains("too large"));
        drop(first);
        assert!(h.ready().is_err());
        drop(second);
        assert_eq!(h.ready(), Ok(()));
    }

    #[tokio::test]
    async fn a_scrape_sets_the_ready_gauge_to_what_readyz_says() {
        let m = Arc::new(crate::metrics::Metrics::new(&["in".into()], &["out"], None));
        let shared = Arc::new(Shared::new(m, crate::routing::OutputTopics::single("out")));
        shared.health.set_broker_up(true);
        shared.health.set_assigned(1);
        let held = shared.health.refused_too_large();
        shared.refresh_ready();
        assert_eq!(shared.metrics.ready.get(), 0);
        // Given up on revoke: readiness changes with no event to refresh the gauge.
        drop(held);
        let _ = metrics(State(shared.clone())).await.into_response();
        assert_eq!(shared.metrics.ready.get(), 1);
    }

    #[test]
    fn refused_credentials_are_told_apart_until_the_broker_answers() {
        let h = Health::default();
        h.set_refused();
        assert_eq!(
            h.ready(),
            Err("Kafka cluster unreachable: authentication or TLS handshake failed (see the log)")
        );
        h.set_broker_up(true);
        h.set_broker_up(false);
        assert_eq!(h.ready(), Err("Kafka cluster unreachable"));
    }
}
