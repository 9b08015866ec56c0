//! One storage suite, run unchanged against SQLite and PostgreSQL: each test
//! below becomes `sqlite::name` and `postgres::name`, each on a database of
//! its own. A behaviour that differs between the two is a bug caught here.

use linktor_core::{
    api::DeliveryAttempt, channel::ChannelSettings, webhook::*, AccountId, ChannelId, Content, ConversationStatus, Direction,
    Message, Sender, SenderType, VisitorUser,
};
use linktor_store::{testing::Backend, AgentRole, Availability, testing::TestDb, AttemptOutcome, ConversationFilter, NewMessage, NewVisitor, Store, StoreError};
use linktor_store::db::query;
use std::collections::BTreeMap;

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { let db = super::TestDb::new(super::Backend::Sqlite).await; super::$name(&db.store).await; } )* }
        mod postgres { $( #[tokio::test] async fn $name() { let db = super::TestDb::new(super::Backend::Postgres).await; super::$name(&db.store).await; } )* }
    };
}

conformance!(
    api_keys_are_hashed_and_revocable,
    channels_belong_to_one_account,
    verified_users_map_to_one_visitor,
    messages_get_increasing_seqs_and_resends_are_not_duplicates,
    concurrent_appends_never_share_a_seq,
    receipts_move_forward_only,
    outbox_queues_claims_and_retries,
    deliveries_are_born_claimed_and_handed_over,
    conversations_filter_and_search,
    server_secret_is_stable,
    retention_purges_old_conversations_only,
    sessions_sign_in_and_out,
    removed_agents_lose_sessions_and_assignments,
    inbox_summaries_and_analytics,
    one_batch_mixes_conversations_resends_and_missing_ones,
    a_large_batch_spans_statement_chunks,
    a_failed_statement_leaves_nothing_of_its_transaction,
    a_visitor_is_found_with_its_channel_and_current_conversation,
    labels_are_per_account_and_filter_conversations,
    saved_replies_have_unique_shortcuts,
    activity_keeps_notes_and_assignment_events,
    round_robin_takes_the_agent_who_waited_longest,
    a_resolution_is_rated_once_and_counted,
    page_views_keep_the_latest,
    retention_takes_what_belongs_to_a_conversation,
    search_finds_words_and_prefixes_in_any_content,
    search_finds_visitors_and_form_answers,
    search_never_crosses_accounts,
    search_takes_hostile_queries_as_words,
    search_forgets_deleted_conversations,
    search_orders_and_pages_like_the_list,
    search_index_is_backfilled_on_upgrade,
    email_looks_are_claimed_once_and_marks_move_once,
    email_opt_outs_and_the_log,
    a_business_message_schedules_its_email_look_as_it_is_stored,
);

struct Fixture {
    account: AccountId,
    channel: linktor_core::ChannelId,
    visitor: linktor_core::VisitorId,
    conversation: linktor_core::ConversationId,
}

async fn fixture(store: &Store) -> Fixture {
    let account = store.create_account("Acme").await.unwrap();
    let ch = store
        .create_channel(&account, "Website Chat", &["example.com".into()], "en", &ChannelSettings::default())
        .await
        .unwrap();
    let user = VisitorUser { name: Some("John Doe".into()), email: Some("john@example.com".into()), ..Default::default() };
    let v = store.create_visitor(plain_visitor(&account, &ch.channel.id, user)).await.unwrap();
    let conv = store
        .create_conversation(&account, &ch.channel.id, &v.visitor.id, &BTreeMap::new(), |_| vec![])
        .await
        .unwrap();
    Fixture { account, channel: ch.channel.id, visitor: v.visitor.id, conversation: conv.id }
}

/// A visitor with `user`, unverified, no page context, its IP kept, no retention limit.
fn plain_visitor<'a>(account: &'a AccountId, channel: &'a ChannelId, user: VisitorUser) -> NewVisitor<'a> {
    NewVisitor { account, channel, user, verified_user_id: None, context: BTreeMap::new(), anonymize_ip: false, retention_days: None }
}

fn text_message(f: &Fixture, client_id: Option<&str>, text: &str) -> NewMessage {
    NewMessage {
        account: f.account.clone(),
        conversation: f.conversation.clone(),
        direction: Direction::Inbound,
        sender: Sender { sender_type: SenderType::Visitor, id: f.visitor.to_string(), name: None, avatar: None },
        content: Content::Text { text: text.into() },
        client_id: client_id.map(str::to_owned),
        reply_to: None,
        events: None,
    }
}

async fn append(store: &Store, m: NewMessage) -> (Message, bool) {
    let appended = store.append_messages(vec![m]).await.unwrap().pop().unwrap().unwrap();
    (appended.message, appended.created)
}

async fn api_keys_are_hashed_and_revocable(store: &Store) {
    let account = store.create_account("Acme").await.unwrap();
    let (key, secret) = store.create_api_key(&account, "backend").await.unwrap();
    assert!(secret.starts_with(&key.prefix));
    assert_eq!(store.authenticate_api_key(&secret).await.unwrap(), Some(account.clone()));
    assert_eq!(store.authenticate_api_key("lk_wrong").await.unwrap(), None);
    // Only the hash is stored.
    let stored: Vec<String> = query("SELECT key_hash FROM api_keys").fetch_all(store.pool()).await.unwrap().iter().map(|r| r.try_get::<String, _>(0).unwrap()).collect();
    assert!(!stored.is_empty() && stored.iter().all(|h| !h.contains(&secret)));
    let other = store.create_account("Other").await.unwrap();
    assert!(matches!(store.revoke_api_key(&other, &key.id).await, Err(StoreError::NotFound)));
    store.revoke_api_key(&account, &key.id).await.unwrap();
    assert_eq!(store.authenticate_api_key(&secret).await.unwrap(), None);
}

async fn channels_belong_to_one_account(store: &Store) {
    let a = store.create_account("A").await.unwrap();
    let b = store.create_account("B").await.unwrap();
    let mut settings = ChannelSettings::default();
    settings.appearance.primary_color = "#112233".into();
    let ch = store.create_channel(&a, "Chat", &["example.com".into(), "*.example.com".into()], "en", &settings).await.unwrap();
    assert_eq!(ch.channel.settings.appearance.primary_color, "#112233");
    assert_eq!(ch.channel.allowed_domains, vec!["example.com", "*.example.com"]);
    assert!(matches!(store.channel(&b, &ch.channel.id).await, Err(StoreError::NotFound)));
    assert_eq!(store.list_channels(&b).await.unwrap().len(), 0);
    let mut updated = ch.channel.clone();
    updated.name = "Renamed".into();
    assert!(matches!(store.update_channel(&b, &updated).await, Err(StoreError::NotFound)));
    assert_eq!(store.update_channel(&a, &updated).await.unwrap().channel.name, "Renamed");
    let old_secret = ch.identity_secret.clone();
    assert_ne!(store.rotate_identity_secret(&a, &ch.channel.id).await.unwrap(), old_secret);
    assert!(matches!(store.delete_channel(&b, &ch.channel.id).await, Err(StoreError::NotFound)));
    store.delete_channel(&a, &ch.channel.id).await.unwrap();
    assert!(matches!(store.channel_any_account(&ch.channel.id).await, Err(StoreError::NotFound)));
}

async fn verified_users_map_to_one_visitor(store: &Store) {
    let f = fixture(store).await;
    let new = |verified: Option<&str>| NewVisitor {
        account: &f.account,
        channel: &f.channel,
        user: VisitorUser { id: Some("user_123".into()), ..Default::default() },
        verified_user_id: verified.map(str::to_owned),
        context: BTreeMap::from([("page".to_owned(), "/pricing".to_owned())]),
        anonymize_ip: true,
        retention_days: Some(30),
    };
    let v = store.create_visitor(new(Some("user_123"))).await.unwrap();
    assert!(v.visitor.identity_verified);
    assert_eq!(v.retention_days, Some(30));
    let found = store.visitor_by_verified_user(&f.channel, "user_123").await.unwrap().unwrap();
    assert_eq!(found.visitor.id, v.visitor.id);
    // An unverified claim of the same id is another visitor.
    let claim = store.create_visitor(new(None)).await.unwrap();
    assert_ne!(claim.visitor.id, v.visitor.id);
    assert!(!claim.visitor.identity_verified);
    // A second verified visitor with the same id cannot exist.
    assert!(store.create_visitor(new(Some("user_123"))).await.is_err());
    let other = store.create_account("Other").await.unwrap();
    assert!(matches!(store.visitor(&other, &v.visitor.id).await, Err(StoreError::NotFound)));
}

