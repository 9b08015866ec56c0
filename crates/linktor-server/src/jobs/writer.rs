//! The message writer: stores messages in batches, one transaction per batch,
//! and answers each sender only after its batch committed. Under load many
//! messages share one commit (one fsync on SQLite); when idle a message is
//! committed alone, at once. Messages of one conversation always go to the
//! same lane, so their order is kept.

pub use linktor_store::Appended;
use linktor_store::{Dialect, NewMessage, Store, StoreError};
use std::{sync::Arc, time::Instant};
use tokio::sync::{mpsc, oneshot};

use crate::metrics::Metrics;

/// Most messages in one transaction.
const MAX_BATCH: usize = 2048;
/// Queued messages per lane before senders wait (back-pressure).
const LANE_QUEUE: usize = 4096;

type Reply = oneshot::Sender<Result<Appended, StoreError>>;

#[derive(Clone)]
pub struct MessageWriter {
    lanes: Arc<Vec<mpsc::Sender<(NewMessage, Reply)>>>,
}

impl MessageWriter {
    /// Writers in parallel: one for SQLite (one writer at a time anyway),
    /// a few for PostgreSQL.
    ///
    /// SQLite runs where it is called, so its one lane has a thread of its
    /// own: a batch holds its thread for milliseconds, and on one of the
    /// runtime's two workers it held up every task queued behind it there
    /// (an API request, a socket's delivery) for as long.
    pub fn spawn(store: Store, metrics: Arc<Metrics>) -> std::io::Result<Self> {
        let own_thread = store.dialect() == Dialect::Sqlite;
        let lanes = if own_thread { 1 } else { 4 };
        let mut senders = Vec::new();
        for _ in 0..lanes {
            let (tx, rx) = mpsc::channel(LANE_QUEUE);
            let lane = run_lane(store.clone(), metrics.clone(), rx);
            if own_thread {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
                std::thread::Builder::new().name("message-writer".into()).spawn(move || runtime.block_on(lane))?;
            } else {
                tokio::spawn(lane);
            }
            senders.push(tx);
        }
        Ok(Self { lanes: Arc::new(senders) })
    }

    /// Stores one message; `created: false` for a resend of a known client id.
    pub async fn append(&self, message: NewMessage) -> Result<Appended, StoreError> {
        self.submit(message).await?.await
    }

    /// Queues one message now and returns what answers once it is stored:
    /// messages are stored in the order they were submitted, so a socket
    /// can have several in flight and still keep its messages in order.
    /// Waits only while the lane's queue is full (back-pressure).
    pub async fn submit(&self, message: NewMessage) -> Result<Pending, StoreError> {
        let lane = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            message.conversation.hash(&mut h);
            (h.finish() as usize) % self.lanes.len()
        };
        let (tx, rx) = oneshot::channel();
        self.lanes[lane].send((message, tx)).await.map_err(|_| stopped())?;
        Ok(Pending(rx))
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the message writer stopped".into())
}

/// A submitted message's answer, once its batch committed.
pub struct Pending(oneshot::Receiver<Result<Appended, StoreError>>);

impl std::future::Future for Pending {
    type Output = Result<Appended, StoreError>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx).map(|r| r.map_err(|_| stopped()).and_then(|r| r))
    }
}

async fn run_lane(store: Store, metrics: Arc<Metrics>, mut rx: mpsc::Receiver<(NewMessage, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Ends when every sender is gone (shutdown), after the last batch is stored.
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (messages, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let started = Instant::now();
        match store.append_messages(messages).await {
            Ok(results) => {
                metrics.store_batch_seconds.observe(started.elapsed().as_secs_f64());
                for (result, reply) in results.into_iter().zip(replies) {
                    if matches!(&result, Ok(a) if a.created) {
                        metrics.messages_stored.inc();
                    }
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "storing a batch of messages failed");
                // Every sender hears of it; a database that is away is temporary.
                let temporary = e.is_temporary();
                for reply in replies {
                    let answer = if temporary { StoreError::Unavailable(e.to_string()) } else { StoreError::Corrupt(format!("storing the batch failed: {e}")) };
                    let _ = reply.send(Err(answer));
                }
            }
        }
    }
}
