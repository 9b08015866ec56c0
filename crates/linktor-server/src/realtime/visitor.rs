//! The visitor WebSocket (`GET /v1/ws?token=…`, docs/protocol.md §3). One task
//! per socket owns it: it reads client frames in order, forwards bus events
//! for its visitor and channel, pings, and closes on shutdown. Messages are
//! forwarded strictly in `seq` order from `resume`'s `lastSeq`: a gap (a lagged
//! bus, a missed event) is filled from storage, so nothing is lost or doubled.

use axum::{
    extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade},
    response::{IntoResponse, Response},
};
use futures::{future::BoxFuture, stream::FuturesOrdered, FutureExt, SinkExt, StreamExt};
use linktor_core::{protocol::validate_client_id, ClientFrame, ConversationId, Direction, Reader, SenderType, ServerFrame};
use std::{pin::Pin, time::Duration};
use tokio::{
    sync::{broadcast::error::RecvError, OwnedSemaphorePermit},
    time::{Instant, Sleep},
};

use super::{frame, frame_error, parse_frame, written, Flow, Incoming, RateLimit, IDLE_LIMIT, PING_EVERY};
use crate::{
    bus::{BusEvent, Topic},
    error::{ApiError, ApiResult},
    metrics::KindLabel,
    services::messages::{VisitorCache, VisitorCtx, VisitorMessage, VisitorMessageStored},
    state::SharedState,
};

pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// What the WebSocket layer reads at most before giving up on a peer. Frames
/// between this and `MAX_FRAME_BYTES` are read whole, then refused with a
/// proper close (1009); beyond it the connection is simply dropped.
const HARD_FRAME_BYTES: usize = 1024 * 1024;
/// Delivery receipts are written at most this often per socket.
const DELIVERED_FLUSH: Duration = Duration::from_millis(250);
const CATCH_UP_PAGE: i64 = 200;
/// Messages a socket may have handed to the writer and not yet acknowledged:
/// past this, its next frames wait (the rate limit's burst is 40).
const MAX_IN_FLIGHT: usize = 32;
/// Acknowledgements queued before they are written without waiting for the
/// flush (about ten acks). The socket's write buffer keeps the capacity it
/// reached, so a socket that had a burst keeps up to twice this.
const ACK_WRITE_BYTES: usize = 4096;
/// The socket gauge's label; a constant, so the socket's task does not keep a copy.
const SOCKET_KIND: KindLabel = KindLabel { kind: "visitor" };

/// Opens the visitor's socket on an accepted upgrade (the checks are the
/// caller's: token, origin, the connection limit whose `permit` it holds).
pub fn accept(st: SharedState, ctx: VisitorCtx, ws: WebSocketUpgrade, permit: OwnedSemaphorePermit) -> Response {
    ws.max_message_size(HARD_FRAME_BYTES)
        .max_frame_size(HARD_FRAME_BYTES)
        // Small buffers: an idle socket must cost a few KB, not tungstenite's 128 KB default.
        // The read buffer is kept for the socket's life and grows to the largest
        // frame read, so it starts at the size of the usual frames (resume,
        // typing, read receipts); a larger one costs a second read.
        .read_buffer_size(128)
        // Frames queued without a flush (the acks of messages stored in one
        // batch) go out in one write up to this size; every send flushes.
        .write_buffer_size(ACK_WRITE_BYTES)
        .max_write_buffer_size(1024 * 1024)
        .on_upgrade(move |socket| {
            // Built here, boxed, so the task's future holds a pointer, not a
            // second copy of the socket state (idle sockets are most of memory).
            let visitor_socket = VisitorSocket::new(st.clone(), ctx, socket);
            async move {
                st.metrics.sockets.get_or_create(&SOCKET_KIND).inc();
                visitor_socket.run().await;
                st.metrics.sockets.get_or_create(&SOCKET_KIND).dec();
                drop(permit);
            }
        })
        .into_response()
}

