//! A webchat channel's settings: what the dashboard's Appearance and Behavior
//! tabs edit and what the widget fetches as its defaults. Every field is typed
//! and validated here, so storage and the API never see an unchecked value;
//! the OpenAPI schemas state the same limits to clients.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{
    openapi::{
        schema::{
            AdditionalProperties, AllOfBuilder, AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
            SchemaType, Type,
        },
        RefOr,
    },
    PartialSchema, ToSchema,
};

use crate::{
    allowed_domains,
    content::{push_schema, reference, url_field, HttpUrl, NOT_BLANK_PATTERN},
    ValidationError,
};

pub const LANGUAGES: &[&str] = &["en", "es", "pt", "fr", "de", "ar", "he"];

/// The schema of a language field (`#[schema(value_type = Language)]`): one of `LANGUAGES`.
pub struct Language;

impl PartialSchema for Language {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(LANGUAGES.iter().copied()))
            .description(Some("The widget's language."))
            .into()
    }
}

impl ToSchema for Language {}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    pub appearance: Appearance,
    pub behavior: Behavior,
    pub offline: OfflineSettings,
    pub privacy: PrivacySettings,
    /// When on, a `user.id` from the page is only trusted with a valid `userHash`.
    pub identity_verification: bool,
    /// Assignment and the satisfaction survey: the agents' side, not sent to the widget.
    pub inbox: crate::inbox::InboxSettings,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Position {
    #[default]
    BottomRight,
    BottomLeft,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WidgetSize {
    Compact,
    #[default]
    Standard,
    Large,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct Appearance {
    /// `#RGB` or `#RRGGBB`.
    #[schema(pattern = "^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")]
    pub primary_color: String,
    pub position: Position,
    pub size: WidgetSize,
    /// URL of a custom launcher icon; `None` is the chat bubble.
    #[ts(optional)]
    #[schema(value_type = Option<HttpUrl>)]
    pub launcher_icon: Option<String>,
    #[ts(optional)]
    #[schema(value_type = Option<HttpUrl>)]
    pub logo_url: Option<String>,
    #[schema(max_length = 128)]
    pub company_name: String,
    #[schema(max_length = 1024)]
    pub welcome_message: String,
    #[schema(max_length = 1024)]
    pub offline_message: String,
}

impl Default for Appearance {
    fn default() -> Self {
        Self {
            primary_color: "#0066FF".into(),
            position: Position::BottomRight,
            size: WidgetSize::Standard,
            launcher_icon: None,
            logo_url: None,
            company_name: String::new(),
            welcome_message: "Hi there! How can we help?".into(),
            offline_message: "We are currently offline. Leave a message!".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct Behavior {
    pub pre_chat_form: PreChatForm,
    pub file_upload: FileUploadPolicy,
    pub emojis: bool,
    pub sound_enabled: bool,
    #[schema(max_items = 20)]
    pub proactive_messages: Vec<ProactiveRule>,
}

impl Default for Behavior {
    fn default() -> Self {
        Self {
            pre_chat_form: PreChatForm::default(),
            file_upload: FileUploadPolicy::default(),
            emojis: true,
            sound_enabled: true,
            proactive_messages: Vec::new(),
        }
    }
}

// Its schema is written out below: an enabled form needs a field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct PreChatForm {
    pub enabled: bool,
    pub fields: Vec<FormField>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Email,
    Tel,
    Textarea,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// Unique among the form's fields.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub name: String,
    #[schema(min_length = 1, max_length = 128, pattern = r"[^\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]")]
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct FileUploadPolicy {
    pub enabled: bool,
    /// Bytes, at most the server's own ceiling (50 MiB).
    #[ts(type = "number")]
    #[schema(minimum = 1, maximum = 52428800)]
    pub max_size: u64,
    /// MIME types (`image/*`, `application/pdf`) or extensions (`.docx`).
    #[schema(value_type = Vec<UploadType>, max_items = 50)]
    pub allowed_types: Vec<String>,
    pub multiple: bool,
}

/// The server's own ceiling, whatever a channel asks for.
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// One entry of `allowedTypes` as `ChannelSettings::validate` takes it: an
/// extension (`.pdf`: 1–16 letters or digits) or a MIME type (`image/png`,
/// `image/*`: two parts of letters, digits and `*.+-`, the first not
/// starting with `.`, at most 128 characters).
pub const UPLOAD_TYPE_PATTERN: &str = r"^(\.[A-Za-z0-9]{1,16}|[A-Za-z0-9*+-][A-Za-z0-9*.+-]*/[A-Za-z0-9*.+-]+)$";

/// The schema of an `allowedTypes` entry (`#[schema(value_type = UploadType)]`).
pub struct UploadType;

impl PartialSchema for UploadType {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(128))
            .pattern(Some(UPLOAD_TYPE_PATTERN))
            .description(Some("A MIME type (`image/png`, `image/*`) or an extension (`.pdf`)."))
            .examples(["image/*", ".pdf"])
            .into()
    }
}

impl ToSchema for UploadType {}

impl Default for FileUploadPolicy {
    fn default() -> Self {
        Self {
            enabled: true,
            max_size: 10 * 1024 * 1024,
            allowed_types: vec!["image/*".into(), "application/pdf".into(), ".doc".into(), ".docx".into()],
            multiple: true,
        }
    }
}

impl FileUploadPolicy {
    /// Whether a file of sniffed type `mime` with extension `ext` (no dot,
    /// lowercase) is allowed.
    pub fn allows(&self, mime: &str, ext: Option<&str>) -> bool {
        self.allowed_types.iter().any(|rule| {
            let rule = rule.trim().to_ascii_lowercase();
            if let Some(rule_ext) = rule.strip_prefix('.') {
                // An extension rule: the name must say it and the content must agree.
                ext == Some(rule_ext) && crate::mime_for_extension(rule_ext).is_none_or(|m| m == mime)
            } else if let Some(prefix) = rule.strip_suffix("/*") {
                mime.split('/').next() == Some(prefix)
            } else {
                rule == mime
            }
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Time,
    Pageview,
    Scroll,
    ExitIntent,
}

// Its schema is written out below: what a trigger needs depends on the trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct ProactiveRule {
    pub trigger: Trigger,
    pub message: String,
    /// Milliseconds after the trigger fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub delay: Option<u64>,
    /// For `pageview`: the path to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub page: Option<String>,
    /// For `scroll`: how far down the page, 1–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub percentage: Option<u8>,
    #[serde(default)]
    pub only_once: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct OfflineSettings {
    pub enabled: bool,
    #[schema(max_length = 1024)]
    pub message: String,
    pub form: OfflineForm,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct OfflineForm {
    #[schema(max_items = 20)]
    pub fields: Vec<FormField>,
    #[schema(max_length = 64)]
    pub submit_button: String,
}

impl Default for OfflineSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            message: "We are currently offline. Leave a message and we will get back to you!".into(),
            form: OfflineForm {
                fields: vec![
                    FormField { name: "email".into(), label: "Email".into(), field_type: FieldType::Email, required: true },
                    FormField { name: "message".into(), label: "Message".into(), field_type: FieldType::Textarea, required: true },
                ],
                submit_button: "Send Message".into(),
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    pub cookie_consent: bool,
    /// Days a resolved conversation's data is kept.
    #[schema(minimum = 1, maximum = 3650)]
    pub data_retention: u32,
    #[serde(rename = "anonymizeIP")]
    #[ts(rename = "anonymizeIP")]
    pub anonymize_ip: bool,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self { cookie_consent: false, data_retention: 365, anonymize_ip: false }
    }
}

pub const MAX_RETENTION_DAYS: u32 = 3650;

/// A proactive rule's `delay`: at most one day, in milliseconds.
pub const MAX_PROACTIVE_DELAY_MS: u64 = 24 * 3600 * 1000;
/// A pageview rule's `page`: at most this many bytes.
pub const MAX_PAGE_BYTES: usize = 512;
/// 1–512 ASCII characters: as many bytes.
pub const ASCII_PAGE_PATTERN: &str = r"^[\x00-\x7F]{1,512}$";
/// Fields of a pre-chat or offline form.
pub const MAX_FORM_FIELDS: usize = 20;

/// The schema of a form's `fields`, as `form_fields` checks them.
fn form_fields_schema() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(reference::<FormField>())
        .max_items(Some(MAX_FORM_FIELDS))
        .description(Some("Names unique among them."))
}

fn nullable(t: Type) -> SchemaType {
    SchemaType::from_iter([t, Type::Null])
}

fn not_blank(max: usize) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(max)).pattern(Some(NOT_BLANK_PATTERN))
}

/// A schema that only states `properties`/`required` of an object already typed.
fn condition() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::AnyValue)
}

fn only(value: impl Serialize) -> ObjectBuilder {
    condition().enum_values(Some([serde_json::to_value(value).expect("a plain enum")]))
}

impl PartialSchema for PreChatForm {
    fn schema() -> RefOr<Schema> {
        let form = ObjectBuilder::new()
            .property("enabled", ObjectBuilder::new().schema_type(Type::Boolean).default(Some(false.into())))
            .property("fields", form_fields_schema().default(Some(serde_json::json!([]))))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        // Either off, or with a field to ask.
        let off = condition().property("enabled", only(false));
        let with_fields = condition().property("fields", form_fields_schema().min_items(Some(1))).required("fields");
        AllOfBuilder::new()
            .item(form)
            .item(AnyOfBuilder::new().item(off).item(with_fields))
            .description(Some("Asked before the first message; an enabled form needs at least one field."))
            .into()
    }
}

impl ToSchema for PreChatForm {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push_schema::<FormField>(schemas);
    }
}

