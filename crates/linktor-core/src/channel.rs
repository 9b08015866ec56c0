//! A webchat channel's settings: what the dashboard's Appearance and Behavior
//! tabs edit and what the widget fetches as its defaults. Every field is typed
//! and validated here, so storage and the API never see an unchecked value.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::{allowed_domains, content::url_field, ValidationError};

pub const LANGUAGES: &[&str] = &["en", "es", "pt", "fr", "de", "ar", "he"];

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
    pub primary_color: String,
    pub position: Position,
    pub size: WidgetSize,
    /// URL of a custom launcher icon; `None` is the chat bubble.
    #[ts(optional)]
    pub launcher_icon: Option<String>,
    #[ts(optional)]
    pub logo_url: Option<String>,
    pub company_name: String,
    pub welcome_message: String,
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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
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
    pub name: String,
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
    /// Bytes.
    #[ts(type = "number")]
    pub max_size: u64,
    /// MIME types (`image/*`, `application/pdf`) or extensions (`.docx`).
    pub allowed_types: Vec<String>,
    pub multiple: bool,
}

/// The server's own ceiling, whatever a channel asks for.
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS, ToSchema)]
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
    pub message: String,
    pub form: OfflineForm,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "camelCase", default)]
#[serde(deny_unknown_fields)]
pub struct OfflineForm {
    pub fields: Vec<FormField>,
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

fn is_hex_color(s: &str) -> bool {
    let hex = s.strip_prefix('#').unwrap_or("");
    matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn form_fields(field: &str, fields: &[FormField]) -> Result<(), ValidationError> {
    if fields.len() > 20 {
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
                Trigger::Pageview if r.page.as_deref().is_none_or(|p| p.is_empty() || p.len() > 512) => {
                    return Err(ValidationError::new(format!("{field}.page"), "a pageview trigger needs the page path"));
                }
                Trigger::Scroll if !matches!(r.percentage, Some(1..=100)) => {
                    return Err(ValidationError::new(format!("{field}.percentage"), "a scroll trigger needs a percentage from 1 to 100"));
                }
                _ => {}
            }
            if r.delay.is_some_and(|d| d > 24 * 3600 * 1000) {
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
    fn channel_fields_are_checked() {
        validate_channel_fields("Website Chat", &["example.com".into(), "*.example.com".into()], "en").unwrap();
        assert!(validate_channel_fields("", &["example.com".into()], "en").is_err());
        assert!(validate_channel_fields("x", &[], "en").is_err());
        assert!(validate_channel_fields("x", &["exa mple.com".into()], "en").is_err());
        assert!(validate_channel_fields("x", &["example.com".into()], "xx").is_err());
    }
}
