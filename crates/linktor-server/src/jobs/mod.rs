//! Work that runs beside the requests, one module each: the message writer
//! (batches messages into transactions), the webhook outbox (delivers and
//! retries), delivery receipts (batched), agents' presence and the retention
//! purge. Each runs until the shutdown signal and drains what it holds.

pub mod outbox;
pub mod presence;
pub mod receipts;
pub mod retention;
pub mod writer;