async fn messages_get_increasing_seqs_and_resends_are_not_duplicates(store: &Store) {
    let f = fixture(store).await;
    let (m1, new1) = append(store, text_message(&f, Some("c1"), "Hello")).await;
    let (m2, _) = append(store, text_message(&f, Some("c2"), "<script>alert(1)</script>")).await;
    assert!(new1);
    assert_eq!((m1.seq, m2.seq), (1, 2));
    let (again, new_again) = append(store, text_message(&f, Some("c1"), "Hello")).await;
    assert!(!new_again);
    assert_eq!(again.id, m1.id);
    let all = store.messages_after(&f.account, &f.conversation, 0, 100).await.unwrap();
    assert_eq!(all.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(all[1].content, Content::Text { text: "<script>alert(1)</script>".into() });
    assert_eq!(store.messages_after(&f.account, &f.conversation, 1, 100).await.unwrap().len(), 1);
    assert_eq!(store.messages_before(&f.account, &f.conversation, 3, 1).await.unwrap()[0].seq, 2);
    // Another account cannot append to or read this conversation.
    let other = store.create_account("Other").await.unwrap();
    let mut foreign = text_message(&f, Some("c3"), "hi");
    foreign.account = other.clone();
    assert!(matches!(store.append_messages(vec![foreign]).await.unwrap()[0], Err(StoreError::NotFound)));
    assert!(store.messages_after(&other, &f.conversation, 0, 100).await.unwrap().is_empty());
    assert_eq!(store.conversation(&f.account, &f.conversation).await.unwrap().last_seq, 2);
}

async fn concurrent_appends_never_share_a_seq(store: &Store) {
    let f = fixture(store).await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let store = store.clone();
            let m = text_message(&f, Some(&format!("c{}", i % 20)), "x");
            tokio::spawn(async move { store.append_messages(vec![m]).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap().pop().unwrap().unwrap();
    }
    let all = store.messages_after(&f.account, &f.conversation, 0, 1000).await.unwrap();
    assert_eq!(all.len(), 20, "20 distinct client ids, each stored once");
    let mut seqs: Vec<i64> = all.iter().map(|m| m.seq).collect();
    seqs.dedup();
    assert_eq!(seqs.len(), 20);
}

async fn receipts_move_forward_only(store: &Store) {
    let f = fixture(store).await;
    for i in 0..3 {
        let mut m = text_message(&f, None, &format!("agent {i}"));
        m.direction = Direction::Outbound;
        m.sender = Sender { sender_type: SenderType::Api, id: "api".into(), name: None, avatar: None };
        append(store, m).await;
    }
    let up = store.mark_receipt(&f.account, &f.conversation, Direction::Outbound, true, 2, |_, _| vec![]).await.unwrap();
    assert_eq!((up.seq, up.messages.len()), (2, 2));
    let back = store.mark_receipt(&f.account, &f.conversation, Direction::Outbound, true, 1, |_, _| vec![]).await.unwrap();
    assert_eq!((back.seq, back.messages.len()), (2, 0));
    // A seq beyond the conversation is ignored, not trusted.
    let beyond = store.mark_receipt(&f.account, &f.conversation, Direction::Outbound, true, 99, |_, _| vec![]).await.unwrap();
    assert_eq!(beyond.seq, 2);
    let msgs = store.messages_after(&f.account, &f.conversation, 0, 10).await.unwrap();
    assert_eq!(msgs[0].status, linktor_core::MessageStatus::Read);
    assert_eq!(msgs[2].status, linktor_core::MessageStatus::Sent);
    assert_eq!(store.receipts(&f.account, &f.conversation).await.unwrap().0, 2);
    let other = store.create_account("Other").await.unwrap();
    assert!(store.mark_receipt(&other, &f.conversation, Direction::Outbound, true, 3, |_, _| vec![]).await.is_err());
}

async fn outbox_queues_claims_and_retries(store: &Store) {
    let f = fixture(store).await;
    let all = store.create_webhook_endpoint(&f.account, "http://127.0.0.1:9/all", &[]).await.unwrap();
    let only_sent = store.create_webhook_endpoint(&f.account, "http://127.0.0.1:9/sent", &["message.sent".into()]).await.unwrap();
    assert!(all.secret.starts_with("whsec_"));
    let mut m = text_message(&f, Some("c1"), "Do you offer enterprise pricing?");
    let (channel, visitor) = (f.channel.clone(), f.visitor.clone());
    m.events = Some(Box::new(move |msg: &Message| {
        vec![WebhookEvent::MessageReceived(MessageEvent {
            id: msg.id.clone(),
            channel_id: channel.clone(),
            channel_type: "webchat".into(),
            direction: Direction::Inbound,
            from: visitor.to_string(),
            to: None,
            content: msg.content.clone(),
            timestamp: msg.created_at,
            metadata: MessageEventMetadata { conversation_id: msg.conversation_id.clone(), page: None },
        })]
    }));
    append(store, m).await;
    let claimed = store.claim_due_deliveries(10, 30_000).await.unwrap();
    assert_eq!(claimed.len(), 1, "only the endpoint without a filter takes message.received");
    assert_eq!(claimed[0].url, "http://127.0.0.1:9/all");
    let body: serde_json::Value = serde_json::from_str(&claimed[0].payload).unwrap();
    assert_eq!(body["event"], "message.received");
    assert_eq!(body["data"]["content"]["text"], "Do you offer enterprise pricing?");
    // Leased: a second worker gets nothing.
    assert!(store.claim_due_deliveries(10, 30_000).await.unwrap().is_empty());
    let attempt = DeliveryAttempt { at: chrono::Utc::now(), status_code: Some(500), error: None, duration_ms: 3 };
    store.record_attempt(&claimed[0].id, attempt.clone(), AttemptOutcome::RetryAt(linktor_store::now_ms() - 1)).await.unwrap();
    let again = store.claim_due_deliveries(10, 30_000).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 1));
    store.record_attempt(&again[0].id, attempt, AttemptOutcome::Delivered).await.unwrap();
    let log = store.list_deliveries(&f.account, &all.endpoint.id, 10).await.unwrap();
    assert_eq!(log[0].status, linktor_core::api::DeliveryStatus::Delivered);
    assert_eq!(log[0].attempt_log.len(), 2);
    assert!(store.list_deliveries(&f.account, &only_sent.endpoint.id, 10).await.unwrap().is_empty());
    let other = store.create_account("Other").await.unwrap();
    assert!(store.list_deliveries(&other, &all.endpoint.id, 10).await.is_err());
    assert!(store.resend_delivery(&other, &log[0].id).await.is_err());
    store.resend_delivery(&f.account, &log[0].id).await.unwrap();
    assert_eq!(store.claim_due_deliveries(10, 30_000).await.unwrap().len(), 1);

    // One batch of attempts with different outcomes: each delivery gets its own.
    let events = |n: usize| {
        (0..n)
            .map(|i| WebhookEvent::ConversationResolved(ConversationResolved {
                conversation_id: f.conversation.clone(),
                channel_id: f.channel.clone(),
                visitor: f.visitor.clone(),
                labels: vec![],
                timestamp: chrono::Utc::now() + chrono::Duration::milliseconds(i as i64),
            }))
            .collect::<Vec<_>>()
    };
    for e in events(3) {
        store.enqueue_event(&f.account, e).await.unwrap();
    }
    let batch = store.claim_due_deliveries(10, 30_000).await.unwrap();
    assert_eq!(batch.len(), 3);
    let at = |code| DeliveryAttempt { at: chrono::Utc::now(), status_code: Some(code), error: None, duration_ms: 1 };
    let later = linktor_store::now_ms() + 3_600_000;
    store
        .record_attempts(vec![
            (batch[0].id.clone(), at(200), AttemptOutcome::Delivered),
            (batch[1].id.clone(), at(503), AttemptOutcome::RetryAt(later)),
            (batch[2].id.clone(), at(410), AttemptOutcome::GaveUp),
        ])
        .await
        .unwrap();
    let log = store.list_deliveries(&f.account, &all.endpoint.id, 50).await.unwrap();
    let status_of = |id: &linktor_core::DeliveryId| log.iter().find(|d| &d.id == id).map(|d| (d.status, d.attempts, d.attempt_log.len()));
    use linktor_core::api::DeliveryStatus::*;
    assert_eq!(status_of(&batch[0].id), Some((Delivered, 1, 1)));
    assert_eq!(status_of(&batch[1].id), Some((Pending, 1, 1)));
    assert_eq!(status_of(&batch[2].id), Some((Failed, 1, 1)));
    assert!(store.claim_due_deliveries(10, 30_000).await.unwrap().is_empty(), "the retry waits an hour");
}

async fn deliveries_are_born_claimed_and_handed_over(store: &Store) {
    let (store, mut born) = store.clone().with_delivery_handoff(std::time::Duration::from_millis(400));
    let f = fixture(&store).await;
    store.create_webhook_endpoint(&f.account, "http://127.0.0.1:9/all", &[]).await.unwrap();
    let resolved = WebhookEvent::ConversationResolved(ConversationResolved {
        conversation_id: f.conversation.clone(),
        channel_id: f.channel.clone(),
        visitor: f.visitor.clone(),
        labels: vec![],
        timestamp: chrono::Utc::now(),
    });
    let before = linktor_store::now_ms();
    store.enqueue_event(&f.account, resolved).await.unwrap();
    let handed = born.try_recv().expect("handed over as its transaction committed");
    assert_eq!(handed.len(), 1);
    assert_eq!((handed[0].url.as_str(), handed[0].attempts, handed[0].event.as_str()), ("http://127.0.0.1:9/all", 0, "webchat.conversation.resolved"));
    assert!(handed[0].lease_until >= before + 400);
    assert!(born.try_recv().is_err(), "handed over once");
    // Held by the node that queued it: no worker claims it while the lease runs.
    assert!(store.claim_due_deliveries(10, 30_000).await.unwrap().is_empty());
    // That node died before delivering: once the lease ends, any worker claims it.
    tokio::time::sleep(std::time::Duration::from_millis(450)).await;
    let claimed = store.claim_due_deliveries(10, 30_000).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((&claimed[0].id, &claimed[0].payload), (&handed[0].id, &handed[0].payload));
}

