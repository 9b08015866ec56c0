//! Message content: the five types of the spec's `messages.send` (`text`,
//! `interactive` buttons, `card`, plus `image` and `file`), with the limits
//! every sender (visitor, agent, API) is held to. Text is data, never markup.
//! The OpenAPI schemas state those limits (`validate` is the rule; the
//! schemas say it to clients and are tested against it).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{
    openapi::{
        schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type},
        Ref, RefOr,
    },
    PartialSchema, ToSchema,
};

use crate::ValidationError;

pub const MAX_TEXT_CHARS: usize = 4096;
pub const MAX_BUTTONS: usize = 10;
pub const MAX_LABEL_CHARS: usize = 64;
pub const MAX_URL_CHARS: usize = 2048;
/// The largest size a file or image may state: what a browser's number holds exactly.
pub const MAX_SIZE: u64 = 9_007_199_254_740_991;

// Its schema is written out below: utoipa does not carry `deny_unknown_fields`
// to the variants of a tagged enum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
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
    #[schema(value_type = HttpUrl)]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 4096)]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 255)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    #[schema(maximum = 9_007_199_254_740_991_f64)]
    pub size: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct FileContent {
    #[schema(value_type = HttpUrl)]
    pub url: String,
    #[schema(min_length = 1, max_length = 255, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    #[schema(maximum = 9_007_199_254_740_991_f64)]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(min_length = 1, max_length = 255, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub mime_type: Option<String>,
}

// Its schema is written out below, as `Content`'s is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "lowercase")]
#[serde(deny_unknown_fields)]
pub enum Interactive {
    Buttons { body: InteractiveBody, buttons: Vec<Button> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InteractiveBody {
    #[schema(min_length = 1, max_length = 4096, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct Button {
    /// Unique among the message's buttons.
    #[schema(min_length = 1, max_length = 64, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub id: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub label: String,
    /// A card button with a URL opens it; without one, a click answers the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(value_type = Option<HttpUrl>)]
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct Card {
    #[schema(min_length = 1, max_length = 256, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 1024)]
    pub subtitle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(value_type = Option<HttpUrl>)]
    pub image_url: Option<String>,
    /// Ids unique among them.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub buttons: Vec<Button>,
}

/// What `str::trim` removes (Rust's White_Space set) as the body of a regex
/// class, spelled out because `\s` differs between regex dialects.
macro_rules! white_space {
    () => {
        r"\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
    };
}

/// A text that is not all white space: it has a character `str::trim` keeps.
/// Fields with a rule repeat its pattern as a literal (utoipa takes no
/// constant); a test holds them to it.
pub const NOT_BLANK_PATTERN: &str = concat!("[^", white_space!(), "]");

/// 1–128 characters once `str::trim` has taken white space from both ends.
pub const TRIMMED_NAME_PATTERN: &str =
    concat!("^[", white_space!(), "]*[^", white_space!(), r"]([\s\S]{0,126}[^", white_space!(), "])?[", white_space!(), "]*$");

/// An absolute http(s) URL as documents state it: a subset of what
/// `url_field` accepts, so a client that follows it is never refused. The
/// host is a dotted-quad IPv4 address or an ASCII host name with no `--` (an
/// `xn--` label must be valid punycode) whose last label starts with a letter
/// (else it would be read as an IPv4 number); then an optional port, path
/// and query.
pub const HTTP_URL_PATTERN: &str = concat!(
    r"^https?://(((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
    r"|([A-Za-z0-9]+(-[A-Za-z0-9]+)*\.)*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*)",
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$",
);

/// The schema of a URL field (`#[schema(value_type = HttpUrl)]`); the field
/// stays a `String`.
pub struct HttpUrl;

impl PartialSchema for HttpUrl {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_URL_CHARS))
            .pattern(Some(HTTP_URL_PATTERN))
            .description(Some("An absolute http(s) URL."))
            .examples(["https://example.com/products/iphone-15.jpg"])
            .into()
    }
}

