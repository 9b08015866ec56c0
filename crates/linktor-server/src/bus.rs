//! The event bus: every delivery between connections (a visitor's message to
//! the agents watching, an API message to the visitor's sockets, typing,
//! receipts, availability) is published here and fanned out to subscribers.
//! In-process by default; with NATS, events travel through NATS subjects so
//! every node's subscribers get them, and handlers do not change.
//!
//! A topic exists while someone subscribes to it: the last `Subscription`
//! dropped removes it (and its NATS subscription).

use linktor_core::{
    api::Conversation, channel::WidgetConfig, AccountId, ChannelId, ConversationId, Message, Reader, Sender,
    TypingState, VisitorId,
};
use serde::{Deserialize, Serialize};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, Weak},
};
use tokio::sync::broadcast;

/// Slots per topic. A subscriber that falls further behind gets `Lagged` and
/// re-reads what it missed from storage. Every visitor has a topic, so
/// theirs are small; a channel's carries rare news to many sockets.
const VISITOR_TOPIC_CAPACITY: usize = 8;
const TOPIC_CAPACITY: usize = 16;
/// An account's topic carries every visitor's events to its agents: deeper,
/// so a burst does not make every dashboard reload.
const ACCOUNT_TOPIC_CAPACITY: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Everything a visitor's sockets show: its conversations' events.
    Visitor(VisitorId),
    /// Channel-wide news for its visitors: availability, configuration.
    Channel(ChannelId),
    /// Everything agents of an account watch.
    Account(AccountId),
}

