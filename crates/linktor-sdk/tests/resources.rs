//! Every resource of the client against the real server: conversations,
//! visitors, channels, webhooks (with real deliveries verified), API keys,
//! and the typed errors the API answers with.

mod common;

use std::time::{Duration, SystemTime};

use common::{Receiver, TestServer};
use futures::TryStreamExt;
use linktor_sdk::{
    api::{CreateChannelRequest, CreateWebhookRequest, DeliveryStatus, UpdateChannelRequest},
    conversations::{ListConversations, ListMessages},
    linktor_core::{Reader, ServerFrame},
    prelude::*,
    visitors::ListVisitors,
    webhooks::{self, VerifyError, WebhookEvent},
    ConversationStatus, Direction, StatusCode,
};

type Result<T = ()> = std::result::Result<T, linktor_sdk::Error>;

/// Lets the clock pass a millisecond or more, so two rows never share the
/// millisecond that paging cursors are made of.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

#[tokio::test]
async fn conversations_list_get_messages_resolve_reopen_read() -> Result {
    let t = TestServer::start().await;
    let client = &t.client;
    let alice = t.visitor().await;
    let mut alice_socket = t.connect(&alice).await;
    let first = t.visitor_writes(&mut alice_socket, "Do you offer enterprise pricing?").await;
    // Paging cursors are activity times in milliseconds: keep them apart.
    tick().await;
    let bob = t.visitor().await;
    let mut bob_socket = t.connect(&bob).await;
    let second = t.visitor_writes(&mut bob_socket, "Where is my order?").await;
    tick().await;
    client
        .messages()
        .send(SendMessageRequest { channel_id: t.channel.clone(), to: alice.id.clone(), content: Content::text("Yes, we do.") })
        .await?;

    // Filters, newest activity first.
    let open = client.conversations().list(&ListConversations { status: Some(ConversationStatus::Open), ..Default::default() }).await?;
    let ids: Vec<_> = open.data.iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, [first.clone(), second.clone()]);
    let of_bob = client.conversations().list(&ListConversations { visitor_id: Some(bob.id.clone()), ..Default::default() }).await?;
    assert_eq!(of_bob.data.len(), 1);
    assert_eq!(of_bob.data[0].visitor_id, bob.id);
    let search = client.conversations().list(&ListConversations { q: Some("order".into()), ..Default::default() }).await?;
    assert_eq!(search.data.iter().map(|c| &c.id).collect::<Vec<_>>(), [&second]);
    let of_channel = client.conversations().list(&ListConversations { channel_id: Some(t.channel.clone()), ..Default::default() }).await?;
    assert_eq!(of_channel.data.len(), 2);

    // Paging by cursor, by hand and as a stream.
    let page = client.conversations().list(&ListConversations { limit: Some(1), ..Default::default() }).await?;
    assert_eq!(page.data.len(), 1);
    let cursor = page.next_cursor.clone().expect("a next page");
    let next = client.conversations().list(&ListConversations { limit: Some(1), cursor: Some(cursor), ..Default::default() }).await?;
    assert_eq!(next.data[0].id, second);
    let all: Vec<_> = client.conversations().list_all(ListConversations { limit: Some(1), ..Default::default() }).try_collect().await?;
    assert_eq!(all.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), [first.clone(), second.clone()]);

    // One conversation and its messages in seq order.
    let conversation = client.conversations().get(&first).await?;
    assert_eq!((conversation.visitor_id, conversation.last_seq), (alice.id.clone(), 2));
    let messages = client.conversations().messages(&first, &ListMessages::default()).await?;
    assert_eq!(messages.data.iter().map(|m| (m.seq, m.direction)).collect::<Vec<_>>(), [(1, Direction::Inbound), (2, Direction::Outbound)]);
    assert_eq!(messages.data[1].content, Content::text("Yes, we do."));
    let after_one = client.conversations().messages(first.as_str(), &ListMessages { after: Some(1), limit: Some(10) }).await?;
    assert_eq!(after_one.data.iter().map(|m| m.seq).collect::<Vec<_>>(), [2]);

    // Read: the visitor sees its message read by the business side.
    client.conversations().read(&first, None).await?;
    loop {
        if let ServerFrame::Read { seq, reader } = alice_socket.next_frame().await {
            assert_eq!(reader, Reader::Agent);
            assert!(seq >= 1, "{seq}");
            break;
        }
    }

    // Resolve and reopen.
    assert_eq!(client.conversations().resolve(&first).await?.status, ConversationStatus::Resolved);
    let resolved = client.conversations().list(&ListConversations { status: Some(ConversationStatus::Resolved), ..Default::default() }).await?;
    assert_eq!(resolved.data.iter().map(|c| &c.id).collect::<Vec<_>>(), [&first]);
    assert_eq!(client.conversations().reopen(first.to_string()).await?.status, ConversationStatus::Open);
    Ok(())
}