struct VisitorSocket {
    st: SharedState,
    ctx: VisitorCtx,
    socket: WebSocket,
    /// The visitor's conversation, once there is one.
    conversation: Option<ConversationId>,
    /// Visitor and conversation records, so a message costs no reads.
    cache: Option<Box<VisitorCache>>,
    /// Highest message seq sent on this socket; `None` until `resume`.
    sent_seq: Option<i64>,
    /// Highest business-message seq sent but not yet recorded as delivered.
    undelivered: Option<i64>,
    /// When `undelivered` is written. A timer exists only while one waits, so
    /// an idle socket's task does not hold one.
    flush: Option<Pin<Box<Sleep>>>,
    rate: RateLimit,
    last_heard: Instant,
    /// Messages handed to the writer and not yet acknowledged, in the order
    /// they came: a visitor who sends several at once (a burst, the queue
    /// of an offline widget) waits for one commit, not one per message.
    /// Only while there are some: an idle socket holds none.
    in_flight: Option<Box<FuturesOrdered<BoxFuture<'static, InFlight>>>>,
}

/// A message in flight, by its client id, and once it is settled its answer:
/// stored, or refused before it reached the writer (answered in its turn,
/// after the messages sent before it).
type InFlight = (String, ApiResult<VisitorMessageStored>);

fn error_frame(code: &str, message: impl Into<String>, client_id: Option<String>) -> ServerFrame {
    ServerFrame::Error { code: code.into(), message: message.into(), client_id }
}

impl VisitorSocket {
    fn new(st: SharedState, ctx: VisitorCtx, socket: WebSocket) -> Box<Self> {
        Box::new(Self {
            st,
            ctx,
            socket,
            conversation: None,
            cache: None,
            sent_seq: None,
            undelivered: None,
            flush: None,
            rate: RateLimit::new(),
            last_heard: Instant::now(),
            in_flight: None,
        })
    }

    async fn run(mut self: Box<Self>) {
        // Boxed: subscribing (with NATS) is a large future, needed once.
        let mut visitor_events = Box::pin(self.st.bus.subscribe(&Topic::Visitor(self.ctx.visitor.clone()))).await;
        let mut channel_events = Box::pin(self.st.bus.subscribe(&Topic::Channel(self.ctx.channel.clone()))).await;
        let mut shutdown = self.st.shutdown.clone();
        let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
        let close = loop {
            let flushing = self.flush.is_some();
            let flush = self.flush.as_mut();
            let acking = self.in_flight.is_some();
            let reading = self.in_flight.as_ref().is_none_or(|f| f.len() < MAX_IN_FLIGHT);
            let in_flight = self.in_flight.as_mut();
            let flow = tokio::select! {
                // The handlers are boxed: their state (store and writer calls)
                // then takes memory only while a frame is handled, not in
                // every idle socket's task.
                incoming = self.socket.recv(), if reading => match incoming {
                    Some(Ok(msg)) => Box::pin(self.on_frame(msg)).await,
                    Some(Err(_)) => Flow::Close(None),
                    None => Flow::Close(None),
                },
                event = visitor_events.recv() => match event {
                    Ok(e) => Box::pin(self.on_event(&e)).await,
                    Err(RecvError::Lagged(_)) => Box::pin(self.catch_up()).await,
                    Err(RecvError::Closed) => Flow::Close(None),
                },
                event = channel_events.recv() => match event {
                    Ok(e) => Box::pin(self.on_event(&e)).await,
                    Err(RecvError::Lagged(_)) => Flow::Continue,
                    Err(RecvError::Closed) => Flow::Close(None),
                },
                _ = ping.tick() => {
                    if self.last_heard.elapsed() > IDLE_LIMIT {
                        Flow::Close(Some(CloseFrame { code: 1001, reason: "idle".into() }))
                    } else {
                        self.send_raw(WsMessage::Ping(Default::default())).await
                    }
                }
                stored = async { match in_flight { Some(f) => f.next().await, None => None } }, if acking => match stored {
                    Some(done) => Box::pin(self.answer_settled(done)).await,
                    None => {
                        self.in_flight = None;
                        Flow::Continue
                    }
                },
                _ = async { if let Some(timer) = flush { timer.await } }, if flushing => {
                    Box::pin(self.flush_delivered()).await;
                    Flow::Continue
                }
                _ = shutdown.changed() => Flow::Close(Some(CloseFrame { code: 1001, reason: "server shutting down".into() })),
            };
            if let Flow::Close(frame) = flow {
                break frame;
            }
        };
        // Closed by the server (shutdown, idle): what is in flight is acknowledged first.
        let drained = match close {
            Some(_) => self.drain().await,
            None => Flow::Close(None),
        };
        self.flush_delivered().await;
        if let (Some(frame), Flow::Continue) = (close, drained) {
            let _ = self.socket.send(WsMessage::Close(Some(frame))).await;
        }
    }

