//! The agent WebSocket (`GET /v1/agent/ws`, docs/agent-api.md): the dashboard's
//! live feed of its account — messages, conversations, typing, receipts and
//! agents' availability — and its channel for typing and read receipts.
//! Authenticated by the session cookie; the `Origin` must be this server's
//! own, so another site cannot open it with the agent's cookie. The session
//! is re-checked at every ping: a signed-out or removed agent's socket closes.

use axum::{
    extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade},
    response::{IntoResponse, Response},
};
use linktor_core::{
    agent::{AgentClientFrame, AgentServerFrame},
    api::Conversation,
    AccountId, ConversationId, Reader, Sender,
};
use linktor_store::AgentSession;
use std::time::Duration;
use tokio::{
    sync::{broadcast::error::RecvError, OwnedSemaphorePermit},
    time::Instant,
};

use super::{frame, frame_error, parse_frame, written, Flow, Incoming, RateLimit, IDLE_LIMIT, PING_EVERY};
use crate::{
    bus::{BusEvent, Topic},
    error::ApiResult,
    jobs::presence::announce_availability,
    metrics::KindLabel,
    state::SharedState,
};

/// After its last dashboard closes, an online agent stays available this long
/// (more than a ping interval, so another open tab keeps them present).
const LAPSE_AFTER_CLOSE: Duration = Duration::from_secs(30);

/// Dashboard frames are small: typing, read, ping.
const MAX_FRAME_BYTES: usize = 16 * 1024;

/// Opens the agent's socket on an accepted upgrade (the caller checked the
/// origin and the session, whose cookie `token` is re-checked at every ping,
/// and holds the connection limit's `permit`).
pub fn accept(st: SharedState, session: AgentSession, token: String, ws: WebSocketUpgrade, permit: OwnedSemaphorePermit) -> Response {
    ws.max_message_size(MAX_FRAME_BYTES * 4)
        .max_frame_size(MAX_FRAME_BYTES * 4)
        .on_upgrade(move |socket| async move {
            let kind = KindLabel { kind: "agent" };
            st.metrics.sockets.get_or_create(&kind).inc();
            let agent = session.agent;
            let sender = crate::services::sessions::agent_sender(&agent);
            AgentSocket { st: st.clone(), account: agent.account_id.clone(), sender, token, socket, rate: RateLimit::new(), last_heard: Instant::now() }
                .run(agent.api())
                .await;
            st.metrics.sockets.get_or_create(&kind).dec();
            drop(permit);
        })
        .into_response()
}

struct AgentSocket {
    st: SharedState,
    account: AccountId,
    /// How this agent appears in typing events.
    sender: Sender,
    /// The session's cookie token, re-checked at every ping.
    token: String,
    socket: WebSocket,
    rate: RateLimit,
    last_heard: Instant,
}

impl AgentSocket {
    async fn run(mut self, agent: linktor_core::agent::Agent) {
        let agent_id = agent.id.clone();
        let online = agent.availability == linktor_core::agent::Availability::Online;
        let mut events = Box::pin(self.st.bus.subscribe(&Topic::Account(self.account.clone()))).await;
        // An open dashboard makes an online agent available to visitors.
        self.seen(&agent_id, None).await;
        if online {
            let _ = announce_availability(&self.st, &self.account).await;
        }
        let mut shutdown = self.st.shutdown.clone();
        // Heard from at least three times per presence window.
        let every = PING_EVERY.min(self.st.config.agent_presence / 3);
        let mut ping = tokio::time::interval_at(Instant::now() + every, every);
        let mut flow = self.send(&AgentServerFrame::Ready { agent }).await;
        while let Flow::Continue = flow {
            flow = tokio::select! {
                incoming = self.socket.recv() => match incoming {
                    Some(Ok(msg)) => self.on_frame(msg).await,
                    _ => Flow::Close(None),
                },
                event = events.recv() => match event {
                    Ok(e) => self.on_event(&e).await,
                    // Missed events: the dashboard reconnects and reloads.
                    Err(RecvError::Lagged(_)) => Flow::Close(Some(CloseFrame { code: 1013, reason: "fell behind; reconnect".into() })),
                    Err(RecvError::Closed) => Flow::Close(None),
                },
                _ = ping.tick() => {
                    self.seen(&agent_id, None).await;
                    self.on_tick().await
                }
                _ = shutdown.changed() => Flow::Close(Some(CloseFrame { code: 1001, reason: "server shutting down".into() })),
            };
        }
        if let Flow::Close(Some(f)) = flow {
            let _ = self.socket.send(WsMessage::Close(Some(f))).await;
        }
        // Closed: available a little longer, in case another tab of theirs is
        // open (it is heard from within a ping) or this one reconnects.
        let lapse = LAPSE_AFTER_CLOSE.min(self.st.config.agent_presence);
        self.seen(&agent_id, Some(lapse.as_millis() as i64)).await;
    }