impl ToSchema for HttpUrl {}

/// `{"type": tag, field: schema}` and nothing else: a variant of a tagged enum.
fn tagged(tag: &str, field: &str, schema: impl Into<RefOr<Schema>>) -> ObjectBuilder {
    ObjectBuilder::new()
        .property("type", ObjectBuilder::new().schema_type(Type::String).enum_values(Some([tag])))
        .required("type")
        .property(field, schema)
        .required(field)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

pub(crate) fn reference<T: ToSchema>() -> RefOr<Schema> {
    Ref::from_schema_name(T::name()).into()
}

pub(crate) fn push_schema<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
}

impl PartialSchema for Content {
    fn schema() -> RefOr<Schema> {
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX_TEXT_CHARS))
            .pattern(Some(NOT_BLANK_PATTERN));
        OneOfBuilder::new()
            .item(tagged("text", "text", text))
            .item(tagged("image", "image", reference::<ImageContent>()))
            .item(tagged("file", "file", reference::<FileContent>()))
            .item(tagged("interactive", "interactive", reference::<Interactive>()))
            .item(tagged("card", "card", reference::<Card>()))
            .into()
    }
}

impl ToSchema for Content {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push_schema::<ImageContent>(schemas);
        push_schema::<FileContent>(schemas);
        push_schema::<Interactive>(schemas);
        push_schema::<Card>(schemas);
    }
}

impl PartialSchema for Interactive {
    fn schema() -> RefOr<Schema> {
        let buttons = ArrayBuilder::new()
            .items(reference::<Button>())
            .min_items(Some(1))
            .max_items(Some(MAX_BUTTONS))
            .description(Some("Ids unique among them."));
        OneOfBuilder::new().item(tagged("buttons", "buttons", buttons).property("body", reference::<InteractiveBody>()).required("body")).into()
    }
}

