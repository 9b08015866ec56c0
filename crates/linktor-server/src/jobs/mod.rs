//! Work that runs beside the requests, one module each: the message writer
//! (batches messages into transactions), the webhook outbox (delivers and
//! retries), delivery receipts (batched), agents' presence, the retention
//! purge, and email (the SMTP client and the worker that mails unread
//! business messages). Each runs until the shutdown signal and drains what
//! it holds.

pub mod email;
pub mod mailer;
pub mod outbox;
pub mod presence;
pub mod receipts;
pub mod retention;
pub mod writer;