    async fn seen(&mut self, agent: &linktor_core::AgentId, lapse_in_ms: Option<i64>) {
        if let Err(e) = self.st.store.agent_seen(&self.account, agent, lapse_in_ms).await {
            tracing::warn!(error = %e, "recording agent presence failed");
        }
    }

    async fn send(&mut self, f: &AgentServerFrame) -> Flow {
        written(self.socket.send(frame(f)).await)
    }

    async fn on_tick(&mut self) -> Flow {
        if self.last_heard.elapsed() > IDLE_LIMIT {
            return Flow::Close(Some(CloseFrame { code: 1001, reason: "idle".into() }));
        }
        match self.st.store.session(&self.token).await {
            Ok(Some(_)) => {}
            Ok(None) => return Flow::Close(Some(CloseFrame { code: 4001, reason: "signed out".into() })),
            Err(e) => tracing::warn!(error = %e, "session check failed"),
        }
        written(self.socket.send(WsMessage::Ping(Default::default())).await)
    }

    async fn on_frame(&mut self, msg: WsMessage) -> Flow {
        self.last_heard = Instant::now();
        let parsed: AgentClientFrame = match parse_frame(msg, MAX_FRAME_BYTES, &mut self.rate) {
            Incoming::Frame(f) => f,
            Incoming::Skip => return Flow::Continue,
            Incoming::Close(c) => return Flow::Close(c),
            Incoming::Refuse(code, message) => return self.error(code, &message).await,
        };
        match self.handle(parsed).await {
            Ok(flow) => flow,
            Err(e) => {
                let (code, message) = frame_error(&e, "agent");
                self.error(code, &message).await
            }
        }
    }

    async fn error(&mut self, code: &str, message: &str) -> Flow {
        self.send(&AgentServerFrame::Error { code: code.into(), message: message.into() }).await
    }

    async fn conversation(&mut self, id: &ConversationId) -> ApiResult<Conversation> {
        Ok(self.st.store.conversation(&self.account, id).await?)
    }

    async fn handle(&mut self, parsed: AgentClientFrame) -> ApiResult<Flow> {
        Ok(match parsed {
            AgentClientFrame::Ping => self.send(&AgentServerFrame::Pong).await,
            AgentClientFrame::Typing { conversation_id, state } => {
                let c = self.conversation(&conversation_id).await?;
                self.st.typing(&self.account, &c.visitor_id, &c.id, self.sender.clone(), state).await;
                Flow::Continue
            }
            AgentClientFrame::Read { conversation_id, seq } => {
                let c = self.conversation(&conversation_id).await?;
                self.st.read(&self.account, &c.channel_id, &c.visitor_id, &c.id, Reader::Agent, seq).await?;
                Flow::Continue
            }
        })
    }

    async fn on_event(&mut self, event: &BusEvent) -> Flow {
        let f = match event {
            BusEvent::Message { visitor, channel, message } => {
                AgentServerFrame::Message { message: message.clone(), visitor_id: visitor.clone(), channel_id: channel.clone() }
            }
            BusEvent::Conversation { conversation } => AgentServerFrame::Conversation { conversation: conversation.clone() },
            // An agent's own typing is not news to them.
            BusEvent::Typing { sender, .. } if sender.id == self.sender.id => return Flow::Continue,
            BusEvent::Typing { visitor, conversation, sender, state } => {
                AgentServerFrame::Typing { conversation_id: conversation.clone(), visitor_id: visitor.clone(), sender: sender.clone(), state: *state }
            }
            BusEvent::Read { conversation, seq, reader, .. } => AgentServerFrame::Read { conversation_id: conversation.clone(), seq: *seq, reader: *reader },
            BusEvent::Delivered { conversation, seq, .. } => AgentServerFrame::Delivered { conversation_id: conversation.clone(), seq: *seq },
            BusEvent::AgentAvailability { agent, availability } => {
                AgentServerFrame::AgentAvailability { agent_id: agent.clone(), availability: *availability }
            }
            BusEvent::Activity { activity } => AgentServerFrame::Activity { activity: activity.clone() },
            BusEvent::Availability { .. } | BusEvent::Config { .. } => return Flow::Continue,
        };
        self.send(&f).await
    }
}