#[tokio::test]
async fn visitors_list_and_get() -> Result {
    let t = TestServer::start().await;
    let a = t.visitor().await;
    tick().await;
    let b = t.visitor().await;
    let page = t.client.visitors().list(&ListVisitors::default()).await?;
    let mut ids: Vec<_> = page.data.iter().map(|v| v.id.clone()).collect();
    ids.sort();
    let mut expected = vec![a.id.clone(), b.id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    let all: Vec<_> = t.client.visitors().list_all(ListVisitors { limit: Some(1), cursor: None }).try_collect().await?;
    assert_eq!(all.len(), 2);

    let visitor = t.client.visitors().get(&a.id).await?;
    assert_eq!(visitor.user.name.as_deref(), Some("John Doe"));
    assert_eq!(visitor.user.email.as_deref(), Some("john@example.com"));
    assert_eq!(visitor.context.get("page").map(String::as_str), Some("/pricing"));
    assert_eq!(visitor.channel_id, t.channel);
    assert!(!visitor.identity_verified);
    Ok(())
}

#[tokio::test]
async fn channels_create_get_update_secret_delete() -> Result {
    let t = TestServer::start().await;
    let channels = t.client.channels();
    // The account has the harness's channel (and the server's demo channel).
    let before = channels.list().await?;
    assert!(before.iter().any(|c| c.id == t.channel));

    let created = channels
        .create(CreateChannelRequest {
            name: "Support".into(),
            allowed_domains: vec!["support.example.com".into()],
            default_language: Some("es".into()),
            settings: None,
        })
        .await?;
    assert_eq!((created.name.as_str(), created.default_language.as_str(), created.channel_type.as_str()), ("Support", "es", "webchat"));
    assert_eq!(channels.get(&created.id).await?, created);
    assert_eq!(channels.list().await?.len(), before.len() + 1);

    let mut settings = created.settings.clone();
    settings.appearance.primary_color = "#FF0066".into();
    let updated = channels
        .update(
            &created.id,
            UpdateChannelRequest { name: Some("Help".into()), allowed_domains: Some(vec!["*.example.com".into()]), settings: Some(settings), ..Default::default() },
        )
        .await?;
    assert_eq!(updated.name, "Help");
    assert_eq!(updated.allowed_domains, ["*.example.com"]);
    assert_eq!(updated.settings.appearance.primary_color, "#FF0066");
    assert_eq!(updated.default_language, "es");

    let secret = channels.identity_secret(&created.id).await?;
    assert!(!secret.is_empty());
    assert_eq!(channels.identity_secret(&created.id).await?, secret);
    let rotated = channels.rotate_identity_secret(&created.id).await?;
    assert_ne!(rotated, secret);
    assert_eq!(channels.identity_secret(&created.id).await?, rotated);

    channels.delete(&created.id).await?;
    assert!(channels.get(&created.id).await.unwrap_err().is_not_found());
    assert_eq!(channels.list().await?.len(), before.len());
    Ok(())
}

#[tokio::test]
async fn api_keys_create_list_revoke() -> Result {
    let t = TestServer::start().await;
    let created = t.client.api_keys().create("backend").await?;
    assert!(created.key.starts_with(&created.api_key.prefix));
    assert_eq!(created.api_key.name, "backend");
    let listed = t.client.api_keys().list().await?;
    assert!(listed.iter().any(|k| k.id == created.api_key.id));
    assert!(listed.iter().all(|k| !created.key.eq(&k.prefix)), "the key itself is never listed");

    // The new key works, and stops working once revoked.
    let other = Linktor::builder(created.key.clone()).base_url(&t.base).build()?;
    assert!(other.channels().list().await?.iter().any(|c| c.id == t.channel));
    t.client.api_keys().revoke(&created.api_key.id).await?;
    let err = other.channels().list().await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(StatusCode::UNAUTHORIZED), Some("unauthorized")));
    assert!(!t.client.api_keys().list().await?.iter().any(|k| k.id == created.api_key.id));
    Ok(())
}