async fn conversations_filter_and_search(store: &Store) {
    let f = fixture(store).await;
    append(store, text_message(&f, None, "Do you offer ENTERPRISE pricing? 100%")).await;
    let base = ConversationFilter { limit: 50, ..Default::default() };
    let found = |q: &str| ConversationFilter { search: Some(q.into()), ..base.clone() };
    assert_eq!(store.list_conversations(&f.account, &found("enterprise")).await.unwrap().len(), 1);
    assert_eq!(store.list_conversations(&f.account, &found("john doe")).await.unwrap().len(), 1);
    assert_eq!(store.list_conversations(&f.account, &found("JOHN@EXAMPLE")).await.unwrap().len(), 1);
    assert_eq!(store.list_conversations(&f.account, &found("nothing like this")).await.unwrap().len(), 0);
    assert_eq!(store.list_conversations(&f.account, &found("_%")).await.unwrap().len(), 0);
    let (conv, changed) = store
        .set_conversation_status(&f.account, &f.conversation, ConversationStatus::Resolved, |_| vec![])
        .await
        .unwrap();
    assert!(changed && conv.status == ConversationStatus::Resolved);
    let (_, changed) = store
        .set_conversation_status(&f.account, &f.conversation, ConversationStatus::Resolved, |_| vec![])
        .await
        .unwrap();
    assert!(!changed);
    let open = ConversationFilter { status: Some(ConversationStatus::Open), ..base.clone() };
    assert!(store.list_conversations(&f.account, &open).await.unwrap().is_empty());
    // A visitor writing again reopens it.
    append(store, text_message(&f, None, "one more thing")).await;
    assert_eq!(store.list_conversations(&f.account, &open).await.unwrap().len(), 1);
    let other = store.create_account("Other").await.unwrap();
    assert!(store.list_conversations(&other, &base).await.unwrap().is_empty());
    let agent = store.create_agent(&f.account, "Ann@Example.com", "Ann", linktor_store::AgentRole::Agent, "x").await.unwrap();
    assert_eq!(agent.email, "ann@example.com");
    store.assign_conversation(&f.account, &f.conversation, Some(&agent.id), None).await.unwrap();
    let mine = ConversationFilter { assignee: Some(agent.id.clone()), ..base.clone() };
    assert_eq!(store.list_conversations(&f.account, &mine).await.unwrap().len(), 1);
    let unassigned = ConversationFilter { unassigned: true, ..base };
    assert!(store.list_conversations(&f.account, &unassigned).await.unwrap().is_empty());
}

async fn server_secret_is_stable(store: &Store) {
    let a = store.server_secret("token_key").await.unwrap();
    assert_eq!(a.len(), 48);
    assert_eq!(store.server_secret("token_key").await.unwrap(), a);
    assert_ne!(store.server_secret("other").await.unwrap(), a);
}

async fn retention_purges_old_conversations_only(store: &Store) {
    let old = fixture(store).await;
    let fresh = fixture(store).await;
    append(store, text_message(&old, Some("o1"), "old news")).await;
    append(store, text_message(&fresh, Some("f1"), "fresh")).await;
    // The old one was last active 400 days ago; the default retention is 365 days.
    let long_ago = linktor_store::now_ms() - 400 * 86_400_000;
    query("UPDATE conversations SET last_activity_at = $1 WHERE id = $2")
        .bind(long_ago)
        .bind(old.conversation.as_str())
        .execute(store.pool())
        .await
        .unwrap();
    query("UPDATE visitors SET last_seen_at = $1 WHERE id = $2").bind(long_ago).bind(old.visitor.as_str()).execute(store.pool()).await.unwrap();
    // What email kept of them goes too (the address in the log, the opt-out, the mark).
    for f in [&old, &fresh] {
        store.schedule_email(&f.account, &f.conversation, 1, 0).await.unwrap();
        store.log_email(&f.account, &f.conversation, linktor_store::EmailKind::Transcript, "john@example.com", 1, 1).await.unwrap();
        store.opt_out_of_email(&f.account, &f.visitor).await.unwrap();
    }
    assert_eq!(store.purge_expired().await.unwrap(), 1);
    assert_eq!(store.emails_since(&old.account, &old.conversation, linktor_store::EmailKind::Transcript, 0).await.unwrap(), 0);
    assert!(!store.opted_out_of_email(&old.account, &old.visitor).await.unwrap());
    assert_eq!(store.emails_since(&fresh.account, &fresh.conversation, linktor_store::EmailKind::Transcript, 0).await.unwrap(), 1);
    assert!(store.opted_out_of_email(&fresh.account, &fresh.visitor).await.unwrap());
    let due = store.claim_due_emails(10, 1000).await.unwrap();
    assert_eq!(due.iter().map(|d| d.conversation.clone()).collect::<Vec<_>>(), vec![fresh.conversation.clone()]);
    assert!(matches!(store.conversation(&old.account, &old.conversation).await, Err(StoreError::NotFound)));
    assert!(store.messages_after(&old.account, &old.conversation, 0, 10).await.unwrap().is_empty());
    assert!(matches!(store.visitor(&old.account, &old.visitor).await, Err(StoreError::NotFound)));
    assert_eq!(store.messages_after(&fresh.account, &fresh.conversation, 0, 10).await.unwrap().len(), 1);
    assert_eq!(store.purge_expired().await.unwrap(), 0);
}

async fn sessions_sign_in_and_out(store: &Store) {
    let f = fixture(store).await;
    let agent = store.create_agent(&f.account, "Ana@Example.com", "Ana", AgentRole::Agent, "hash").await.unwrap();
    assert_eq!(agent.email, "ana@example.com");
    let (token, csrf) = store.create_session(&f.account, &agent.id).await.unwrap();
    let (other, _) = store.create_session(&f.account, &agent.id).await.unwrap();
    let s = store.session(&token).await.unwrap().expect("live session");
    assert_eq!((s.agent.id, s.csrf_token), (agent.id.clone(), csrf));
    assert!(store.session("not a token").await.unwrap().is_none());
    // Only the hash is stored.
    let stored: i64 = query("SELECT COUNT(*) AS n FROM agent_sessions WHERE token_hash = $1").bind(&token).fetch_one(store.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(stored, 0);
    store.delete_agent_sessions(&agent.id, Some(&token)).await.unwrap();
    assert!(store.session(&token).await.unwrap().is_some());
    assert!(store.session(&other).await.unwrap().is_none());
    // Idle sessions end.
    query("UPDATE agent_sessions SET last_used_at = $1 WHERE agent_id = $2").bind(0_i64).bind(agent.id.as_str()).execute(store.pool()).await.unwrap();
    assert!(store.session(&token).await.unwrap().is_none());
    let (token, _) = store.create_session(&f.account, &agent.id).await.unwrap();
    store.delete_session(&token).await.unwrap();
    assert!(store.session(&token).await.unwrap().is_none());
}

async fn removed_agents_lose_sessions_and_assignments(store: &Store) {
    let f = fixture(store).await;
    let other = fixture(store).await;
    let agent = store.create_agent(&f.account, "ana@example.com", "Ana", AgentRole::Agent, "hash").await.unwrap();
    store.set_availability(&f.account, &agent.id, Availability::Online).await.unwrap();
    assert!(!store.agents_online(&f.account).await.unwrap(), "online, but no dashboard heard from");
    store.agent_seen(&f.account, &agent.id, None).await.unwrap();
    assert!(store.agents_online(&f.account).await.unwrap());
    // The dashboard closed: still available for the lapse, then not, and the sweep finds the account.
    let before = linktor_store::now_ms();
    store.agent_seen(&f.account, &agent.id, Some(60_000)).await.unwrap();
    assert!(store.agents_online(&f.account).await.unwrap());
    assert!(store.presence_lapsed(before, before + 1_000).await.unwrap().is_empty());
    assert_eq!(store.presence_lapsed(before + 59_000, before + 61_000).await.unwrap(), vec![f.account.clone()]);
    store.agent_seen(&f.account, &agent.id, Some(-1)).await.unwrap();
    assert!(!store.agents_online(&f.account).await.unwrap());
    store.agent_seen(&f.account, &agent.id, None).await.unwrap();
    assert!(!store.agents_online(&other.account).await.unwrap());
    store.assign_conversation(&f.account, &f.conversation, Some(&agent.id), None).await.unwrap();
    let (token, _) = store.create_session(&f.account, &agent.id).await.unwrap();
    assert!(matches!(store.delete_agent(&other.account, &agent.id).await, Err(StoreError::NotFound)));
    store.delete_agent(&f.account, &agent.id).await.unwrap();
    assert!(store.session(&token).await.unwrap().is_none());
    assert!(!store.agents_online(&f.account).await.unwrap());
    assert_eq!(store.conversation(&f.account, &f.conversation).await.unwrap().assignee_id, None);
    assert!(store.list_agents(&f.account).await.unwrap().is_empty());
    // The email is free again.
    store.create_agent(&f.account, "ana@example.com", "Ana again", AgentRole::Admin, "hash").await.unwrap();
}

async fn inbox_summaries_and_analytics(store: &Store) {
    let f = fixture(store).await;
    let other = fixture(store).await;
    append(store, text_message(&f, Some("a"), "first")).await;
    append(store, text_message(&f, Some("b"), "second")).await;
    let mut reply = text_message(&f, None, "an answer");
    reply.direction = Direction::Outbound;
    reply.sender = Sender { sender_type: SenderType::Agent, id: "agent_x".into(), name: Some("Ana".into()), avatar: None };
    append(store, reply).await;
    append(store, text_message(&other, Some("a"), "elsewhere")).await;

    let filter = ConversationFilter { limit: 10, ..Default::default() };
    let list = store.list_conversation_summaries(&f.account, &filter).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].unread_count, 2);
    assert_eq!(list[0].last_message.as_ref().map(|m| m.seq), Some(3));
    assert_eq!(list[0].visitor.user.name.as_deref(), Some("John Doe"));
    store.mark_receipt(&f.account, &f.conversation, Direction::Inbound, true, 1, |_, _| vec![]).await.unwrap();
    assert_eq!(store.list_conversation_summaries(&f.account, &filter).await.unwrap()[0].unread_count, 1);

    store.set_conversation_status(&f.account, &f.conversation, ConversationStatus::Resolved, |_| vec![]).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let week_ago = today - chrono::Duration::days(6);
    let a = store.analytics(&f.account, week_ago, today, None).await.unwrap();
    assert_eq!(a.days.len(), 7);
    assert_eq!((a.totals.conversations, a.totals.messages), (1, 3));
    assert!(a.totals.first_response_seconds.is_some_and(|s| s >= 0.0));
    assert!(a.totals.resolution_seconds.is_some_and(|s| s >= 0.0));
    assert_eq!(a.days[6].figures.messages, 3);
    assert_eq!(a.days[0].figures.first_response_seconds, None);
    assert_eq!(a.channels.len(), 1);
    assert_eq!((a.channels[0].conversations, a.channels[0].messages), (1, 3));
    // Another channel filter sees nothing of this one.
    let none = store.analytics(&f.account, week_ago, today, Some(&other.channel)).await.unwrap();
    assert_eq!((none.totals.messages, none.channels.len()), (0, 0));
    let earlier = store.analytics(&f.account, week_ago - chrono::Duration::days(30), week_ago, None).await.unwrap();
    assert_eq!(earlier.totals.conversations, 0);
}