impl Topic {
    fn subject(&self) -> String {
        match self {
            Topic::Visitor(id) => format!("linktor.visitor.{id}"),
            Topic::Channel(id) => format!("linktor.channel.{id}"),
            Topic::Account(id) => format!("linktor.account.{id}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum BusEvent {
    Message { visitor: VisitorId, channel: ChannelId, message: Message },
    Typing { visitor: VisitorId, conversation: ConversationId, sender: Sender, state: TypingState },
    Read { visitor: VisitorId, conversation: ConversationId, seq: i64, reader: Reader },
    Delivered { visitor: VisitorId, conversation: ConversationId, seq: i64 },
    Conversation { conversation: Conversation },
    Availability { channel: ChannelId, agents_online: bool },
    Config { config: WidgetConfig },
    /// An agent's availability changed (for other agents' dashboards).
    AgentAvailability { agent: linktor_core::AgentId, availability: linktor_core::agent::Availability },
    /// A note or system event in a conversation (for agents' dashboards only).
    Activity { activity: linktor_core::inbox::Activity },
}

struct TopicEntry {
    tx: broadcast::Sender<Arc<BusEvent>>,
    /// Forwards the NATS subject into `tx`; aborted when the topic goes.
    nats_task: Option<tokio::task::JoinHandle<()>>,
}

struct Inner {
    /// Keyed by subject; subscriptions share the key (one allocation per
    /// topic, not one per subscriber).
    topics: Mutex<HashMap<Arc<str>, TopicEntry>>,
    nats: Option<async_nats::Client>,
}

#[derive(Clone)]
pub struct Bus {
    inner: Arc<Inner>,
}

pub struct Subscription {
    rx: broadcast::Receiver<Arc<BusEvent>>,
    subject: Arc<str>,
    bus: Weak<Inner>,
}

impl Subscription {
    /// The next event; `Err(Lagged)` means some were dropped: re-sync from storage.
    pub async fn recv(&mut self) -> Result<Arc<BusEvent>, broadcast::error::RecvError> {
        self.rx.recv().await
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let Some(inner) = self.bus.upgrade() else { return };
        let mut topics = inner.topics.lock().expect("bus lock");
        // Our receiver still counts until this function returns.
        if topics.get(&*self.subject).is_some_and(|t| t.tx.receiver_count() <= 1) {
            if let Some(entry) = topics.remove(&*self.subject) {
                if let Some(task) = entry.nats_task {
                    task.abort();
                }
            }
        }
    }
}

impl Bus {
    pub fn in_process() -> Self {
        Self { inner: Arc::new(Inner { topics: Mutex::new(HashMap::new()), nats: None }) }
    }

    pub async fn nats(url: &str) -> anyhow::Result<Self> {
        let client = async_nats::connect(url).await.map_err(|e| anyhow::anyhow!("NATS at {url}: {e}"))?;
        Ok(Self { inner: Arc::new(Inner { topics: Mutex::new(HashMap::new()), nats: Some(client) }) })
    }

    pub fn is_distributed(&self) -> bool {
        self.inner.nats.is_some()
    }

    pub async fn publish(&self, topic: &Topic, event: BusEvent) {
        self.publish_arc(topic, Arc::new(event)).await
    }

    /// Publishes one event to several topics (serialised once for NATS).
    pub async fn publish_to(&self, topics: &[Topic], event: BusEvent) {
        let event = Arc::new(event);
        for t in topics {
            self.publish_arc(t, event.clone()).await;
        }
    }

    async fn publish_arc(&self, topic: &Topic, event: Arc<BusEvent>) {
        let subject = topic.subject();
        match &self.inner.nats {
            Some(nats) => {
                let payload = serde_json::to_vec(&*event).expect("bus events serialise");
                if let Err(e) = nats.publish(subject, payload.into()).await {
                    tracing::warn!(error = %e, "NATS publish failed");
                }
            }
            None => {
                let topics = self.inner.topics.lock().expect("bus lock");
                if let Some(entry) = topics.get(subject.as_str()) {
                    let _ = entry.tx.send(event);
                }
            }
        }
    }

    pub async fn subscribe(&self, topic: &Topic) -> Subscription {
        let subject = topic.subject();
        let (subject, rx, needs_nats) = {
            let mut topics = self.inner.topics.lock().expect("bus lock");
            match topics.get_key_value(subject.as_str()) {
                Some((key, entry)) => (key.clone(), entry.tx.subscribe(), false),
                None => {
                    let capacity = match topic {
                        Topic::Visitor(_) => VISITOR_TOPIC_CAPACITY,
                        Topic::Channel(_) => TOPIC_CAPACITY,
                        Topic::Account(_) => ACCOUNT_TOPIC_CAPACITY,
                    };
                    let (tx, rx) = broadcast::channel(capacity);
                    let key: Arc<str> = subject.into();
                    topics.insert(key.clone(), TopicEntry { tx, nats_task: None });
                    (key, rx, self.inner.nats.is_some())
                }
            }
        };
        if needs_nats {
            self.start_nats_forwarding(&subject).await;
        }
        Subscription { rx, subject, bus: Arc::downgrade(&self.inner) }
    }

    async fn start_nats_forwarding(&self, subject: &str) {
        let Some(nats) = &self.inner.nats else { return };
        let mut sub = match nats.subscribe(subject.to_owned()).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, subject, "NATS subscribe failed");
                return;
            }
        };
        // A round trip on this connection: once the server answered (here "no
        // responders"), it has processed the SUB before it, so events published
        // from now on reach us. `flush` only empties the local write buffer.
        let probe = format!("linktor.probe.{}", linktor_core::random_token(12));
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), nats.request(probe, bytes::Bytes::new())).await;
        let weak = Arc::downgrade(&self.inner);
        let subject_owned = subject.to_owned();
        let task = tokio::spawn(async move {
            use futures::StreamExt;
            while let Some(msg) = sub.next().await {
                let Ok(event) = serde_json::from_slice::<BusEvent>(&msg.payload) else {
                    tracing::warn!(subject = %subject_owned, "undecodable bus event");
                    continue;
                };
                let Some(inner) = weak.upgrade() else { return };
                let topics = inner.topics.lock().expect("bus lock");
                match topics.get(subject_owned.as_str()) {
                    Some(entry) => {
                        let _ = entry.tx.send(Arc::new(event));
                    }
                    None => return,
                }
            }
        });
        let mut topics = self.inner.topics.lock().expect("bus lock");
        match topics.get_mut(subject) {
            Some(entry) if entry.nats_task.is_none() => entry.nats_task = Some(task),
            _ => task.abort(),
        }
    }

    /// Number of live topics (for metrics and tests).
    pub fn topic_count(&self) -> usize {
        self.inner.topics.lock().expect("bus lock").len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: bool) -> BusEvent {
        BusEvent::Availability { channel: "ch_x".parse().unwrap(), agents_online: n }
    }

    async fn conformance(a: Bus, b: Bus) {
        let topic = Topic::Channel(ChannelId::generate());
        let mut s1 = a.subscribe(&topic).await;
        let mut s2 = b.subscribe(&topic).await;
        let other = b.subscribe(&Topic::Channel(ChannelId::generate())).await;
        a.publish(&topic, event(true)).await;
        b.publish(&topic, event(false)).await;
        for s in [&mut s1, &mut s2] {
            assert_eq!(*s.recv().await.unwrap(), event(true));
            assert_eq!(*s.recv().await.unwrap(), event(false));
        }
        drop(other);
        drop(s1);
        drop(s2);
        assert_eq!(a.topic_count(), 0);
        assert_eq!(b.topic_count(), 0);
    }

    #[tokio::test]
    async fn in_process_bus_fans_out_and_forgets_idle_topics() {
        let bus = Bus::in_process();
        conformance(bus.clone(), bus).await;
    }

    /// Two nodes, one NATS: what one publishes, the other's subscribers get.
    /// NATS registers a subscription asynchronously, so each direction is
    /// first published until heard (bounded), then checked in order.
    #[tokio::test]
    async fn nats_bus_carries_events_between_nodes() {
        use std::time::Duration;
        let url = std::env::var("LINKTOR_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
        let a = Bus::nats(&url).await.expect("NATS is required for this test");
        let b = Bus::nats(&url).await.expect("NATS is required for this test");
        let topic = Topic::Channel(ChannelId::generate());
        let mut on_a = a.subscribe(&topic).await;
        let mut on_b = b.subscribe(&topic).await;
        for (from, to) in [(&a, &mut on_b), (&b, &mut on_a)] {
            let mut heard = false;
            for _ in 0..50 {
                from.publish(&topic, event(true)).await;
                if let Ok(got) = tokio::time::timeout(Duration::from_millis(100), to.recv()).await {
                    assert_eq!(*got.unwrap(), event(true));
                    heard = true;
                    break;
                }
            }
            assert!(heard, "no event crossed NATS within 5 s");
        }
        // Drain the warm-up echoes, then one event reaches both nodes.
        for s in [&mut on_a, &mut on_b] {
            while tokio::time::timeout(Duration::from_millis(200), s.recv()).await.is_ok() {}
        }
        a.publish(&topic, event(false)).await;
        for s in [&mut on_a, &mut on_b] {
            let got = tokio::time::timeout(Duration::from_secs(5), s.recv()).await.expect("event within 5 s").unwrap();
            assert_eq!(*got, event(false));
        }
        drop(on_a);
        drop(on_b);
        assert_eq!((a.topic_count(), b.topic_count()), (0, 0));
    }
}