#[tokio::test]
async fn errors_are_typed_with_status_and_code() -> Result {
    let t = TestServer::start().await;
    let visitor = t.visitor().await;

    // 404: a well-formed id nobody has.
    let err = t.client.conversations().get("conv_doesnotexist").await.unwrap_err();
    assert!(err.is_not_found());
    let linktor_sdk::Error::Api { status, code, message, request, retry_after } = &err else { panic!("{err:?}") };
    assert_eq!((*status, code.as_str(), request.as_str(), *retry_after), (StatusCode::NOT_FOUND, "not_found", "GET /v1/conversations/conv_doesnotexist", None));
    assert_eq!(message, "conversation not found");

    // 403: another account's channel.
    let foreign = t.foreign_channel().await;
    let err = t.client.channels().get(&foreign).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(StatusCode::FORBIDDEN), Some("forbidden")));
    assert!(err.is_auth());
    let err = t
        .client
        .messages()
        .send(SendMessageRequest { channel_id: foreign, to: visitor.id.clone(), content: Content::text("hi") })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("forbidden"));

    // 422: the message names the field.
    let hostile = Content::card(Card::new("t").with_button(Button::link("a", "A", "javascript:alert(1)")));
    let err = t
        .client
        .messages()
        .send(SendMessageRequest { channel_id: t.channel.clone(), to: visitor.id.clone(), content: hostile })
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(StatusCode::UNPROCESSABLE_ENTITY), Some("validation_failed")));
    assert!(err.is_validation());
    assert!(err.to_string().contains("content.card.buttons[0].url"), "{err}");
    let err = t.client.api_keys().create("").await.unwrap_err();
    assert_eq!(err.code(), Some("validation_failed"));

    // 401: a key the server does not know.
    let stranger = Linktor::builder("lk_not_a_real_key").base_url(&t.base).build()?;
    let err = stranger.channels().list().await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(StatusCode::UNAUTHORIZED), Some("unauthorized")));

    // An id without its prefix is refused before anything is sent.
    let err = t.client.webchat().typing().start("webchat_123", "conv_abc").await.unwrap_err();
    assert!(matches!(err, linktor_sdk::Error::InvalidInput(_)), "{err:?}");
    let err = t.client.channels().get("conv_abc123").await.unwrap_err();
    assert!(err.is_validation() && err.status().is_none());
    Ok(())
}