async fn one_batch_mixes_conversations_resends_and_missing_ones(store: &Store) {
    let a = fixture(store).await;
    let b = fixture(store).await;
    append(store, text_message(&a, Some("old"), "stored before")).await;
    let mut missing = text_message(&a, None, "nowhere");
    missing.conversation = "conv_doesnotexist".parse().unwrap();
    let mut foreign = text_message(&b, None, "wrong account");
    foreign.account = a.account.clone();
    let results = store
        .append_messages(vec![
            text_message(&a, Some("x"), "a1"),
            text_message(&b, Some("x"), "b1"),
            text_message(&a, Some("x"), "a1 again"),
            missing,
            text_message(&a, None, "a2"),
            text_message(&a, Some("old"), "resent"),
            foreign,
        ])
        .await
        .unwrap();
    let ok = |i: usize| results[i].as_ref().unwrap();
    assert_eq!((ok(0).message.seq, ok(0).created), (2, true));
    assert_eq!((ok(1).message.seq, ok(1).created), (1, true));
    assert_eq!((&ok(2).message.id, ok(2).created), (&ok(0).message.id, false), "a repeat within the batch is the first one");
    assert!(matches!(results[3], Err(StoreError::NotFound)));
    assert_eq!((ok(4).message.seq, ok(4).created), (3, true));
    assert_eq!((ok(5).message.seq, ok(5).created), (1, false), "a resend of a stored client id");
    assert!(matches!(results[6], Err(StoreError::NotFound)), "a conversation of another account");
    let stored = store.messages_after(&a.account, &a.conversation, 0, 10).await.unwrap();
    let texts: Vec<String> = stored.iter().map(|m| m.content.preview()).collect();
    assert_eq!(texts, ["stored before", "a1", "a2"]);
    assert_eq!(store.messages_after(&b.account, &b.conversation, 0, 10).await.unwrap().len(), 1);
    assert_eq!(store.conversation(&a.account, &a.conversation).await.unwrap().last_seq, 3);
}

async fn a_large_batch_spans_statement_chunks(store: &Store) {
    // More conversations and messages than one statement takes: seqs must still be exact.
    let mut fixtures = Vec::new();
    for _ in 0..20 {
        fixtures.push(fixture(store).await);
    }
    let batch: Vec<NewMessage> = (0..100).map(|i| text_message(&fixtures[i % 20], Some(&format!("c{i}")), &format!("m{i}"))).collect();
    let results = store.append_messages(batch).await.unwrap();
    assert!(results.iter().all(|r| matches!(r, Ok(a) if a.created)));
    for (k, f) in fixtures.iter().enumerate() {
        let stored = store.messages_after(&f.account, &f.conversation, 0, 100).await.unwrap();
        let seqs: Vec<i64> = stored.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5], "conversation {k}");
        let texts: Vec<String> = stored.iter().map(|m| m.content.preview()).collect();
        assert_eq!(texts, (0..5).map(|j| format!("m{}", k + 20 * j)).collect::<Vec<_>>());
    }
    // Resending all of them stores nothing new.
    let again: Vec<NewMessage> = (0..100).map(|i| text_message(&fixtures[i % 20], Some(&format!("c{i}")), "again")).collect();
    let results = store.append_messages(again).await.unwrap();
    assert!(results.iter().all(|r| matches!(r, Ok(a) if !a.created)));
}

async fn a_failed_statement_leaves_nothing_of_its_transaction(store: &Store) {
    // SQLite runs a transaction's writes `OR FAIL` (no statement journal):
    // the rows before the failing one stay in the transaction, which must
    // then never commit. Here the second row breaks NOT NULL, the third a foreign key.
    let f = fixture(store).await;
    let account = store.create_account("Other").await.unwrap();
    let mut tx = store.pool().begin_write().await.unwrap();
    query("UPDATE accounts SET name = 'renamed' WHERE id = $1").bind(account.as_str()).execute(&mut tx).await.unwrap();
    let insert = "INSERT INTO webhook_endpoints (id, account_id, url, secret, events, enabled, created_at) VALUES
        ($1, $2, 'http://a.example/1', 's', '[]', 1, 0), ($3, $2, NULL, 's', '[]', 1, 0)";
    let failed = query(insert).bind("whe_first").bind(account.as_str()).bind("whe_second").execute(&mut tx).await;
    assert!(failed.is_err(), "a NULL url is refused");
    assert!(tx.commit().await.is_err(), "a transaction with a failed statement does not commit");
    let names = query("SELECT name FROM accounts WHERE id = $1").bind(account.as_str()).fetch_one(store.pool()).await.unwrap();
    assert_eq!(names.try_get::<String, _>("name").unwrap(), "Other", "the update before the failure is rolled back");
    let rows = query("SELECT id FROM webhook_endpoints WHERE id = 'whe_first'").fetch_all(store.pool()).await.unwrap();
    assert!(rows.is_empty(), "the row before the failing one is rolled back");

    // A foreign key is checked by the commit at the latest: it fails, and nothing stays.
    let mut tx = store.pool().begin_write().await.unwrap();
    let message = "INSERT INTO messages (id, account_id, conversation_id, seq, direction, sender_type, sender_id, content, search_text, created_at)
        VALUES ($1, $2, $3, 99, 'inbound', 'visitor', 'v', '{}', '', 0), ($4, $2, 'conv_missing', 1, 'inbound', 'visitor', 'v', '{}', '', 0)";
    let inserted = query(message).bind("msg_fk_1").bind(f.account.as_str()).bind(f.conversation.as_str()).bind("msg_fk_2").execute(&mut tx).await;
    let committed = match inserted {
        Ok(_) => tx.commit().await,
        Err(e) => Err(e),
    };
    assert!(committed.is_err(), "a message of a missing conversation is refused");
    let rows = query("SELECT id FROM messages WHERE id IN ('msg_fk_1', 'msg_fk_2')").fetch_all(store.pool()).await.unwrap();
    assert!(rows.is_empty(), "neither message stays");
}

/// `channel_visitor` (one statement on the API's send path) answers what the
/// reads one by one would: the visitor and its current conversation, and
/// nothing for another account, another channel or a deleted channel.
async fn a_visitor_is_found_with_its_channel_and_current_conversation(store: &Store) {
    let f = fixture(store).await;
    append(store, text_message(&f, Some("c1"), "hello")).await;
    let (visitor, current) = store.channel_visitor(&f.account, &f.channel, &f.visitor).await.unwrap();
    assert_eq!(visitor, store.visitor(&f.account, &f.visitor).await.unwrap());
    let current = current.expect("the visitor has a conversation");
    assert_eq!(current.id, f.conversation);
    assert_eq!(current.last_seq, 1);
    assert_eq!(Some(current), store.current_conversation(&f.account, &f.visitor).await.unwrap());

    // A resolved conversation is still the current one; an open one comes first.
    store.set_conversation_status(&f.account, &f.conversation, ConversationStatus::Resolved, |_| vec![]).await.unwrap();
    let (_, current) = store.channel_visitor(&f.account, &f.channel, &f.visitor).await.unwrap();
    assert_eq!(current.as_ref().map(|c| c.status), Some(ConversationStatus::Resolved));
    let newer = store.create_conversation(&f.account, &f.channel, &f.visitor, &BTreeMap::new(), |_| vec![]).await.unwrap();
    store.set_conversation_status(&f.account, &newer.id, ConversationStatus::Resolved, |_| vec![]).await.unwrap();
    store.set_conversation_status(&f.account, &f.conversation, ConversationStatus::Open, |_| vec![]).await.unwrap();
    let (_, current) = store.channel_visitor(&f.account, &f.channel, &f.visitor).await.unwrap();
    assert_eq!(current.map(|c| c.id), Some(f.conversation.clone()));

    // A visitor without a conversation yet.
    let quiet = store.create_visitor(plain_visitor(&f.account, &f.channel, VisitorUser::default())).await.unwrap();
    let (found, current) = store.channel_visitor(&f.account, &f.channel, &quiet.visitor.id).await.unwrap();
    assert_eq!(found.visitor.id, quiet.visitor.id);
    assert_eq!(current, None);

    // Another account, another channel of the same account, a deleted channel.
    let other = store.create_account("Other").await.unwrap();
    assert!(matches!(store.channel_visitor(&other, &f.channel, &f.visitor).await, Err(StoreError::NotFound)));
    let second = store.create_channel(&f.account, "Second", &["example.org".into()], "en", &ChannelSettings::default()).await.unwrap();
    assert!(matches!(store.channel_visitor(&f.account, &second.channel.id, &f.visitor).await, Err(StoreError::NotFound)));
    store.delete_channel(&f.account, &f.channel).await.unwrap();
    assert!(matches!(store.channel_visitor(&f.account, &f.channel, &f.visitor).await, Err(StoreError::NotFound)));
}