// `page` and `percentage` are only checked for the trigger that uses them;
// with another trigger any value is taken, so only that trigger's case
// states their limits.
impl PartialSchema for ProactiveRule {
    fn schema() -> RefOr<Schema> {
        let delay = ObjectBuilder::new()
            .schema_type(nullable(Type::Integer))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(0))
            .maximum(Some(MAX_PROACTIVE_DELAY_MS))
            .description(Some("Milliseconds after the trigger fires, at most one day."));
        let rule = ObjectBuilder::new()
            .property("trigger", reference::<Trigger>())
            .required("trigger")
            .property("message", not_blank(1024))
            .required("message")
            .property("delay", delay)
            .property(
                "page",
                ObjectBuilder::new()
                    .schema_type(nullable(Type::String))
                    .description(Some("For `pageview`: the path to match, as `location.pathname` spells it; a final `*` matches a prefix.")),
            )
            .property(
                "percentage",
                ObjectBuilder::new()
                    .schema_type(nullable(Type::Integer))
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                    .minimum(Some(0))
                    .maximum(Some(u8::MAX))
                    .description(Some("For `scroll`: how far down the page, 1–100.")),
            )
            .property("onlyOnce", ObjectBuilder::new().schema_type(Type::Boolean).default(Some(false.into())))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        // What each trigger needs, as `validate` checks it.
        let case = |trigger: Trigger| {
            let case = condition().property("trigger", only(trigger));
            match trigger {
                Trigger::Pageview => case.property("page", pageview_page()).required("page"),
                Trigger::Scroll => case
                    .property("percentage", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(100)))
                    .required("percentage"),
                Trigger::Time | Trigger::ExitIntent => case,
            }
        };
        let triggers = [Trigger::Time, Trigger::Pageview, Trigger::Scroll, Trigger::ExitIntent];
        AllOfBuilder::new()
            .item(rule)
            .item(triggers.map(case).into_iter().fold(OneOfBuilder::new(), OneOfBuilder::item))
            .description(Some("A message shown on its own when `trigger` fires: `pageview` needs `page`, `scroll` needs `percentage`."))
            .into()
    }
}

