//! Messages stored per second by the store alone (no network), as the
//! server's message writer calls it: batches of `--batch` messages spread
//! over `--conversations` conversations, each message queued for a webhook.
//!
//! `without-search` drops the search index first (its triggers' share of the cost).
//!
//! cargo run --release -p linktor-store --features testing --example append_rate -- [batch] [conversations] [seconds] [without-search]

use linktor_core::{
    channel::ChannelSettings, webhook::WebhookEvent, Content, Direction, Sender, SenderType, VisitorUser,
};
use linktor_store::{testing::TestDb, NewMessage, NewVisitor};
use std::{collections::BTreeMap, time::Instant};

#[tokio::main]
async fn main() {
    let without_search = std::env::args().any(|a| a == "without-search");
    let args: Vec<usize> = std::env::args().skip(1).filter(|a| a != "without-search").map(|a| a.parse().unwrap_or_else(|_| panic!("usage: append_rate [batch] [conversations] [seconds], whole numbers; got `{a}`"))).collect();
    let (batch, conversations, seconds) = (args.first().copied().unwrap_or(40), args.get(1).copied().unwrap_or(200), args.get(2).copied().unwrap_or(3));
    let db = TestDb::sqlite().await;
    let store = &db.store;
    if without_search {
        store.drop_search_index().await.unwrap();
    }
    let account = store.create_account("Bench").await.unwrap();
    let channel = store.create_channel(&account, "Bench", &["example.com".into()], "en", &ChannelSettings::default()).await.unwrap().channel.id;
    store.create_webhook_endpoint(&account, "http://127.0.0.1:9/hook", &["message.received".into()]).await.unwrap();
    let mut convs = Vec::new();
    for _ in 0..conversations {
        let v = store
            .create_visitor(NewVisitor { account: &account, channel: &channel, user: VisitorUser::default(), verified_user_id: None, context: BTreeMap::new(), anonymize_ip: false, retention_days: None })
            .await
            .unwrap();
        convs.push((v.visitor.id.clone(), store.create_conversation(&account, &channel, &v.visitor.id, &BTreeMap::new(), |_| vec![]).await.unwrap().id));
    }
    let started = Instant::now();
    let (mut stored, mut n) = (0usize, 0usize);
    while started.elapsed().as_secs() < seconds as u64 {
        let messages = (0..batch)
            .map(|_| {
                n += 1;
                let (visitor, conversation) = convs[n % convs.len()].clone();
                let ch = channel.clone();
                NewMessage {
                    account: account.clone(),
                    conversation,
                    direction: Direction::Inbound,
                    sender: Sender { sender_type: SenderType::Visitor, id: visitor.to_string(), name: None, avatar: None },
                    content: Content::Text { text: "load".into() },
                    client_id: Some(format!("c{n}")),
                    reply_to: None,
                    events: Some(Box::new(move |m| {
                        vec![WebhookEvent::MessageReceived(linktor_core::webhook::MessageEvent {
                            id: m.id.clone(),
                            channel_id: ch.clone(),
                            channel_type: "webchat".into(),
                            direction: m.direction,
                            from: visitor.to_string(),
                            to: None,
                            content: m.content.clone(),
                            timestamp: m.created_at,
                            metadata: linktor_core::webhook::MessageEventMetadata { conversation_id: m.conversation_id.clone(), page: None },
                        })]
                    })),
                }
            })
            .collect();
        stored += store.append_messages(messages).await.unwrap().iter().filter(|r| matches!(r, Ok(a) if a.created)).count();
    }
    let secs = started.elapsed().as_secs_f64();
    println!("{stored} messages in {secs:.2} s: {:.0} per second, {:.1} µs each (batches of {batch}, {conversations} conversations{})", stored as f64 / secs, secs * 1e6 / stored as f64, if without_search { ", without the search index" } else { "" });
}