async fn labels_are_per_account_and_filter_conversations(store: &Store) {
    let f = fixture(store).await;
    let other = fixture(store).await;
    let vip = store.create_label(&f.account, "vip", Some("#f00"), None).await.unwrap();
    assert_eq!((vip.color.as_str(), vip.description.as_str()), ("#f00", ""));
    store.create_label(&f.account, "billing", None, Some("Money")).await.unwrap();
    assert!(matches!(store.create_label(&f.account, "vip", None, None).await, Err(StoreError::Conflict(_))));
    // Another account may use the same name; it is another label.
    store.create_label(&other.account, "vip", None, None).await.unwrap();
    assert_eq!(store.list_labels(&f.account).await.unwrap().iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["billing", "vip"]);

    let c = store.set_conversation_labels(&f.account, &f.conversation, &["billing".into(), "vip".into()]).await.unwrap();
    assert_eq!(c.labels, ["billing", "vip"]);
    assert_eq!(store.conversation(&f.account, &f.conversation).await.unwrap().labels, ["billing", "vip"]);
    // Unknown names and another account's conversation are refused; nothing changes.
    assert!(matches!(store.set_conversation_labels(&f.account, &f.conversation, &["nope".into()]).await, Err(StoreError::Conflict(_))));
    assert!(matches!(store.set_conversation_labels(&other.account, &f.conversation, &["vip".into()]).await, Err(StoreError::NotFound)));
    assert_eq!(store.conversation(&f.account, &f.conversation).await.unwrap().labels, ["billing", "vip"]);

    let vip = ConversationFilter { label: Some("vip".into()), limit: 50, ..Default::default() };
    assert_eq!(store.list_conversations(&f.account, &vip).await.unwrap().len(), 1);
    assert!(store.list_conversations(&other.account, &vip).await.unwrap().is_empty(), "another account's label finds nothing of this one");

    store.update_label(&f.account, "vip", None, Some("Big customers")).await.unwrap();
    assert_eq!(store.label(&f.account, "vip").await.unwrap().description, "Big customers");
    let changed = store.delete_label(&f.account, "vip").await.unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].labels, ["billing"]);
    assert_eq!(store.conversation(&f.account, &f.conversation).await.unwrap().labels, ["billing"]);
    assert!(store.list_conversations(&f.account, &vip).await.unwrap().is_empty());
    assert!(matches!(store.delete_label(&f.account, "vip").await, Err(StoreError::NotFound)));
    assert!(store.label(&other.account, "vip").await.is_ok(), "the other account's label stays");
    // Clearing.
    assert!(store.set_conversation_labels(&f.account, &f.conversation, &[]).await.unwrap().labels.is_empty());
}

async fn saved_replies_have_unique_shortcuts(store: &Store) {
    let f = fixture(store).await;
    let other = fixture(store).await;
    let r = store.create_saved_reply(&f.account, "thanks", "Thanks {{visitor.name}}!").await.unwrap();
    assert!(matches!(store.create_saved_reply(&f.account, "thanks", "again").await, Err(StoreError::Conflict(_))));
    store.create_saved_reply(&other.account, "thanks", "theirs").await.unwrap();
    let b = store.create_saved_reply(&f.account, "bye", "Bye").await.unwrap();
    assert_eq!(store.list_saved_replies(&f.account).await.unwrap().iter().map(|r| r.shortcut.as_str()).collect::<Vec<_>>(), ["bye", "thanks"]);
    assert!(matches!(store.update_saved_reply(&f.account, &b.id, "thanks", "x").await, Err(StoreError::Conflict(_))));
    let updated = store.update_saved_reply(&f.account, &r.id, "ty", "Thank you").await.unwrap();
    assert_eq!((updated.shortcut.as_str(), updated.text.as_str()), ("ty", "Thank you"));
    assert!(matches!(store.update_saved_reply(&other.account, &r.id, "x", "x").await, Err(StoreError::NotFound)));
    assert!(matches!(store.delete_saved_reply(&other.account, &r.id).await, Err(StoreError::NotFound)));
    store.delete_saved_reply(&f.account, &r.id).await.unwrap();
    assert_eq!(store.list_saved_replies(&f.account).await.unwrap().len(), 1);
    assert_eq!(store.owner_of(linktor_store::Owned::SavedReply, b.id.as_str()).await.unwrap(), Some(f.account.clone()));
}

async fn activity_keeps_notes_and_assignment_events(store: &Store) {
    use linktor_core::inbox::ActivityKind;
    let f = fixture(store).await;
    let other = fixture(store).await;
    let ana = store.create_agent(&f.account, "ana@example.com", "Ana", AgentRole::Agent, "hash").await.unwrap();
    let bo = store.create_agent(&f.account, "bo@example.com", "Bo", AgentRole::Agent, "hash").await.unwrap();
    let note = store.add_activity(&f.account, &f.conversation, linktor_store::NewActivity::note(Some(&ana.id), "<b>VIP</b>")).await.unwrap();
    assert_eq!((note.kind, note.text.as_deref(), note.agent_name.as_deref()), (ActivityKind::Note, Some("<b>VIP</b>"), Some("Ana")));
    assert!(matches!(
        store.add_activity(&other.account, &f.conversation, linktor_store::NewActivity::note(None, "x")).await,
        Err(StoreError::NotFound)
    ));
    let (c, e) = store.assign_conversation(&f.account, &f.conversation, Some(&ana.id), Some(&bo.id)).await.unwrap();
    assert_eq!(c.assignee_id.as_ref(), Some(&ana.id));
    let e = e.unwrap();
    assert_eq!((e.kind, e.assignee_id.as_ref(), e.agent_id.as_ref(), e.previous_assignee_id.as_ref()), (ActivityKind::Assigned, Some(&ana.id), Some(&bo.id), None));
    // The same assignment again changes nothing and logs nothing.
    assert!(store.assign_conversation(&f.account, &f.conversation, Some(&ana.id), None).await.unwrap().1.is_none());
    let (_, e) = store.assign_conversation(&f.account, &f.conversation, Some(&bo.id), None).await.unwrap();
    assert_eq!(e.unwrap().previous_assignee_id.as_ref(), Some(&ana.id));
    let (c, e) = store.assign_conversation(&f.account, &f.conversation, None, Some(&bo.id)).await.unwrap();
    assert_eq!((c.assignee_id, e.unwrap().kind), (None, ActivityKind::Unassigned));
    let all = store.activity(&f.account, &f.conversation).await.unwrap();
    assert_eq!(all.iter().map(|a| a.kind).collect::<Vec<_>>(), [ActivityKind::Note, ActivityKind::Assigned, ActivityKind::Assigned, ActivityKind::Unassigned]);
    assert!(store.activity(&other.account, &f.conversation).await.unwrap().is_empty());
    // Notes are not messages: the conversation's messages and seq are untouched.
    assert!(store.messages_after(&f.account, &f.conversation, 0, 100).await.unwrap().is_empty());
    assert_eq!(store.conversation(&f.account, &f.conversation).await.unwrap().last_seq, 0);
}

async fn round_robin_takes_the_agent_who_waited_longest(store: &Store) {
    let f = fixture(store).await;
    let ana = store.create_agent(&f.account, "ana@example.com", "Ana", AgentRole::Agent, "hash").await.unwrap();
    let bo = store.create_agent(&f.account, "bo@example.com", "Bo", AgentRole::Agent, "hash").await.unwrap();
    let away = store.create_agent(&f.account, "cy@example.com", "Cy", AgentRole::Agent, "hash").await.unwrap();
    store.set_availability(&f.account, &away.id, Availability::Away).await.unwrap();
    // Nobody's dashboard is open: nobody is available.
    assert!(store.assign_round_robin(&f.account, &f.conversation, 10).await.unwrap().is_none());
    for a in [&ana, &bo, &away] {
        store.agent_seen(&f.account, &a.id, None).await.unwrap();
    }
    let new_conversation = || async {
        let v = store.create_visitor(plain_visitor(&f.account, &f.channel, VisitorUser::default())).await.unwrap();
        store.create_conversation(&f.account, &f.channel, &v.visitor.id, &BTreeMap::new(), |_| vec![]).await.unwrap().id
    };
    let (c1, e1) = store.assign_round_robin(&f.account, &f.conversation, 2).await.unwrap().unwrap();
    assert_eq!(e1.agent_id, None, "assigned by the server, not by an agent");
    let c2 = store.assign_round_robin(&f.account, &new_conversation().await, 2).await.unwrap().unwrap().0;
    let first = c1.assignee_id.unwrap();
    let second = c2.assignee_id.unwrap();
    assert_ne!(first, second, "each in turn");
    assert!([&ana.id, &bo.id].contains(&&first) && [&ana.id, &bo.id].contains(&&second), "never the agent who is away");
    let c3 = store.assign_round_robin(&f.account, &new_conversation().await, 2).await.unwrap().unwrap().0;
    assert_eq!(c3.assignee_id.as_ref(), Some(&first));
    let c4 = store.assign_round_robin(&f.account, &new_conversation().await, 2).await.unwrap().unwrap().0;
    assert_eq!(c4.assignee_id.as_ref(), Some(&second));
    // Both hold two open conversations: the limit is reached.
    let fifth = new_conversation().await;
    assert!(store.assign_round_robin(&f.account, &fifth, 2).await.unwrap().is_none());
    // A resolved conversation frees a place.
    store.set_conversation_status(&f.account, &c1.id, ConversationStatus::Resolved, |_| vec![]).await.unwrap();
    assert_eq!(store.assign_round_robin(&f.account, &fifth, 2).await.unwrap().unwrap().0.assignee_id.as_ref(), Some(&first));
    // An assigned conversation is not taken again.
    assert!(store.assign_round_robin(&f.account, &fifth, 100).await.unwrap().is_none());
}