    /// Answers `done` and every other message in flight that is already
    /// settled, in order, then writes them at once: the messages of a window
    /// stored in one batch are acknowledged in one write, not one each.
    async fn answer_settled(&mut self, mut done: InFlight) -> Flow {
        loop {
            if let Flow::Close(f) = self.on_stored(done).await {
                return Flow::Close(f);
            }
            match self.in_flight.as_mut().and_then(|f| f.next().now_or_never()) {
                Some(Some(next)) => done = next,
                Some(None) => {
                    self.in_flight = None;
                    break;
                }
                None => break,
            }
        }
        written(self.socket.flush().await)
    }

    /// A stored (or refused) message in flight: its answer is queued, in
    /// order, for `answer_settled` to write.
    async fn on_stored(&mut self, (client_id, answer): InFlight) -> Flow {
        if self.in_flight.as_ref().is_some_and(|f| f.is_empty()) {
            self.in_flight = None;
        }
        match answer {
            Ok(stored) => {
                if let Some(conversation) = stored.reopened {
                    self.cache.get_or_insert_with(Default::default).conversation = Some(conversation);
                }
                let message = stored.message;
                self.conversation = Some(message.conversation_id.clone());
                self.acked(&message);
                self.queue(ServerFrame::Ack { client_id, message: Some(message) }).await
            }
            Err(e) => {
                let (code, message) = frame_error(&e, "visitor");
                self.queue(error_frame(code, message, Some(client_id))).await
            }
        }
    }

    /// Acknowledges every message in flight, before a frame whose effect must follow theirs.
    async fn drain(&mut self) -> Flow {
        while let Some(pending) = self.in_flight.as_mut() {
            match pending.next().await {
                Some(done) => {
                    if let Flow::Close(f) = Box::pin(self.answer_settled(done)).await {
                        return Flow::Close(f);
                    }
                }
                None => self.in_flight = None,
            }
        }
        Flow::Continue
    }