impl ToSchema for ProactiveRule {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push_schema::<Trigger>(schemas);
    }
}

/// A pageview rule's `page`: 1–512 bytes as UTF-8, which JSON Schema cannot
/// count, so it states two ways that are surely that: any 128 characters,
/// or up to 512 ASCII ones.
fn pageview_page() -> AnyOfBuilder {
    AnyOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(MAX_PAGE_BYTES / 4)))
        .item(ObjectBuilder::new().schema_type(Type::String).pattern(Some(ASCII_PAGE_PATTERN)))
        .description(Some("1–512 bytes as UTF-8."))
}

fn is_hex_color(s: &str) -> bool {
    let hex = s.strip_prefix('#').unwrap_or("");
    matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn form_fields(field: &str, fields: &[FormField]) -> Result<(), ValidationError> {
    if fields.len() > MAX_FORM_FIELDS {
        return Err(ValidationError::new(field, "at most 20 fields"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, f) in fields.iter().enumerate() {
        let ok_name = !f.name.is_empty()
            && f.name.len() <= 64
            && f.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok_name {
            return Err(ValidationError::new(format!("{field}[{i}].name"), "1–64 characters of A–Z, a–z, 0–9, _ or -"));
        }
        if f.label.trim().is_empty() || f.label.chars().count() > 128 {
            return Err(ValidationError::new(format!("{field}[{i}].label"), "1–128 characters"));
        }
        if !seen.insert(&f.name) {
            return Err(ValidationError::new(format!("{field}[{i}].name"), "field names must be unique"));
        }
    }
    Ok(())
}

fn short_text(field: &str, s: &str, max: usize) -> Result<(), ValidationError> {
    if s.chars().count() > max {
        return Err(ValidationError::new(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

impl ChannelSettings {
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.inbox.validate()?;
        let a = &self.appearance;
        if !is_hex_color(&a.primary_color) {
            return Err(ValidationError::new("appearance.primaryColor", "must be a hex color like #0066FF"));
        }
        for (field, url) in [("appearance.launcherIcon", &a.launcher_icon), ("appearance.logoUrl", &a.logo_url)] {
            if let Some(u) = url {
                url_field(field, u)?;
            }
        }
        short_text("appearance.companyName", &a.company_name, 128)?;
        short_text("appearance.welcomeMessage", &a.welcome_message, 1024)?;
        short_text("appearance.offlineMessage", &a.offline_message, 1024)?;
        let b = &self.behavior;
        form_fields("behavior.preChatForm.fields", &b.pre_chat_form.fields)?;
        if b.pre_chat_form.enabled && b.pre_chat_form.fields.is_empty() {
            return Err(ValidationError::new("behavior.preChatForm.fields", "an enabled pre-chat form needs at least one field"));
        }
        let f = &b.file_upload;
        if f.max_size == 0 || f.max_size > MAX_UPLOAD_BYTES {
            return Err(ValidationError::new("behavior.fileUpload.maxSize", format!("must be 1 to {MAX_UPLOAD_BYTES} bytes")));
        }
        if f.allowed_types.len() > 50 {
            return Err(ValidationError::new("behavior.fileUpload.allowedTypes", "at most 50 types"));
        }
        for (i, t) in f.allowed_types.iter().enumerate() {
            let ok = if let Some(ext) = t.strip_prefix('.') {
                !ext.is_empty() && ext.len() <= 16 && ext.bytes().all(|b| b.is_ascii_alphanumeric())
            } else {
                let mut parts = t.split('/');
                let (top, sub) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                parts.next().is_none()
                    && !top.is_empty()
                    && !sub.is_empty()
                    && t.len() <= 128
                    && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"/*.+-".contains(&b))
            };
            if !ok {
                return Err(ValidationError::new(
                    format!("behavior.fileUpload.allowedTypes[{i}]"),
                    "must be a MIME type (image/png, image/*) or an extension (.pdf)",
                ));
            }
        }
        if b.proactive_messages.len() > 20 {
            return Err(ValidationError::new("behavior.proactiveMessages", "at most 20 rules"));
        }
        for (i, r) in b.proactive_messages.iter().enumerate() {
            let field = format!("behavior.proactiveMessages[{i}]");
            if r.message.trim().is_empty() || r.message.chars().count() > 1024 {
                return Err(ValidationError::new(format!("{field}.message"), "1–1024 characters"));
            }
            match r.trigger {
                Trigger::Pageview if r.page.as_deref().is_none_or(|p| p.is_empty() || p.len() > MAX_PAGE_BYTES) => {
                    return Err(ValidationError::new(format!("{field}.page"), "a pageview trigger needs the page path"));
                }
                Trigger::Scroll if !matches!(r.percentage, Some(1..=100)) => {
                    return Err(ValidationError::new(format!("{field}.percentage"), "a scroll trigger needs a percentage from 1 to 100"));
                }
                _ => {}
            }
            if r.delay.is_some_and(|d| d > MAX_PROACTIVE_DELAY_MS) {
                return Err(ValidationError::new(format!("{field}.delay"), "at most one day in milliseconds"));
            }
        }
        let o = &self.offline;
        short_text("offline.message", &o.message, 1024)?;
        form_fields("offline.form.fields", &o.form.fields)?;
        short_text("offline.form.submitButton", &o.form.submit_button, 64)?;
        if self.privacy.data_retention == 0 || self.privacy.data_retention > MAX_RETENTION_DAYS {
            return Err(ValidationError::new("privacy.dataRetention", format!("must be 1 to {MAX_RETENTION_DAYS} days")));
        }
        Ok(())
    }
}

/// Validates the channel-level fields shared by create and update.
pub fn validate_channel_fields(name: &str, domains: &[String], language: &str) -> Result<(), ValidationError> {
    if name.trim().is_empty() || name.chars().count() > 128 {
        return Err(ValidationError::new("name", "1–128 characters"));
    }
    if domains.is_empty() {
        return Err(ValidationError::new("allowedDomains", "at least one domain is required"));
    }
    if domains.len() > 100 {
        return Err(ValidationError::new("allowedDomains", "at most 100 domains"));
    }
    for (i, d) in domains.iter().enumerate() {
        allowed_domains::validate_pattern(d)
            .map_err(|m| ValidationError::new(format!("allowedDomains[{i}]"), m))?;
    }
    if !LANGUAGES.contains(&language) {
        return Err(ValidationError::new("defaultLanguage", format!("must be one of {}", LANGUAGES.join(", "))));
    }
    Ok(())
}

/// What the widget fetches: the channel's settings without its secrets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WidgetConfig {
    pub channel_id: crate::ChannelId,
    pub name: String,
    #[schema(value_type = Language)]
    pub default_language: String,
    pub appearance: Appearance,
    pub behavior: Behavior,
    pub offline: OfflineSettings,
    pub privacy: PrivacySettings,
    pub identity_verification: bool,
    pub agents_online: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        ChannelSettings::default().validate().unwrap();
    }

    #[test]
    fn upload_policy_matches_types_and_extensions() {
        let p = FileUploadPolicy::default();
        assert!(p.allows("image/png", Some("png")));
        assert!(p.allows("application/pdf", Some("pdf")));
        assert!(p.allows(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Some("docx")
        ));
        // An executable named .docx is still an executable.
        assert!(!p.allows("application/x-executable", Some("docx")));
        assert!(!p.allows("application/x-executable", Some("png")));
        assert!(!p.allows("text/html", Some("html")));
    }

    #[test]
    fn bad_settings_name_the_field() {
        let mut s = ChannelSettings::default();
        s.appearance.primary_color = "red; background:url(x)".into();
        assert_eq!(s.validate().unwrap_err().field, "appearance.primaryColor");
        let mut s = ChannelSettings::default();
        s.behavior.proactive_messages.push(ProactiveRule {
            trigger: Trigger::Scroll, message: "hi".into(), delay: None, page: None, percentage: Some(150), only_once: false,
        });
        assert_eq!(s.validate().unwrap_err().field, "behavior.proactiveMessages[0].percentage");
        let mut s = ChannelSettings::default();
        s.behavior.file_upload.allowed_types = vec!["<script>".into()];
        assert!(s.validate().is_err());
        assert!(serde_json::from_str::<ChannelSettings>(r##"{"appearance":{"primaryColor":"#fff","evil":1}}"##).is_err());
    }

    #[test]
    fn conditional_schemas_name_what_each_case_needs() {
        let rule = serde_json::to_value(ProactiveRule::schema()).unwrap();
        let cases = rule["allOf"][1]["oneOf"].as_array().unwrap();
        let triggers: Vec<_> = cases.iter().map(|c| c["properties"]["trigger"]["enum"][0].clone()).collect();
        // Every trigger has its case (a new one must be added to the schema's list).
        assert_eq!(serde_json::json!(triggers), serde_json::json!([Trigger::Time, Trigger::Pageview, Trigger::Scroll, Trigger::ExitIntent]));
        assert_eq!(cases[1]["required"][0], "page");
        assert_eq!(cases[2]["required"][0], "percentage");
        assert_eq!(rule["allOf"][0]["properties"]["delay"]["maximum"], MAX_PROACTIVE_DELAY_MS);
        let form = serde_json::to_value(PreChatForm::schema()).unwrap();
        assert_eq!(form["allOf"][1]["anyOf"][1]["properties"]["fields"]["minItems"], 1);
    }

    #[test]
    fn pages_of_the_schema_are_accepted() {
        // The edges of the schema's two ways: 128 four-byte characters, 512 ASCII ones.
        for page in ["😀".repeat(MAX_PAGE_BYTES / 4), format!("\0{}", "/".repeat(MAX_PAGE_BYTES - 1))] {
            let mut s = ChannelSettings::default();
            s.behavior.proactive_messages.push(ProactiveRule {
                trigger: Trigger::Pageview, message: "hi".into(), delay: None, page: Some(page), percentage: None, only_once: false,
            });
            s.validate().unwrap();
        }
    }

    #[test]
    fn names_of_the_schema_are_accepted() {
        // TRIMMED_NAME_PATTERN's edges: white space of every kind around 1 or 128 characters.
        for name in [" \u{3000}x\u{85}\t".to_owned(), format!("\u{a0}{}\u{2029}", "é".repeat(128))] {
            validate_channel_fields(name.trim(), &["example.com".into()], "en").unwrap_or_else(|e| panic!("{name:?}: {e}"));
        }
    }

    #[test]
    fn schema_limits_are_the_validation_constants() {
        let upload = serde_json::to_value(FileUploadPolicy::schema()).unwrap();
        assert_eq!(upload["properties"]["maxSize"]["maximum"], MAX_UPLOAD_BYTES);
        let privacy = serde_json::to_value(PrivacySettings::schema()).unwrap();
        assert_eq!(privacy["properties"]["dataRetention"]["maximum"], MAX_RETENTION_DAYS);
        let offline = serde_json::to_value(OfflineForm::schema()).unwrap();
        assert_eq!(offline["properties"]["fields"]["maxItems"], MAX_FORM_FIELDS);
        let language = serde_json::to_value(Language::schema()).unwrap();
        assert_eq!(language["enum"], serde_json::json!(LANGUAGES));
    }

    #[test]
    fn upload_types_of_the_pattern_are_accepted() {
        // Each matches UPLOAD_TYPE_PATTERN, at its edges.
        for t in ["*/*", "-/-", "+.a/.", ".A", ".0123456789abcdef", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] {
            let mut s = ChannelSettings::default();
            s.behavior.file_upload.allowed_types = vec![t.into()];
            s.validate().unwrap_or_else(|e| panic!("{t}: {e}"));
        }
    }

    #[test]
    fn channel_fields_are_checked() {
        validate_channel_fields("Website Chat", &["example.com".into(), "*.example.com".into()], "en").unwrap();
        assert!(validate_channel_fields("", &["example.com".into()], "en").is_err());
        assert!(validate_channel_fields("x", &[], "en").is_err());
        assert!(validate_channel_fields("x", &["exa mple.com".into()], "en").is_err());
        assert!(validate_channel_fields("x", &["example.com".into()], "xx").is_err());
    }
}