async fn a_resolution_is_rated_once_and_counted(store: &Store) {
    let f = fixture(store).await;
    let other = fixture(store).await;
    let ana = store.create_agent(&f.account, "ana@example.com", "Ana", AgentRole::Agent, "hash").await.unwrap();
    let endpoint = store.create_webhook_endpoint(&f.account, "https://hooks.example.com/x", &["webchat.csat.submitted".into()]).await.unwrap();
    store.assign_conversation(&f.account, &f.conversation, Some(&ana.id), None).await.unwrap();
    let hook = |c: &linktor_core::api::Conversation| {
        vec![WebhookEvent::CsatSubmitted(CsatSubmitted {
            conversation_id: c.id.clone(), channel_id: c.channel_id.clone(), visitor: c.visitor_id.clone(), rating: 4,
            comment: None, agent_id: c.assignee_id.clone(), labels: c.labels.clone(), timestamp: chrono::Utc::now(),
        })]
    };
    assert!(!store.rating_pending(&f.account, &f.conversation).await.unwrap());
    assert!(matches!(store.rate_conversation(&f.account, &f.conversation, 4, None, hook).await, Err(StoreError::Conflict(_))), "open: not rated");
    store.set_conversation_status(&f.account, &f.conversation, ConversationStatus::Resolved, |_| vec![]).await.unwrap();
    assert!(store.rating_pending(&f.account, &f.conversation).await.unwrap());
    assert!(!store.rating_pending(&other.account, &f.conversation).await.unwrap());
    let (_, activity) = store.rate_conversation(&f.account, &f.conversation, 4, Some("<i>ok</i>"), hook).await.unwrap();
    assert_eq!((activity.rating, activity.text.as_deref(), activity.assignee_id.as_ref()), (Some(4), Some("<i>ok</i>"), Some(&ana.id)));
    assert!(!store.rating_pending(&f.account, &f.conversation).await.unwrap());
    assert!(matches!(store.rate_conversation(&f.account, &f.conversation, 5, None, hook).await, Err(StoreError::Conflict(_))), "rated once");
    let deliveries: i64 = query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND event = 'webchat.csat.submitted'")
        .bind(endpoint.endpoint.id.as_str())
        .fetch_one(store.pool()).await.unwrap().try_get("n").unwrap();
    assert_eq!(deliveries, 1);
    // Reopened and resolved again: a new resolution may be rated.
    store.set_conversation_status(&f.account, &f.conversation, ConversationStatus::Open, |_| vec![]).await.unwrap();
    assert!(!store.rating_pending(&f.account, &f.conversation).await.unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store.set_conversation_status(&f.account, &f.conversation, ConversationStatus::Resolved, |_| vec![]).await.unwrap();
    assert!(store.rating_pending(&f.account, &f.conversation).await.unwrap());
    store.rate_conversation(&f.account, &f.conversation, 1, None, |_| vec![]).await.unwrap();

    let today = chrono::Utc::now().date_naive();
    let a = store.analytics(&f.account, today, today, None).await.unwrap();
    assert_eq!((a.totals.ratings, a.totals.satisfaction), (2, Some(2.5)));
    assert_eq!((a.days[0].figures.ratings, a.days[0].figures.satisfaction), (2, Some(2.5)));
    assert_eq!((a.channels[0].ratings, a.channels[0].satisfaction), (2, Some(2.5)));
    let ana_figures = a.agents.iter().find(|x| x.agent_id == ana.id).unwrap();
    assert_eq!((ana_figures.ratings, ana_figures.satisfaction), (2, Some(2.5)));
    let theirs = store.analytics(&other.account, today, today, None).await.unwrap();
    assert_eq!((theirs.totals.ratings, theirs.totals.satisfaction), (0, None));
}

async fn page_views_keep_the_latest(store: &Store) {
    let f = fixture(store).await;
    let other = fixture(store).await;
    for i in 0..(linktor_store::PAGES_KEPT + 5) {
        store.add_page_view(&f.account, &f.visitor, &format!("https://example.com/p{i}"), Some("Page")).await.unwrap();
    }
    let pages = store.page_views(&f.account, &f.visitor).await.unwrap();
    assert_eq!(pages.len() as i64, linktor_store::PAGES_KEPT);
    assert_eq!(pages.last().unwrap().url, format!("https://example.com/p{}", linktor_store::PAGES_KEPT + 4), "newest last");
    assert!(store.page_views(&other.account, &f.visitor).await.unwrap().is_empty());
}

async fn retention_takes_what_belongs_to_a_conversation(store: &Store) {
    let old = fixture(store).await;
    store.create_label(&old.account, "vip", None, None).await.unwrap();
    store.set_conversation_labels(&old.account, &old.conversation, &["vip".into()]).await.unwrap();
    store.add_activity(&old.account, &old.conversation, linktor_store::NewActivity::note(None, "remember")).await.unwrap();
    store.set_conversation_status(&old.account, &old.conversation, ConversationStatus::Resolved, |_| vec![]).await.unwrap();
    store.rate_conversation(&old.account, &old.conversation, 5, None, |_| vec![]).await.unwrap();
    store.add_page_view(&old.account, &old.visitor, "https://example.com/", None).await.unwrap();
    let long_ago = linktor_store::now_ms() - 400 * 86_400_000;
    query("UPDATE conversations SET last_activity_at = $1 WHERE id = $2").bind(long_ago).bind(old.conversation.as_str()).execute(store.pool()).await.unwrap();
    query("UPDATE visitors SET last_seen_at = $1 WHERE id = $2").bind(long_ago).bind(old.visitor.as_str()).execute(store.pool()).await.unwrap();
    assert_eq!(store.purge_expired().await.unwrap(), 1);
    for (table, column, id) in [
        ("conversation_labels", "conversation_id", old.conversation.as_str()),
        ("conversation_activity", "conversation_id", old.conversation.as_str()),
        ("satisfaction_ratings", "conversation_id", old.conversation.as_str()),
        ("visitor_pages", "visitor_id", old.visitor.as_str()),
    ] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = $1");
        let n: i64 = query(&sql).bind(id).fetch_one(store.pool()).await.unwrap().try_get("n").unwrap();
        assert_eq!(n, 0, "{table}");
    }
    assert!(store.label(&old.account, "vip").await.is_ok(), "the account's label stays");
}

// ---- Search ----

fn search(q: &str) -> ConversationFilter {
    ConversationFilter { search: Some(q.into()), limit: 50, ..Default::default() }
}

/// The ids of the conversations `q` finds in `account`, in the list's order.
async fn found(store: &Store, account: &AccountId, q: &str) -> Vec<linktor_core::ConversationId> {
    store.list_conversations(account, &search(q)).await.unwrap_or_else(|e| panic!("search {q:?}: {e}")).into_iter().map(|c| c.id).collect()
}

/// Another conversation of the fixture's account, with a visitor of its own.
async fn another_conversation(store: &Store, f: &Fixture, user: VisitorUser) -> Fixture {
    let v = store.create_visitor(plain_visitor(&f.account, &f.channel, user)).await.unwrap();
    let c = store.create_conversation(&f.account, &f.channel, &v.visitor.id, &BTreeMap::new(), |_| vec![]).await.unwrap();
    Fixture { account: f.account.clone(), channel: f.channel.clone(), visitor: v.visitor.id, conversation: c.id }
}

fn with_content(f: &Fixture, content: Content) -> NewMessage {
    NewMessage { content, ..text_message(f, None, "") }
}

async fn search_finds_words_and_prefixes_in_any_content(store: &Store) {
    use linktor_core::content::{Button, Card, FileContent, ImageContent, Interactive, InteractiveBody};
    let f = fixture(store).await;
    let (pricing, _) = append(store, text_message(&f, None, "Do you offer ENTERPRISE pricing? 100%")).await;
    let b = another_conversation(store, &f, VisitorUser::default()).await;
    append(store, text_message(&b, None, "Crème brûlée à São Paulo")).await;
    let c = another_conversation(store, &f, VisitorUser::default()).await;
    let button = |id: &str, label: &str| Button { id: id.into(), label: label.into(), url: None };
    append(store, with_content(&c, Content::Card { card: Card { title: "Winter jacket".into(), subtitle: Some("Waterproof shell".into()), image_url: None, buttons: vec![button("buy", "Add to basket")] } })).await;
    append(store, with_content(&c, Content::Interactive { interactive: Interactive::Buttons { body: InteractiveBody { text: "How did we do?".into() }, buttons: vec![button("great", "Splendid")] } })).await;
    append(store, with_content(&c, Content::File { file: FileContent { url: "https://example.com/f".into(), name: "invoice-2026.pdf".into(), size: None, mime_type: None } })).await;
    let (photo, _) = append(store, with_content(&c, Content::Image { image: ImageContent { url: "https://example.com/i".into(), caption: Some("the broken hinge".into()), name: Some("IMG_0042.jpg".into()), size: None } })).await;
    let d = another_conversation(store, &f, VisitorUser::default()).await;
    append(store, text_message(&d, None, "שלום, אני צריך עזרה مرحبا 👋")).await;

    // Whole words and word prefixes, whatever the case; not the middle of a word.
    assert_eq!(found(store, &f.account, "enterprise").await, [f.conversation.clone()]);
    assert_eq!(found(store, &f.account, "ENTERP").await, [f.conversation.clone()]);
    assert_eq!(found(store, &f.account, "pricing enterprise").await, [f.conversation.clone()], "every word, in any order");
    assert!(found(store, &f.account, "terprise").await.is_empty());
    assert!(found(store, &f.account, "enterprise jacket").await.is_empty(), "all words within one message");
    // Accents fold both ways.
    assert_eq!(found(store, &f.account, "creme brulee").await, [b.conversation.clone()]);
    assert_eq!(found(store, &f.account, "SÃO").await, [b.conversation.clone()]);
    assert_eq!(found(store, &f.account, "paulo crème").await, [b.conversation.clone()]);
    // Card title, subtitle and buttons, buttons' body and labels, file and image names.
    for q in ["jacket", "waterproof", "basket", "how did", "splendid", "invoice", "2026", "hinge", "img_0042"] {
        assert_eq!(found(store, &f.account, q).await, [c.conversation.clone()], "{q}");
    }
    // Other scripts.
    assert_eq!(found(store, &f.account, "שלום").await, [d.conversation.clone()]);
    assert_eq!(found(store, &f.account, "مرحبا").await, [d.conversation.clone()]);

    // Each hit says where: the latest matching message, with the words marked.
    let list = store.list_conversation_summaries(&f.account, &search("enterp")).await.unwrap();
    let hit = list[0].search_match.as_ref().expect("a search match");
    assert_eq!((hit.source, hit.message_id.as_ref(), hit.seq), (linktor_core::agent::MatchSource::Message, Some(&pricing.id), Some(1)));
    let marked: Vec<&str> = hit.snippet.iter().filter(|p| p.highlight).map(|p| p.text.as_str()).collect();
    assert_eq!(marked, ["ENTERPRISE"]);
    assert_eq!(hit.snippet.iter().map(|p| p.text.as_str()).collect::<String>(), "Do you offer ENTERPRISE pricing? 100%");
    let list = store.list_conversation_summaries(&f.account, &search("hinge")).await.unwrap();
    assert_eq!(list[0].search_match.as_ref().unwrap().message_id.as_ref(), Some(&photo.id));
    // A later matching message is the one shown.
    let (later, _) = append(store, text_message(&f, None, "about enterprise again")).await;
    let list = store.list_conversation_summaries(&f.account, &search("enterprise")).await.unwrap();
    assert_eq!(list[0].search_match.as_ref().unwrap().message_id.as_ref(), Some(&later.id));
    // Without a search, no match is given.
    let plain = store.list_conversation_summaries(&f.account, &ConversationFilter { limit: 50, ..Default::default() }).await.unwrap();
    assert!(plain.iter().all(|c| c.search_match.is_none()) && plain.len() == 4);
}

