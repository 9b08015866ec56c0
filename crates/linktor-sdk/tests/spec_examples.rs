//! The spec's Server-Side API and Typing Indicators examples, written as the
//! crate documentation writes them, against the real server: what they send
//! reaches the visitor's WebSocket, exactly the spec's JSON.

mod common;

use common::TestServer;
use linktor_sdk::{linktor_core::TypingState, prelude::*, Direction, SenderType};
use serde_json::json;

#[tokio::test]
async fn the_three_messages_send_examples_reach_the_visitor() -> Result<(), linktor_sdk::Error> {
    let t = TestServer::start().await;
    let visitor = t.visitor().await;
    let mut socket = t.connect(&visitor).await;
    let client = &t.client;
    let (channel, to) = (t.channel.to_string(), visitor.id.to_string());

    // Send message to a visitor
    let text = client
        .messages()
        .send(SendMessageRequest {
            channel_id: channel.parse()?,
            to: to.parse()?, // Visitor ID from session
            content: Content::text("Thanks for your patience! Here is the information you requested."),
        })
        .await?;

    // Send rich message with buttons
    let buttons = client
        .messages()
        .send(SendMessageRequest {
            channel_id: channel.parse()?,
            to: to.parse()?,
            content: Content::interactive(
                "How would you rate your experience?",
                [
                    Button::new("rating_great", "Great!"),
                    Button::new("rating_good", "Good"),
                    Button::new("rating_poor", "Could be better"),
                ],
            ),
        })
        .await?;

    // Send a card with image
    let card = client
        .messages()
        .send(SendMessageRequest {
            channel_id: channel.parse()?,
            to: to.parse()?,
            content: Content::card(
                Card::new("iPhone 15 Pro")
                    .with_subtitle("$999 - Free shipping")
                    .with_image_url("https://example.com/iphone.jpg")
                    .with_button(Button::link("view", "View Details", "https://example.com/products/iphone-15"))
                    .with_button(Button::new("buy", "Add to Cart")),
            ),
        })
        .await?;

    // The spec's objects, exactly.
    let spec = [
        json!({ "type": "text", "text": "Thanks for your patience! Here is the information you requested." }),
        json!({ "type": "interactive", "interactive": { "type": "buttons",
            "body": { "text": "How would you rate your experience?" },
            "buttons": [ { "id": "rating_great", "label": "Great!" }, { "id": "rating_good", "label": "Good" },
                         { "id": "rating_poor", "label": "Could be better" } ] } }),
        json!({ "type": "card", "card": { "title": "iPhone 15 Pro", "subtitle": "$999 - Free shipping",
            "imageUrl": "https://example.com/iphone.jpg",
            "buttons": [ { "id": "view", "label": "View Details", "url": "https://example.com/products/iphone-15" },
                         { "id": "buy", "label": "Add to Cart" } ] } }),
    ];
    let sent = [text, buttons, card];
    for (stored, spec) in sent.iter().zip(&spec) {
        assert_eq!(&serde_json::to_value(&stored.content).unwrap(), spec);
        assert_eq!(stored.direction, Direction::Outbound);
        assert_eq!(stored.sender.sender_type, SenderType::Api);
    }
    assert_eq!((sent[0].seq, sent[1].seq, sent[2].seq), (1, 2, 3));
    assert!(sent.iter().all(|m| m.conversation_id == sent[0].conversation_id));

    // Each reaches the visitor's socket, in order, as stored.
    for stored in &sent {
        assert_eq!(&socket.next_message().await, stored);
    }

    // The same with the enum written out: the constructors are only shorthand.
    let literal = client
        .messages()
        .send(SendMessageRequest {
            channel_id: t.channel.clone(),
            to: visitor.id.clone(),
            content: Content::Text { text: "Thanks for your patience! Here is the information you requested.".into() },
        })
        .await?;
    assert_eq!(literal.content, sent[0].content);
    assert_eq!(socket.next_message().await.id, literal.id);
    Ok(())
}

#[tokio::test]
async fn the_typing_example_reaches_the_visitor() -> Result<(), linktor_sdk::Error> {
    let t = TestServer::start().await;
    let visitor = t.visitor().await;
    let mut socket = t.connect(&visitor).await;
    let conversation = t.visitor_writes(&mut socket, "Do you offer enterprise pricing?").await;
    let client = &t.client;
    let (channel_id, conversation_id) = (t.channel.as_str(), conversation.as_str());

    // Show typing indicator
    client.webchat().typing().start(channel_id, conversation_id).await?;
    let (state, sender) = socket.next_typing().await;
    assert_eq!((state, sender.sender_type), (TypingState::Start, SenderType::Api));

    // Stop typing indicator
    client.webchat().typing().stop(channel_id, conversation_id).await?;
    assert_eq!(socket.next_typing().await.0, TypingState::Stop);

    // Typed ids work as well as their text.
    client.webchat().typing().start(&t.channel, &conversation).await?;
    assert_eq!(socket.next_typing().await.0, TypingState::Start);
    Ok(())
}
