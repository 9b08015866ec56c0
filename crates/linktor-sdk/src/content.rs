//! Message content: linktor-core's types (the server's own, re-exported here)
//! and short constructors that only fill them in: `Content::text("Hi")` builds
//! exactly `{ "type": "text", "text": "Hi" }`. Bring the constructor traits
//! into scope with `use linktor_sdk::prelude::*`.

pub use linktor_core::content::*;

/// Constructors of [`Content`], one per message type.
///
/// ```
/// use linktor_sdk::prelude::*;
///
/// let text = Content::text("Hello!");
/// let buttons = Content::interactive("How would you rate your experience?", [
///     Button::new("rating_great", "Great!"),
///     Button::new("rating_poor", "Could be better"),
/// ]);
/// let image = Content::image_with_caption("https://example.com/iphone.jpg", "The new one");
/// let file = Content::file("https://example.com/terms.pdf", "terms.pdf");
/// assert_eq!(text.kind(), "text");
/// assert_eq!(buttons.buttons().len(), 2);
/// # let _ = (image, file);
/// ```
pub trait ContentExt: Sized {
    /// `{ "type": "text", "text": … }`: plain text (never markup), up to 4,096 characters.
    fn text(text: impl Into<String>) -> Self;
    /// `{ "type": "interactive", "interactive": { "type": "buttons", "body": { "text" }, "buttons" } }`:
    /// a question with 1–10 reply buttons; a click comes back as the visitor's
    /// message and a `webchat.button.clicked` webhook.
    fn interactive(body: impl Into<String>, buttons: impl IntoIterator<Item = Button>) -> Self;
    /// `{ "type": "card", "card": … }`: see [`CardExt`] to build the card.
    fn card(card: Card) -> Self;
    /// `{ "type": "image", "image": { "url" } }`: an http(s) image URL.
    fn image(url: impl Into<String>) -> Self;
    /// `{ "type": "image", "image": { "url", "caption" } }`.
    fn image_with_caption(url: impl Into<String>, caption: impl Into<String>) -> Self;
    /// `{ "type": "file", "file": { "url", "name" } }`; set `size` and
    /// `mimeType` by building [`FileContent`] yourself.
    fn file(url: impl Into<String>, name: impl Into<String>) -> Self;
}

impl ContentExt for Content {
    fn text(text: impl Into<String>) -> Content {
        Content::Text { text: text.into() }
    }

    fn interactive(body: impl Into<String>, buttons: impl IntoIterator<Item = Button>) -> Content {
        Content::Interactive {
            interactive: Interactive::Buttons {
                body: InteractiveBody { text: body.into() },
                buttons: buttons.into_iter().collect(),
            },
        }
    }

    fn card(card: Card) -> Content {
        Content::Card { card }
    }

    fn image(url: impl Into<String>) -> Content {
        Content::Image { image: ImageContent { url: url.into(), caption: None, name: None, size: None } }
    }

    fn image_with_caption(url: impl Into<String>, caption: impl Into<String>) -> Content {
        Content::Image { image: ImageContent { url: url.into(), caption: Some(caption.into()), name: None, size: None } }
    }

    fn file(url: impl Into<String>, name: impl Into<String>) -> Content {
        Content::File { file: FileContent { url: url.into(), name: name.into(), size: None, mime_type: None } }
    }
}

/// Constructors of [`Button`].
pub trait ButtonExt: Sized {
    /// A button that answers the server: the click becomes the visitor's message.
    fn new(id: impl Into<String>, label: impl Into<String>) -> Self;
    /// A card button that opens `url` (http or https) in a new tab.
    fn link(id: impl Into<String>, label: impl Into<String>, url: impl Into<String>) -> Self;
}

impl ButtonExt for Button {
    fn new(id: impl Into<String>, label: impl Into<String>) -> Button {
        Button { id: id.into(), label: label.into(), url: None }
    }

    fn link(id: impl Into<String>, label: impl Into<String>, url: impl Into<String>) -> Button {
        Button { id: id.into(), label: label.into(), url: Some(url.into()) }
    }
}

/// Constructors of [`Card`].
///
/// ```
/// use linktor_sdk::prelude::*;
/// use linktor_sdk::content::Card;
///
/// let card = Card::new("iPhone 15 Pro")
///     .with_subtitle("$999 - Free shipping")
///     .with_image_url("https://example.com/iphone.jpg")
///     .with_button(Button::link("view", "View Details", "https://example.com/products/iphone-15"))
///     .with_button(Button::new("buy", "Add to Cart"));
/// assert_eq!(card.buttons.len(), 2);
/// ```
pub trait CardExt: Sized {
    /// A card with a title and nothing else yet.
    fn new(title: impl Into<String>) -> Self;
    /// The line under the title.
    fn with_subtitle(self, subtitle: impl Into<String>) -> Self;
    /// The picture on top (an http(s) URL).
    fn with_image_url(self, url: impl Into<String>) -> Self;
    /// One more button (at most 10).
    fn with_button(self, button: Button) -> Self;
}

impl CardExt for Card {
    fn new(title: impl Into<String>) -> Self {
        Card { title: title.into(), subtitle: None, image_url: None, buttons: Vec::new() }
    }

    fn with_subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(subtitle.into());
        self
    }

    fn with_image_url(mut self, url: impl Into<String>) -> Self {
        self.image_url = Some(url.into());
        self
    }

    fn with_button(mut self, button: Button) -> Self {
        self.buttons.push(button);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn constructors_build_the_wire_shapes() {
        let v = |c: Content| serde_json::to_value(c).unwrap();
        assert_eq!(v(Content::text("Hi")), json!({"type": "text", "text": "Hi"}));
        assert_eq!(v(Content::image("https://e.com/a.png")), json!({"type": "image", "image": {"url": "https://e.com/a.png"}}));
        assert_eq!(
            v(Content::image_with_caption("https://e.com/a.png", "A")),
            json!({"type": "image", "image": {"url": "https://e.com/a.png", "caption": "A"}})
        );
        assert_eq!(
            v(Content::file("https://e.com/t.pdf", "t.pdf")),
            json!({"type": "file", "file": {"url": "https://e.com/t.pdf", "name": "t.pdf"}})
        );
        assert_eq!(
            v(Content::interactive("Q?", [Button::new("a", "A")])),
            json!({"type": "interactive", "interactive": {"type": "buttons", "body": {"text": "Q?"}, "buttons": [{"id": "a", "label": "A"}]}})
        );
        assert_eq!(
            v(Content::card(Card::new("T").with_button(Button::link("v", "V", "https://e.com")))),
            json!({"type": "card", "card": {"title": "T", "buttons": [{"id": "v", "label": "V", "url": "https://e.com"}]}})
        );
    }
}