async fn search_finds_visitors_and_form_answers(store: &Store) {
    let f = fixture(store).await; // John Doe, john@example.com
    let other = another_conversation(store, &f, VisitorUser { name: Some("Zoë Ångström".into()), ..Default::default() }).await;
    append(store, text_message(&other, None, "hello")).await;
    for q in ["john", "DOE", "john doe", "john@example.com", "john@exam", "example.com"] {
        assert_eq!(found(store, &f.account, q).await, [f.conversation.clone()], "{q}");
    }
    assert_eq!(found(store, &f.account, "zoe angstrom").await, [other.conversation.clone()]);
    let list = store.list_conversation_summaries(&f.account, &search("john")).await.unwrap();
    let hit = list[0].search_match.as_ref().unwrap();
    assert_eq!((hit.source, hit.message_id.as_ref()), (linktor_core::agent::MatchSource::Visitor, None));
    assert!(hit.snippet.iter().any(|p| p.highlight && p.text == "John"));

    // A visitor's new name replaces the old one in the index.
    let renamed = VisitorUser { name: Some("Johanna Smith".into()), email: Some("jo@example.org".into()), ..Default::default() };
    store.update_visitor(&f.account, &f.visitor, &renamed, &BTreeMap::new(), None).await.unwrap();
    assert!(found(store, &f.account, "doe").await.is_empty());
    assert_eq!(found(store, &f.account, "smith").await, [f.conversation.clone()]);
    assert_eq!(found(store, &f.account, "jo@example.org").await, [f.conversation.clone()]);

    // Pre-chat and offline form answers.
    let answers = BTreeMap::from([("company".to_owned(), "Globex Corporation".to_owned()), ("phone".to_owned(), "+1 555 0100".to_owned())]);
    store.merge_pre_chat(&f.account, &other.conversation, &answers).await.unwrap();
    assert_eq!(found(store, &f.account, "globex").await, [other.conversation.clone()]);
    assert_eq!(found(store, &f.account, "555").await, [other.conversation.clone()]);
    let list = store.list_conversation_summaries(&f.account, &search("globex corp")).await.unwrap();
    assert_eq!(list[0].search_match.as_ref().unwrap().source, linktor_core::agent::MatchSource::Form);
    // Field names are not searched, only answers.
    assert!(found(store, &f.account, "company").await.is_empty());
}

async fn search_never_crosses_accounts(store: &Store) {
    // Two accounts with the same visitor (John Doe) and the same words.
    let a = fixture(store).await;
    let b = fixture(store).await;
    append(store, text_message(&a, None, "shared secret word")).await;
    append(store, text_message(&b, None, "shared secret word")).await;
    let b_form = BTreeMap::from([("company".to_owned(), "Initech".to_owned())]);
    store.merge_pre_chat(&b.account, &b.conversation, &b_form).await.unwrap();
    for q in ["secret", "john", "john@example.com"] {
        assert_eq!(found(store, &a.account, q).await, [a.conversation.clone()], "{q}");
        assert_eq!(found(store, &b.account, q).await, [b.conversation.clone()], "{q}");
    }
    assert!(found(store, &a.account, "initech").await.is_empty());
    assert_eq!(found(store, &b.account, "initech").await, [b.conversation.clone()]);
    let nobody = store.create_account("Empty").await.unwrap();
    assert!(found(store, &nobody, "secret").await.is_empty());
    // The filters still apply beside the search.
    let other_channel = ConversationFilter { channel: Some(b.channel.clone()), ..search("secret") };
    assert!(store.list_conversations(&a.account, &other_channel).await.unwrap().is_empty());
}

async fn search_takes_hostile_queries_as_words(store: &Store) {
    let f = fixture(store).await;
    append(store, text_message(&f, None, "Do you offer enterprise pricing? or NEAR discounts, NOT later")).await;
    let one = [f.conversation.clone()];
    // Query syntax of FTS5 and tsquery is only separators: these find the words.
    for q in [
        "\"enterprise", "enterprise\"", "\"enterprise pricing\"", "enterprise*", "*enterprise", "enterprise:*", "-enterprise",
        "enterprise -pricing", "(enterprise)", "enterprise & pricing", "enterprise | pricing", "!enterprise", "enterprise OR",
        "NEAR(discounts enterprise)", "enterprise NOT", "{enterprise}", "^enterprise", "enterprise\u{200f}", "\u{202e}enterprise",
        "enterprise 🙂", "enterprise'", "enterprise\\", "enterprise\0", "enterprise;", "ENTERPRISE:PRI", "'enterprise'",
    ] {
        let list = store.list_conversations(&f.account, &search(q)).await.unwrap_or_else(|e| panic!("{q:?}: {e}"));
        assert_eq!(list.into_iter().map(|c| c.id).collect::<Vec<_>>(), one, "{q:?}");
    }
    // Words that are operators elsewhere are words here.
    assert_eq!(found(store, &f.account, "OR").await, one);
    assert_eq!(found(store, &f.account, "near").await, one);
    // No word at all: nothing is found (never everything, never an error).
    for q in ["\"", "*", "\"*\"", "-", ":", "&|!", "()", "🙂👍", "\u{200f}\u{200e}", "\0", "' OR 1=1 --"] {
        let list = store.list_conversations(&f.account, &search(q)).await.unwrap_or_else(|e| panic!("{q:?}: {e}"));
        assert!(list.is_empty(), "{q:?}");
    }
    // SQL in the text is text; the tables are still there.
    assert!(found(store, &f.account, "'; DROP TABLE messages; --").await.is_empty());
    assert_eq!(store.messages_after(&f.account, &f.conversation, 0, 10).await.unwrap().len(), 1);
    // Long input (the HTTP layer refuses it; the store still copes): 10 kB of words and of symbols.
    let long_words = "enterprise ".repeat(1000);
    assert_eq!(found(store, &f.account, &long_words).await, one);
    let mixed: String = (0..10_000).map(|i| ['"', '*', '(', 'x', ' ', ':', '🙂', '\u{200f}', '-', 'é'][i % 10]).collect();
    store.list_conversations(&f.account, &search(&mixed)).await.unwrap();
    store.list_conversation_summaries(&f.account, &search(&mixed)).await.unwrap();
}

async fn search_forgets_deleted_conversations(store: &Store) {
    let old = fixture(store).await;
    append(store, text_message(&old, None, "ancient history")).await;
    store.merge_pre_chat(&old.account, &old.conversation, &BTreeMap::from([("topic".to_owned(), "archaeology".to_owned())])).await.unwrap();
    let fresh = another_conversation(store, &old, VisitorUser { name: Some("Fresh Visitor".into()), ..Default::default() }).await;
    append(store, text_message(&fresh, None, "current affairs")).await;
    assert_eq!(found(store, &old.account, "ancient").await, [old.conversation.clone()]);
    // Past retention: the conversation, its messages and its visitor go.
    let long_ago = linktor_store::now_ms() - 400 * 86_400_000;
    query("UPDATE conversations SET last_activity_at = $1 WHERE id = $2").bind(long_ago).bind(old.conversation.as_str()).execute(store.pool()).await.unwrap();
    query("UPDATE visitors SET last_seen_at = $1 WHERE id = $2").bind(long_ago).bind(old.visitor.as_str()).execute(store.pool()).await.unwrap();
    assert_eq!(store.purge_expired().await.unwrap(), 1);
    for q in ["ancient", "history", "archaeology", "john", "john@example.com"] {
        assert!(found(store, &old.account, q).await.is_empty(), "{q}");
    }
    assert_eq!(found(store, &old.account, "current").await, [fresh.conversation.clone()]);
    // New rows (which may take the deleted rows' places) are found by their own words only.
    let next = another_conversation(store, &old, VisitorUser { name: Some("Newcomer".into()), ..Default::default() }).await;
    append(store, text_message(&next, None, "brand new question")).await;
    assert_eq!(found(store, &old.account, "brand").await, [next.conversation.clone()]);
    assert_eq!(found(store, &old.account, "newcomer").await, [next.conversation.clone()]);
    assert!(found(store, &old.account, "ancient").await.is_empty());
    if store.dialect() == linktor_store::Dialect::Sqlite {
        // Nothing of the deleted rows is left in the index.
        for (table, word) in [("messages_fts", "ancient"), ("visitors_fts", "john"), ("conversations_fts", "archaeology")] {
            let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {table} MATCH $1");
            let n: i64 = query(&sql).bind(word).fetch_one(store.pool()).await.unwrap().try_get("n").unwrap();
            assert_eq!(n, 0, "{table} still holds {word}");
        }
    }
}

