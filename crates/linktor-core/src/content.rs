//! Message content: the five types of the spec's `messages.send` (`text`,
//! `interactive` buttons, `card`, plus `image` and `file`), with the limits
//! every sender (visitor, agent, API) is held to. Text is data, never markup.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ValidationError;

pub const MAX_TEXT_CHARS: usize = 4096;
pub const MAX_BUTTONS: usize = 10;
pub const MAX_LABEL_CHARS: usize = 64;
pub const MAX_URL_CHARS: usize = 2048;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
#[serde(deny_unknown_fields)]
pub enum Content {
    Text { text: String },
    Image { image: ImageContent },
    File { file: FileContent },
    Interactive { interactive: Interactive },
    Card { card: Card },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct ImageContent {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub size: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct FileContent {
    pub url: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub mime_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
#[serde(deny_unknown_fields)]
pub enum Interactive {
    Buttons { body: InteractiveBody, buttons: Vec<Button> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InteractiveBody {
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct Button {
    pub id: String,
    pub label: String,
    /// A card button with a URL opens it; without one, a click answers the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct Card {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub subtitle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub buttons: Vec<Button>,
}

impl Content {
    pub fn kind(&self) -> &'static str {
        match self {
            Content::Text { .. } => "text",
            Content::Image { .. } => "image",
            Content::File { .. } => "file",
            Content::Interactive { .. } => "interactive",
            Content::Card { .. } => "card",
        }
    }

    /// The buttons a visitor may click on this message.
    pub fn buttons(&self) -> &[Button] {
        match self {
            Content::Interactive { interactive: Interactive::Buttons { buttons, .. } } => buttons,
            Content::Card { card } => &card.buttons,
            _ => &[],
        }
    }

    /// A short plain-text rendering, for search, previews and notifications.
    pub fn preview(&self) -> String {
        match self {
            Content::Text { text } => text.clone(),
            Content::Image { image } => image.caption.clone().unwrap_or_else(|| "[image]".into()),
            Content::File { file } => format!("[file] {}", file.name),
            Content::Interactive { interactive: Interactive::Buttons { body, .. } } => body.text.clone(),
            Content::Card { card } => card.title.clone(),
        }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        match self {
            Content::Text { text } => text_field("content.text", text, MAX_TEXT_CHARS, true),
            Content::Image { image } => {
                url_field("content.image.url", &image.url)?;
                if let Some(c) = &image.caption {
                    text_field("content.image.caption", c, MAX_TEXT_CHARS, false)?;
                }
                if let Some(n) = &image.name {
                    text_field("content.image.name", n, 255, false)?;
                }
                Ok(())
            }
            Content::File { file } => {
                url_field("content.file.url", &file.url)?;
                text_field("content.file.name", &file.name, 255, true)?;
                if let Some(m) = &file.mime_type {
                    text_field("content.file.mimeType", m, 255, true)?;
                }
                Ok(())
            }
            Content::Interactive { interactive: Interactive::Buttons { body, buttons } } => {
                text_field("content.interactive.body.text", &body.text, MAX_TEXT_CHARS, true)?;
                if buttons.is_empty() {
                    return Err(ValidationError::new("content.interactive.buttons", "at least one button is required"));
                }
                buttons_field("content.interactive.buttons", buttons)
            }
            Content::Card { card } => {
                text_field("content.card.title", &card.title, 256, true)?;
                if let Some(s) = &card.subtitle {
                    text_field("content.card.subtitle", s, 1024, false)?;
                }
                if let Some(u) = &card.image_url {
                    url_field("content.card.imageUrl", u)?;
                }
                buttons_field("content.card.buttons", &card.buttons)
            }
        }
    }
}

fn text_field(field: &str, value: &str, max: usize, required: bool) -> Result<(), ValidationError> {
    if required && value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(ValidationError::new(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

/// Only http(s) URLs: a `javascript:` or `data:` URL must never reach a page.
pub fn url_field(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.len() > MAX_URL_CHARS {
        return Err(ValidationError::new(field, format!("must be at most {MAX_URL_CHARS} characters")));
    }
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(ValidationError::new(field, "must be an absolute http(s) URL")),
    }
}

fn buttons_field(field: &str, buttons: &[Button]) -> Result<(), ValidationError> {
    if buttons.len() > MAX_BUTTONS {
        return Err(ValidationError::new(field, format!("at most {MAX_BUTTONS} buttons")));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, b) in buttons.iter().enumerate() {
        text_field(&format!("{field}[{i}].id"), &b.id, MAX_LABEL_CHARS, true)?;
        text_field(&format!("{field}[{i}].label"), &b.label, MAX_LABEL_CHARS, true)?;
        if let Some(u) = &b.url {
            url_field(&format!("{field}[{i}].url"), u)?;
        }
        if !seen.insert(b.id.as_str()) {
            return Err(ValidationError::new(format!("{field}[{i}].id"), "button ids must be unique"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: serde_json::Value) -> Content {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_spec_examples_parse_and_validate() {
        let text = parse(json!({"type": "text", "text": "Thanks for your patience! Here is the information you requested."}));
        let buttons = parse(json!({"type": "interactive", "interactive": {"type": "buttons",
            "body": {"text": "How would you rate your experience?"},
            "buttons": [{"id": "rating_great", "label": "Great!"}, {"id": "rating_good", "label": "Good"},
                        {"id": "rating_poor", "label": "Could be better"}]}}));
        let card = parse(json!({"type": "card", "card": {"title": "iPhone 15 Pro", "subtitle": "$999 - Free shipping",
            "imageUrl": "https://example.com/iphone.jpg",
            "buttons": [{"id": "view", "label": "View Details", "url": "https://example.com/products/iphone-15"},
                        {"id": "buy", "label": "Add to Cart"}]}}));
        for c in [&text, &buttons, &card] {
            c.validate().unwrap();
        }
        assert_eq!(buttons.buttons().len(), 3);
        assert_eq!(card.buttons()[0].url.as_deref(), Some("https://example.com/products/iphone-15"));
    }

    #[test]
    fn hostile_content_is_refused() {
        assert!(parse(json!({"type": "text", "text": "  "})).validate().is_err());
        assert!(parse(json!({"type": "text", "text": "x".repeat(MAX_TEXT_CHARS + 1)})).validate().is_err());
        let js = parse(json!({"type": "card", "card": {"title": "t", "buttons": [{"id": "a", "label": "a", "url": "javascript:alert(1)"}]}}));
        assert_eq!(js.validate().unwrap_err().field, "content.card.buttons[0].url");
        assert!(parse(json!({"type": "image", "image": {"url": "data:text/html,<script>"}})).validate().is_err());
        assert!(serde_json::from_value::<Content>(json!({"type": "html", "html": "<b>"})).is_err());
        assert!(serde_json::from_value::<Content>(json!({"type": "text", "text": "a", "extra": 1})).is_err());
        let dup = parse(json!({"type": "interactive", "interactive": {"type": "buttons", "body": {"text": "q"},
            "buttons": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}}));
        assert!(dup.validate().is_err());
    }

    #[test]
    fn script_in_text_is_kept_as_text() {
        let c = parse(json!({"type": "text", "text": "<script>alert(1)</script>"}));
        c.validate().unwrap();
        assert_eq!(c.preview(), "<script>alert(1)</script>");
    }
}