impl ToSchema for Interactive {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push_schema::<InteractiveBody>(schemas);
        push_schema::<Button>(schemas);
    }
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

    /// A short plain-text rendering, for previews and notifications (search uses `search_text`).
    pub fn preview(&self) -> String {
        match self {
            Content::Text { text } => text.clone(),
            Content::Image { image } => image.caption.clone().unwrap_or_else(|| "[image]".into()),
            Content::File { file } => format!("[file] {}", file.name),
            Content::Interactive { interactive: Interactive::Buttons { body, .. } } => body.text.clone(),
            Content::Card { card } => card.title.clone(),
        }
    }

    /// Every word a search finds the message by: the text, an image's
    /// caption and file name, a file's name, buttons' body and labels, a
    /// card's title, subtitle and button labels. One line each.
    pub fn search_text(&self) -> String {
        fn labels(buttons: &[Button]) -> impl Iterator<Item = &str> {
            buttons.iter().map(|b| b.label.as_str())
        }
        let parts: Vec<&str> = match self {
            Content::Text { text } => vec![text],
            Content::Image { image } => image.caption.iter().chain(image.name.iter()).map(String::as_str).collect(),
            Content::File { file } => vec![&file.name],
            Content::Interactive { interactive: Interactive::Buttons { body, buttons } } => std::iter::once(body.text.as_str()).chain(labels(buttons)).collect(),
            Content::Card { card } => std::iter::once(card.title.as_str()).chain(card.subtitle.as_deref()).chain(labels(&card.buttons)).collect(),
        };
        parts.join("\n")
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
                size_field("content.image.size", image.size)
            }
            Content::File { file } => {
                url_field("content.file.url", &file.url)?;
                text_field("content.file.name", &file.name, 255, true)?;
                if let Some(m) = &file.mime_type {
                    text_field("content.file.mimeType", m, 255, true)?;
                }
                size_field("content.file.size", file.size)
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

/// A stated size a page's script can hold exactly (at most `MAX_SIZE`).
fn size_field(field: &str, size: Option<u64>) -> Result<(), ValidationError> {
    match size {
        Some(s) if s > MAX_SIZE => Err(ValidationError::new(field, format!("at most {MAX_SIZE}"))),
        _ => Ok(()),
    }
}

pub(crate) fn text_field(field: &str, value: &str, max: usize, required: bool) -> Result<(), ValidationError> {
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

    /// The characters `NOT_BLANK_PATTERN`'s class leaves out, read back from its text.
    fn not_blank_class() -> Vec<(char, char)> {
        let class = NOT_BLANK_PATTERN.strip_prefix("[^").and_then(|c| c.strip_suffix(']')).unwrap();
        // `\xHH` or `\uHHHH`, and what follows it.
        fn escape(s: &str) -> (char, &str) {
            let (digits, n) = if let Some(r) = s.strip_prefix("\\x") { (r, 2) } else { (s.strip_prefix("\\u").unwrap(), 4) };
            (char::from_u32(u32::from_str_radix(&digits[..n], 16).unwrap()).unwrap(), &digits[n..])
        }
        let (mut rest, mut ranges) = (class, Vec::new());
        while !rest.is_empty() {
            let (from, r) = escape(rest);
            let (to, r) = match r.strip_prefix('-') {
                Some(r) => escape(r),
                None => (from, r),
            };
            ranges.push((from, to));
            rest = r;
        }
        ranges
    }

    #[test]
    fn not_blank_pattern_leaves_out_exactly_what_trim_removes() {
        let class = not_blank_class();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(c.is_whitespace(), class.iter().any(|&(a, b)| (a..=b).contains(&c)), "{c:?}");
        }
    }

    #[test]
    fn urls_of_the_pattern_are_accepted() {
        // Each matches HTTP_URL_PATTERN, at its edges: one label, an IPv4 address, hyphens, a
        // label like a hex number that is not the last, large ports,
        // every path and query character it allows, a bad percent-escape.
        for url in [
            "http://a",
            "http://255.249.199.0:65535/x",
            "https://a-b.c-d.example",
            "http://0x1.1.a:59999/",
            "https://EXAMPLE.com/p/a%zz/./../x?q=1&r=(x)*,;=:@/?",
            "http://a/._~%!$&'()*+,;=:@/-",
        ] {
            url_field("u", url).unwrap_or_else(|e| panic!("{url}: {e}"));
        }
    }

    #[test]
    fn the_schema_refuses_unknown_fields_in_every_variant() {
        let schema = serde_json::to_value(Content::schema()).unwrap();
        let variants = schema["oneOf"].as_array().unwrap();
        let tags: Vec<&str> = variants.iter().map(|v| v["properties"]["type"]["enum"][0].as_str().unwrap()).collect();
        assert_eq!(tags, ["text", "image", "file", "interactive", "card"]);
        for v in variants {
            assert_eq!(v["additionalProperties"], false, "{v}");
        }
        let interactive = serde_json::to_value(Interactive::schema()).unwrap();
        assert_eq!(interactive["oneOf"][0]["additionalProperties"], false);
        assert_eq!(interactive["oneOf"][0]["properties"]["buttons"]["maxItems"], MAX_BUTTONS);
    }

    #[test]
    fn a_stated_size_fits_a_browser_number() {
        let file = |size| Content::File { file: FileContent { url: "https://example.com/a.pdf".into(), name: "a.pdf".into(), size: Some(size), mime_type: None } };
        assert!(file(MAX_SIZE).validate().is_ok());
        assert_eq!(file(MAX_SIZE + 1).validate().unwrap_err().field, "content.file.size");
    }

    #[test]
    fn script_in_text_is_kept_as_text() {
        let c = parse(json!({"type": "text", "text": "<script>alert(1)</script>"}));
        c.validate().unwrap();
        assert_eq!(c.preview(), "<script>alert(1)</script>");
    }
}