async fn search_orders_and_pages_like_the_list(store: &Store) {
    let f = fixture(store).await;
    let mut matching = Vec::new();
    for i in 0..7 {
        let c = another_conversation(store, &f, VisitorUser::default()).await;
        append(store, text_message(&c, None, if i % 2 == 0 { "a refund please" } else { "where is my order" })).await;
        // Distinct, known activity times: i minutes after a fixed start.
        query("UPDATE conversations SET last_activity_at = $1 WHERE id = $2").bind(1_700_000_000_000 + i * 60_000).bind(c.conversation.as_str()).execute(store.pool()).await.unwrap();
        if i % 2 == 0 {
            matching.push(c.conversation);
        }
    }
    matching.reverse(); // newest activity first
    assert_eq!(found(store, &f.account, "refund").await, matching);
    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let page = store.list_conversations(&f.account, &ConversationFilter { limit: 2, before_ms: before, ..search("refund") }).await.unwrap();
        if page.is_empty() {
            break;
        }
        before = Some(page.last().unwrap().last_activity_at.timestamp_millis());
        pages.push(page.into_iter().map(|c| c.id).collect::<Vec<_>>());
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2]);
    assert_eq!(pages.concat(), matching);
    let resolved = ConversationFilter { status: Some(ConversationStatus::Resolved), ..search("refund") };
    assert!(store.list_conversations(&f.account, &resolved).await.unwrap().is_empty());
    store.set_conversation_status(&f.account, &matching[1], ConversationStatus::Resolved, |_| vec![]).await.unwrap();
    assert_eq!(store.list_conversations(&f.account, &resolved).await.unwrap().into_iter().map(|c| c.id).collect::<Vec<_>>(), [matching[1].clone()]);
}

async fn search_index_is_backfilled_on_upgrade(store: &Store) {
    let f = fixture(store).await;
    append(store, text_message(&f, None, "before the index")).await;
    // A database from before search: no index, rows written without one.
    store.drop_search_index().await.unwrap();
    let later = another_conversation(store, &f, VisitorUser { name: Some("Unindexed Person".into()), ..Default::default() }).await;
    append(store, text_message(&later, None, "written while there was no index")).await;
    store.merge_pre_chat(&f.account, &later.conversation, &BTreeMap::from([("city".to_owned(), "Lisbon".to_owned())])).await.unwrap();
    // Start-up builds it, and every row is found.
    store.ensure_search_index().await.unwrap();
    store.ensure_search_index().await.unwrap(); // current: nothing to do
    assert_eq!(found(store, &f.account, "before index").await, [f.conversation.clone()]);
    assert_eq!(found(store, &f.account, "unindexed").await, [later.conversation.clone()]);
    assert_eq!(found(store, &f.account, "while").await, [later.conversation.clone()]);
    assert_eq!(found(store, &f.account, "lisbon").await, [later.conversation.clone()]);
    assert_eq!(found(store, &f.account, "john").await, [f.conversation.clone()]);
    // And it keeps up afterwards.
    append(store, text_message(&f, None, "after the rebuild")).await;
    assert_eq!(found(store, &f.account, "rebuild").await, [f.conversation.clone()]);
}

async fn email_looks_are_claimed_once_and_marks_move_once(store: &Store) {
    use linktor_store::EmailKind;
    let f = fixture(store).await;
    let now = linktor_store::now_ms();
    // Nothing is due before its time.
    store.schedule_email(&f.account, &f.conversation, 3, now + 60_000).await.unwrap();
    assert!(store.claim_due_emails(10, 30_000).await.unwrap().is_empty());
    // A later message keeps the earlier look; an earlier one brings it forward.
    store.schedule_email(&f.account, &f.conversation, 4, now + 120_000).await.unwrap();
    store.schedule_email(&f.account, &f.conversation, 5, now - 1).await.unwrap();
    let claimed = store.claim_due_emails(10, 30_000).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let due = claimed[0].clone();
    assert_eq!((due.conversation.clone(), due.emailed_seq, due.attempts), (f.conversation.clone(), 0, 0));
    // Claimed: no other worker gets it while the lease runs.
    assert!(store.claim_due_emails(10, 30_000).await.unwrap().is_empty());
    // The mark moves once: a second worker with the same claim loses.
    assert!(store.begin_email(&due, "john@example.com", 5).await.unwrap());
    assert!(!store.begin_email(&due, "john@example.com", 5).await.unwrap());
    assert_eq!(store.emailed_seq(&f.account, &f.conversation).await.unwrap(), 5);
    assert_eq!(store.emails_since(&f.account, &f.conversation, EmailKind::Unread, 0).await.unwrap(), 1);
    // A failed send puts the mark back and retries later, counting the attempt.
    store.undo_email(&due, 5, now - 1).await.unwrap();
    assert_eq!(store.emailed_seq(&f.account, &f.conversation).await.unwrap(), 0);
    assert_eq!(store.emails_since(&f.account, &f.conversation, EmailKind::Unread, 0).await.unwrap(), 0);
    let again = store.claim_due_emails(10, 30_000).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 1));
    assert!(store.begin_email(&again[0], "john@example.com", 5).await.unwrap());
    // Done with everything up to 5: nothing pending.
    store.finish_email_check(&again[0], 5, now - 1).await.unwrap();
    assert!(store.claim_due_emails(10, 30_000).await.unwrap().is_empty());
    // A message stored while a look was under way is looked at later.
    store.schedule_email(&f.account, &f.conversation, 6, now - 1).await.unwrap();
    let third = store.claim_due_emails(10, 30_000).await.unwrap();
    store.schedule_email(&f.account, &f.conversation, 7, now - 1).await.unwrap();
    store.finish_email_check(&third[0], 6, now - 1).await.unwrap();
    let fourth = store.claim_due_emails(10, 30_000).await.unwrap();
    assert_eq!((fourth.len(), fourth[0].emailed_seq), (1, 5), "seq 7 still waits for its look");
    // Another account's conversation mark is not readable through this one.
    let other = store.create_account("Other").await.unwrap();
    assert_eq!(store.emailed_seq(&other, &f.conversation).await.unwrap(), 0);
    store.forget_email_conversation(&f.conversation).await.unwrap();
    assert_eq!(store.emailed_seq(&f.account, &f.conversation).await.unwrap(), 0);
}

async fn email_opt_outs_and_the_log(store: &Store) {
    use linktor_store::EmailKind;
    let f = fixture(store).await;
    assert!(!store.opted_out_of_email(&f.account, &f.visitor).await.unwrap());
    store.opt_out_of_email(&f.account, &f.visitor).await.unwrap();
    store.opt_out_of_email(&f.account, &f.visitor).await.unwrap();
    assert!(store.opted_out_of_email(&f.account, &f.visitor).await.unwrap());
    let other = store.create_account("Other").await.unwrap();
    assert!(!store.opted_out_of_email(&other, &f.visitor).await.unwrap(), "scoped by account");
    let before = linktor_store::now_ms();
    store.log_email(&f.account, &f.conversation, EmailKind::Transcript, "john@example.com", 1, 9).await.unwrap();
    store.log_email(&f.account, &f.conversation, EmailKind::Transcript, "john@example.com", 1, 9).await.unwrap();
    assert_eq!(store.emails_since(&f.account, &f.conversation, EmailKind::Transcript, before).await.unwrap(), 2);
    assert_eq!(store.emails_since(&f.account, &f.conversation, EmailKind::Unread, before).await.unwrap(), 0);
    assert_eq!(store.emails_since(&f.account, &f.conversation, EmailKind::Transcript, linktor_store::now_ms() + 1000).await.unwrap(), 0);
    assert_eq!(store.emails_since(&other, &f.conversation, EmailKind::Transcript, before).await.unwrap(), 0);
    assert_eq!(store.account_emails_since(&f.account, EmailKind::Transcript, before).await.unwrap(), 2);
    assert_eq!(store.account_emails_since(&other, EmailKind::Transcript, before).await.unwrap(), 0);
}

async fn a_business_message_schedules_its_email_look_as_it_is_stored(store: &Store) {
    let f = fixture(store).await;
    let quiet = another_conversation(store, &f, VisitorUser::default()).await;
    let agent_message = |f: &Fixture, text: &str| NewMessage {
        direction: Direction::Outbound,
        sender: Sender { sender_type: SenderType::Agent, id: "agent_x".into(), name: Some("Ana".into()), avatar: None },
        ..text_message(f, None, text)
    };
    // Email off: storing schedules nothing.
    append(store, agent_message(&f, "before email")).await;
    assert!(store.claim_due_emails(10, 30_000).await.unwrap().is_empty());
    // Email on: the look is written in the message's own transaction; a
    // visitor's message schedules none.
    let mailing = store.clone().with_email_delay(Some(std::time::Duration::ZERO));
    let batch = vec![agent_message(&f, "one"), agent_message(&f, "two"), text_message(&quiet, None, "from the visitor")];
    let stored = mailing.append_messages(batch).await.unwrap();
    assert!(stored.iter().all(|r| r.is_ok()));
    let due = mailing.claim_due_emails(10, 30_000).await.unwrap();
    assert_eq!(due.iter().map(|d| d.conversation.clone()).collect::<Vec<_>>(), [f.conversation.clone()]);
}