    /// Serialises `f` before the send starts, so a caller's future does not
    /// hold the frame (up to 424 bytes) across the await.
    fn send(&mut self, f: ServerFrame) -> impl std::future::Future<Output = Flow> + '_ {
        self.send_raw(frame(&f))
    }

    /// Like `send`, without the flush: written once `ACK_WRITE_BYTES` are
    /// queued or at the next flush.
    fn queue(&mut self, f: ServerFrame) -> impl std::future::Future<Output = Flow> + '_ {
        let m = frame(&f);
        async move { written(self.socket.feed(m).await) }
    }

    async fn send_raw(&mut self, m: WsMessage) -> Flow {
        written(self.socket.send(m).await)
    }

    async fn on_frame(&mut self, msg: WsMessage) -> Flow {
        self.last_heard = Instant::now();
        let parsed: ClientFrame = match parse_frame(msg, MAX_FRAME_BYTES, &mut self.rate) {
            Incoming::Frame(f) => f,
            Incoming::Skip => return Flow::Continue,
            Incoming::Close(c) => return Flow::Close(c),
            Incoming::Refuse(code, message) => return self.send(error_frame(code, message, None)).await,
        };
        let client_id = match &parsed {
            ClientFrame::MessageSend { client_id, .. }
            | ClientFrame::ButtonClick { client_id, .. }
            | ClientFrame::FormSubmit { client_id, .. } => Some(client_id.clone()),
            _ => None,
        };
        // Messages go on while earlier ones are stored; a frame whose effect
        // must follow theirs (a click, a form, a resume, a profile) waits for them.
        let independent = matches!(parsed, ClientFrame::MessageSend { .. } | ClientFrame::Typing { .. } | ClientFrame::Read { .. } | ClientFrame::Ping);
        if !independent {
            if let Flow::Close(f) = self.drain().await {
                return Flow::Close(f);
            }
        }
        let handled = match parsed {
            // `run` boxes this function, and a box is as large as its largest
            // state. Every socket sends `resume` at once (a page load, a server
            // restart), so that path stays inline and small (600 bytes in all);
            // the other frames' state (5.5 KB: message writes) is boxed apart.
            ClientFrame::Resume { last_seq } => self.resume(last_seq).await,
            other => Box::pin(self.handle(other)).await,
        };
        match (handled, client_id) {
            (Ok(flow), _) => flow,
            // Answers to a socket's messages keep the order they were sent in.
            (Err(e), Some(client_id)) if self.in_flight.is_some() => {
                self.in_flight.get_or_insert_with(Default::default).push_back(Box::pin(std::future::ready((client_id, Err(e)))));
                Flow::Continue
            }
            (Err(e), client_id) => {
                let (code, message) = frame_error(&e, "visitor");
                self.send(error_frame(code, message, client_id)).await
            }
        }
    }

    async fn resume(&mut self, last_seq: i64) -> ApiResult<Flow> {
        let st = self.st.clone();
        // Only the id and seq are kept: the record is not held across the awaits below.
        let (conversation, last) = match st.store.current_conversation(&self.ctx.account, &self.ctx.visitor).await? {
            Some(c) => (Some(c.id), c.last_seq),
            None => (None, 0),
        };
        self.conversation = conversation;
        self.sent_seq = Some(last_seq.clamp(0, last));
        let read_seq = match &self.conversation {
            Some(c) => st.store.receipts(&self.ctx.account, c).await?.1,
            None => 0,
        };
        let agents_online = st.store.agents_online(&self.ctx.account).await?;
        let ready = ServerFrame::Ready {
            visitor_id: self.ctx.visitor.clone(),
            conversation_id: self.conversation.clone(),
            last_seq: last,
            read_seq,
            agents_online,
        };
        if let Flow::Close(f) = self.send(ready).await {
            return Ok(Flow::Close(f));
        }
        // Boxed, like `handle`: its state is not part of every resume's.
        Ok(Box::pin(self.catch_up()).await)
    }

    async fn handle(&mut self, parsed: ClientFrame) -> ApiResult<Flow> {
        let st = self.st.clone();
        Ok(match parsed {
            ClientFrame::Ping => self.send(ServerFrame::Pong).await,
            ClientFrame::Resume { .. } => unreachable!("on_frame handles resume"),
            ClientFrame::MessageSend { client_id, content } => {
                validate_client_id(&client_id)?;
                if matches!(content, linktor_core::Content::Interactive { .. } | linktor_core::Content::Card { .. }) {
                    return Err(ApiError::Validation(linktor_core::ValidationError::new(
                        "content.type",
                        "visitors send text, image or file",
                    )));
                }
                if let linktor_core::Content::Image { image } = &content {
                    self.check_own_file(&image.url)?;
                }
                if let linktor_core::Content::File { file } = &content {
                    self.check_own_file(&file.url)?;
                }
                // A conversation to start or reopen: what is in flight is acknowledged first.
                let cache = self.cache.get_or_insert_with(Default::default);
                if cache.conversation.as_ref().is_none_or(|c| c.status != linktor_core::ConversationStatus::Open) {
                    if let Flow::Close(f) = self.drain().await {
                        return Ok(Flow::Close(f));
                    }
                }
                let cache = self.cache.get_or_insert_with(Default::default);
                // Queued now, so the writer stores this socket's messages in the order they came.
                let msg = VisitorMessage { client_id: client_id.clone(), content, reply_to: None, events: vec![] };
                let stored = st.send_visitor_message(&self.ctx, cache, msg).await?;
                self.in_flight.get_or_insert_with(Default::default).push_back(Box::pin(async move { (client_id, stored.await) }));
                Flow::Continue
            }
            ClientFrame::ButtonClick { message_id, button_id, client_id } => {
                validate_client_id(&client_id)?;
                let message = st.button_click(&self.ctx, &message_id, &button_id, client_id.clone()).await?;
                self.acked(&message);
                self.send(ServerFrame::Ack { client_id, message: Some(message) }).await
            }
            ClientFrame::FormSubmit { form, fields, client_id } => {
                validate_client_id(&client_id)?;
                let channel = st.store.channel_any_account(&self.ctx.channel).await?;
                let message = st.form_submit(&self.ctx, &channel, form, fields, client_id.clone()).await?;
                if let Some(m) = &message {
                    self.acked(m);
                }
                self.send(ServerFrame::Ack { client_id, message }).await
            }
            ClientFrame::Typing { state } => {
                if let Some(conversation) = &self.conversation {
                    let sender = linktor_core::Sender {
                        sender_type: SenderType::Visitor,
                        id: self.ctx.visitor.to_string(),
                        name: None,
                        avatar: None,
                    };
                    st.typing(&self.ctx.account, &self.ctx.visitor, conversation, sender, state).await;
                }
                Flow::Continue
            }
            ClientFrame::Read { seq } => {
                if let Some(conversation) = self.conversation.clone() {
                    st.read(&self.ctx.account, &self.ctx.channel, &self.ctx.visitor, &conversation, Reader::Visitor, seq).await?;
                }
                Flow::Continue
            }
            ClientFrame::UserUpdate { user } => {
                user.validate()?;
                let mut visitor = st.store.visitor(&self.ctx.account, &self.ctx.visitor).await?;
                visitor.visitor.user.merge(user);
                visitor.visitor.user.validate()?;
                st.store
                    .update_visitor(&self.ctx.account, &self.ctx.visitor, &visitor.visitor.user, &visitor.visitor.context, None)
                    .await?;
                if let Some(cache) = &mut self.cache {
                    cache.visitor = Some(visitor);
                }
                Flow::Continue
            }
            ClientFrame::SatisfactionSubmit { rating, comment } => {
                st.rate(&self.ctx.account, &self.ctx.visitor, rating, comment).await?;
                Flow::Continue
            }
            ClientFrame::Page { url, title } => {
                st.page_viewed(&self.ctx.account, &self.ctx.visitor, &url, title.as_deref()).await?;
                Flow::Continue
            }
        })
    }

    /// The `ack` carries the stored message, so this socket counts it as
    /// sent when it is the next one in order: its echo on the bus is then
    /// not sent again here (the visitor's other tabs still get it). When a
    /// message it has not sent yet comes first, the echo follows as usual,
    /// so nothing is skipped.
    fn acked(&mut self, message: &linktor_core::Message) {
        if self.sent_seq == Some(message.seq - 1) && self.conversation.as_ref() == Some(&message.conversation_id) {
            self.sent_seq = Some(message.seq);
        }
    }

    /// Visitors may only attach files uploaded through this server.
    fn check_own_file(&self, url: &str) -> ApiResult<()> {
        let prefix = format!("{}/v1/files/file_", self.st.config.public_url);
        if !url.starts_with(&prefix) {
            return Err(ApiError::Validation(linktor_core::ValidationError::new(
                "content.url",
                "attach files with the upload endpoint",
            )));
        }
        Ok(())
    }

    async fn on_event(&mut self, event: &BusEvent) -> Flow {
        match event {
            BusEvent::Message { message, .. } => {
                self.conversation.get_or_insert_with(|| message.conversation_id.clone());
                match self.sent_seq {
                    None => Flow::Continue,
                    Some(sent) if message.seq <= sent => Flow::Continue,
                    Some(sent) if message.seq == sent + 1 => {
                        self.sent_seq = Some(message.seq);
                        self.note_delivered(message.direction, message.seq);
                        self.send(ServerFrame::Message { message: message.clone() }).await
                    }
                    Some(_) => self.catch_up().await,
                }
            }
            BusEvent::Typing { sender, state, .. } if sender.sender_type != SenderType::Visitor => {
                self.send(ServerFrame::Typing { state: *state, sender: sender.clone() }).await
            }
            BusEvent::Read { seq, reader: Reader::Agent, .. } => self.send(ServerFrame::Read { seq: *seq, reader: Reader::Agent }).await,
            BusEvent::Conversation { conversation } => {
                if let Some(cache) = &mut self.cache {
                    cache.conversation = Some(conversation.clone());
                }
                if self.conversation.as_ref() != Some(&conversation.id) {
                    // Another conversation's seqs start again at 1.
                    self.sent_seq = self.sent_seq.map(|_| 0);
                    self.conversation = Some(conversation.id.clone());
                }
                // A failed read only leaves the survey out; the conversation still goes.
                let satisfaction_requested =
                    self.st.satisfaction_requested(&self.ctx.account, &self.ctx.channel, conversation).await.unwrap_or(false);
                let r = linktor_core::ConversationRef {
                    id: conversation.id.clone(),
                    status: conversation.status,
                    last_seq: conversation.last_seq,
                    satisfaction_requested,
                };
                self.send(ServerFrame::Conversation { conversation: r }).await
            }
            BusEvent::Availability { agents_online, .. } => {
                self.send(ServerFrame::Availability { agents_online: *agents_online }).await
            }
            BusEvent::Config { config } => self.send(ServerFrame::Config { config: config.clone() }).await,
            _ => Flow::Continue,
        }
    }

    /// Sends every stored message after `sent_seq`, in order.
    async fn catch_up(&mut self) -> Flow {
        let (Some(mut sent), Some(conversation)) = (self.sent_seq, self.conversation.clone()) else {
            return Flow::Continue;
        };
        loop {
            let page = match self.st.store.messages_after(&self.ctx.account, &conversation, sent, CATCH_UP_PAGE).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "catch-up read failed");
                    return Flow::Close(Some(CloseFrame { code: 1011, reason: "try again".into() }));
                }
            };
            let full = page.len() as i64 == CATCH_UP_PAGE;
            for message in page {
                sent = message.seq;
                self.sent_seq = Some(sent);
                self.note_delivered(message.direction, message.seq);
                if let Flow::Close(f) = self.send(ServerFrame::Message { message }).await {
                    return Flow::Close(f);
                }
            }
            if !full {
                return Flow::Continue;
            }
        }
    }

    fn note_delivered(&mut self, direction: Direction, seq: i64) {
        if direction == Direction::Outbound {
            self.undelivered = Some(seq);
            self.flush.get_or_insert_with(|| Box::pin(tokio::time::sleep(DELIVERED_FLUSH)));
        }
    }

    async fn flush_delivered(&mut self) {
        self.flush = None;
        let (Some(seq), Some(conversation)) = (self.undelivered.take(), self.conversation.clone()) else { return };
        let receipt = crate::jobs::receipts::Delivered {
            account: self.ctx.account.clone(),
            channel: self.ctx.channel.clone(),
            visitor: self.ctx.visitor.clone(),
            conversation,
            seq,
        };
        let _ = self.st.delivered.send(receipt).await;
    }
}