#[tokio::test]
async fn webhooks_are_delivered_verified_logged_and_resent() -> Result {
    let t = TestServer::start().await;
    let receiver = Receiver::start().await;
    let created = t
        .client
        .webhooks()
        .create(CreateWebhookRequest { url: receiver.url.clone(), events: vec!["message.received".into(), "message.sent".into()] })
        .await?;
    assert_eq!(created.endpoint.events, ["message.received", "message.sent"]);
    assert!(t.client.webhooks().list().await?.iter().any(|e| e.id == created.endpoint.id && e.enabled));
    let secret = created.secret;

    // A visitor writes, the business answers: the real server delivers both.
    let visitor = t.visitor().await;
    let mut socket = t.connect(&visitor).await;
    let conversation = t.visitor_writes(&mut socket, "Do you offer enterprise pricing?").await;
    let answer = t
        .client
        .messages()
        .send(SendMessageRequest { channel_id: t.channel.clone(), to: visitor.id.clone(), content: Content::text("We do!") })
        .await?;

    let received = receiver.wait_for("message.received", 0).await;
    match webhooks::verify(&secret, &received.signature, &received.body, webhooks::DEFAULT_TOLERANCE)? {
        WebhookEvent::MessageReceived(m) => {
            assert_eq!((m.from.as_str(), m.direction, m.channel_id.clone()), (visitor.id.as_str(), Direction::Inbound, t.channel.clone()));
            assert_eq!(m.content, Content::text("Do you offer enterprise pricing?"));
            assert_eq!(m.metadata.conversation_id, conversation);
            assert_eq!(m.metadata.page.as_deref(), Some("/pricing"));
        }
        other => panic!("{other:?}"),
    }
    let sent = receiver.wait_for("message.sent", 0).await;
    let WebhookEvent::MessageSent(m) = webhooks::verify(&secret, &sent.signature, &sent.body, webhooks::DEFAULT_TOLERANCE)? else {
        panic!("not message.sent")
    };
    assert_eq!((m.id, m.to), (answer.id, Some(visitor.id.to_string())));

    // A tampered body, a tampered signature, another secret, an old delivery: refused.
    let tampered = String::from_utf8(received.body.clone()).unwrap().replace("enterprise", "free");
    assert!(matches!(webhooks::verify(&secret, &received.signature, tampered, webhooks::DEFAULT_TOLERANCE), Err(VerifyError::Mismatch)));
    let (t_part, v1) = received.signature.split_once(",v1=").unwrap();
    let flipped: String = v1.chars().rev().collect();
    let forged = format!("{t_part},v1={flipped}");
    assert!(matches!(webhooks::verify(&secret, &forged, &received.body, webhooks::DEFAULT_TOLERANCE), Err(VerifyError::Mismatch)));
    assert!(matches!(webhooks::verify("whsec_wrong", &received.signature, &received.body, webhooks::DEFAULT_TOLERANCE), Err(VerifyError::Mismatch)));
    let later = SystemTime::now() + Duration::from_secs(600);
    assert!(matches!(
        webhooks::verify_at(&secret, &received.signature, &received.body, webhooks::DEFAULT_TOLERANCE, later),
        Err(VerifyError::Expired { .. })
    ));
    let err: linktor_sdk::Error = webhooks::verify(&secret, "", &received.body, webhooks::DEFAULT_TOLERANCE).unwrap_err().into();
    assert!(matches!(err, linktor_sdk::Error::Webhook(VerifyError::Malformed)));

    // The delivery log, and a resend that arrives again with the same delivery id.
    let deliveries = t.client.webhooks().deliveries(&created.endpoint.id, Some(10)).await?;
    let logged = deliveries.iter().find(|d| d.id.as_str() == received.delivery_id).expect("the delivery is logged");
    assert_eq!((logged.event.as_str(), logged.status), ("message.received", DeliveryStatus::Delivered));
    assert_eq!(logged.attempt_log[0].status_code, Some(200));
    let resent = t.client.webhooks().resend(&logged.id).await?;
    assert_eq!(resent.id, logged.id);
    let again = receiver.wait_for("message.received", 1).await;
    assert_eq!(again.delivery_id, received.delivery_id);
    assert!(webhooks::verify(&secret, &again.signature, &again.body, webhooks::DEFAULT_TOLERANCE).is_ok());

    // Deleted: gone from the list.
    t.client.webhooks().delete(&created.endpoint.id).await?;
    assert!(t.client.webhooks().list().await?.is_empty());
    assert!(t.client.webhooks().deliveries(&created.endpoint.id, None).await.unwrap_err().is_not_found());
    Ok(())
}

#[tokio::test]
async fn a_send_repeated_with_its_key_is_stored_once() -> Result {
    let t = TestServer::start().await;
    let visitor = t.visitor().await;
    let send = || SendMessageRequest { channel_id: t.channel.clone(), to: visitor.id.clone(), content: Content::text("Your order shipped") };
    let first = t.client.messages().send_with_key(send(), "order-42-shipped").await?;
    let again = t.client.messages().send_with_key(send(), "order-42-shipped").await?;
    assert_eq!(again.id, first.id);
    let other = t.client.messages().send(send()).await?;
    assert_ne!(other.id, first.id);
    let stored = t.client.conversations().messages(&first.conversation_id, &ListMessages::default()).await?;
    assert_eq!(stored.data.len(), 2);
    let err = t.client.messages().send_with_key(send(), "not a valid key").await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    Ok(())
}
