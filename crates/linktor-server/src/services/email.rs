//! Conversations that continue by email: the rules. A business message the
//! visitor has not read (`conversations.visitor_read_seq`) within
//! `LINKTOR_EMAIL_DELAY` is mailed, with every other unread one of the
//! conversation, once (the store's mark moves before the mail is sent), to a
//! visitor whose address is known and who has not opted out; in the
//! channel's language and colour, with a signed link that reopens the chat
//! where they were and a signed reply address. A reply that comes back
//! (`smtp`) becomes the visitor's message through the one visitor path.
//! Transcripts go out on request, rate limited per conversation.

use chrono::Utc;
use linktor_core::{
    api::Conversation, content::Interactive, email::EmailStatus, AccountId, ChannelId, Content, ConversationId, Direction, Message,
    ValidationError, VisitorId,
};
use linktor_store::{ChannelRecord, DueEmail, EmailKind, Owned, StoreError, VisitorRecord};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

use super::messages::{VisitorCtx, VisitorMessage};
use crate::{
    error::{ApiError, ApiResult},
    jobs::{
        email::{retry_delay, MAX_ATTEMPTS},
        mailer::{OutgoingMail, SendError},
    },
    state::{AppState, SharedState},
    tokens::TokenSigner,
};

/// The query parameter of the emailed link that the widget exchanges for the visitor's session.
pub const RESUME_PARAM: &str = "linktor_resume";
/// How long emailed links and reply addresses stay valid.
const LINK_DAYS: i64 = 30;
/// How long an unsubscribe link stays valid.
const UNSUBSCRIBE_DAYS: i64 = 365;
/// Transcripts of one conversation per hour.
pub const TRANSCRIPTS_PER_HOUR: i64 = 3;
/// Transcripts of one account per hour: a visitor may type any address, and
/// visitors are cheap to make, so the server must not become a mail cannon.
pub const ACCOUNT_TRANSCRIPTS_PER_HOUR: i64 = 200;
/// Messages in a transcript, at most (the newest).
const TRANSCRIPT_MESSAGES: i64 = 500;
/// The local part of reply addresses starts with this.
const REPLY_PREFIX: &str = "reply+";
/// Hex digits of the reply address's MAC (80 bits).
const REPLY_MAC_LEN: usize = 20;
/// Our mails carry this line; a reply is cut at it (and what follows is the quoted mail).
const REPLY_MARKER: &str = "##-";

/// Claims of an emailed link: which visitor and conversation it resumes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResumeClaims {
    pub v: VisitorId,
    pub c: ChannelId,
    pub a: AccountId,
    pub k: ConversationId,
    pub exp: i64,
}

/// Claims of an unsubscribe link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct UnsubscribeClaims {
    v: VisitorId,
    a: AccountId,
    exp: i64,
}

fn resume_signer(t: &TokenSigner) -> TokenSigner {
    t.purpose("email-resume")
}
fn unsubscribe_signer(t: &TokenSigner) -> TokenSigner {
    t.purpose("email-unsubscribe")
}
fn reply_signer(t: &TokenSigner) -> TokenSigner {
    t.purpose("email-reply")
}

/// Signs the reply address of `conversation`: `reply+<id>.<expiry>.<mac>@domain`,
/// short enough for an address's 64-character local part.
pub fn reply_address(tokens: &TokenSigner, conversation: &ConversationId, domain: &str, exp: i64) -> String {
    let body = conversation.as_str().trim_start_matches("conv_");
    let exp = to_base36(exp.max(0) as u64);
    let mac = reply_signer(tokens).short_mac(&format!("{body}.{exp}"), REPLY_MAC_LEN);
    format!("{REPLY_PREFIX}{body}.{exp}.{mac}@{domain}")
}

/// The conversation a reply address names, or why it is refused.
pub fn conversation_of_reply_address(tokens: &TokenSigner, address: &str, now: i64) -> Result<ConversationId, &'static str> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, _domain) = address.rsplit_once('@').ok_or("not an address")?;
    let token = local
        .get(..REPLY_PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(REPLY_PREFIX))
        .map(|_| &local[REPLY_PREFIX.len()..])
        .ok_or("no such mailbox here")?;
    let mut parts = token.split('.');
    let (Some(body), Some(exp), Some(mac), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("malformed reply address");
    };
    // Mail systems may change the case of a local part: only the id's case matters.
    let exp = exp.to_ascii_lowercase();
    if !reply_signer(tokens).verify_short_mac(&format!("{body}.{exp}"), mac) {
        return Err("this reply address is not genuine");
    }
    let exp = u64::from_str_radix(&exp, 36).map_err(|_| "malformed reply address")?;
    if exp as i64 <= now {
        return Err("this reply address has expired: answer in the chat instead");
    }
    format!("conv_{body}").parse().map_err(|_| "malformed reply address")
}

fn to_base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// The few sentences of a mail, in the widget's languages.
struct Strings {
    unread_subject: &'static str,
    unread_intro: &'static str,
    transcript_subject: &'static str,
    transcript_intro: &'static str,
    open_chat: &'static str,
    reply_hint: &'static str,
    reply_marker: &'static str,
    unsubscribe: &'static str,
    you: &'static str,
    unsubscribed: &'static str,
    unsubscribe_confirm: &'static str,
}

const EN: Strings = Strings {
    unread_subject: "New message from {company}",
    unread_intro: "{company} answered you in the chat:",
    transcript_subject: "Your conversation with {company}",
    transcript_intro: "Here is your conversation with {company}:",
    open_chat: "Continue the conversation",
    reply_hint: "You can also reply to this email.",
    reply_marker: "Please type your reply above this line",
    unsubscribe: "Stop these emails",
    you: "You",
    unsubscribed: "You will get no more emails about your conversations with {company}.",
    unsubscribe_confirm: "Stop emails about your conversations with {company}?",
};
const DE: Strings = Strings {
    unread_subject: "Neue Nachricht von {company}",
    unread_intro: "{company} hat Ihnen im Chat geantwortet:",
    transcript_subject: "Ihr Gespräch mit {company}",
    transcript_intro: "Hier ist Ihr Gespräch mit {company}:",
    open_chat: "Gespräch fortsetzen",
    reply_hint: "Sie können auch auf diese E-Mail antworten.",
    reply_marker: "Bitte schreiben Sie Ihre Antwort über dieser Zeile",
    unsubscribe: "Diese E-Mails abbestellen",
    you: "Sie",
    unsubscribed: "Sie erhalten keine E-Mails mehr zu Ihren Gesprächen mit {company}.",
    unsubscribe_confirm: "E-Mails zu Ihren Gesprächen mit {company} abbestellen?",
};
const ES: Strings = Strings {
    unread_subject: "Nuevo mensaje de {company}",
    unread_intro: "{company} te ha respondido en el chat:",
    transcript_subject: "Tu conversación con {company}",
    transcript_intro: "Aquí está tu conversación con {company}:",
    open_chat: "Continuar la conversación",
    reply_hint: "También puedes responder a este correo.",
    reply_marker: "Escribe tu respuesta encima de esta línea",
    unsubscribe: "Dejar de recibir estos correos",
    you: "Tú",
    unsubscribed: "No recibirás más correos sobre tus conversaciones con {company}.",
    unsubscribe_confirm: "¿Dejar de recibir correos sobre tus conversaciones con {company}?",
};
const FR: Strings = Strings {
    unread_subject: "Nouveau message de {company}",
    unread_intro: "{company} vous a répondu dans le chat :",
    transcript_subject: "Votre conversation avec {company}",
    transcript_intro: "Voici votre conversation avec {company} :",
    open_chat: "Reprendre la conversation",
    reply_hint: "Vous pouvez aussi répondre à cet e-mail.",
    reply_marker: "Veuillez écrire votre réponse au-dessus de cette ligne",
    unsubscribe: "Ne plus recevoir ces e-mails",
    you: "Vous",
    unsubscribed: "Vous ne recevrez plus d'e-mails sur vos conversations avec {company}.",
    unsubscribe_confirm: "Ne plus recevoir d'e-mails sur vos conversations avec {company} ?",
};
const PT: Strings = Strings {
    unread_subject: "Nova mensagem de {company}",
    unread_intro: "{company} respondeu a você no chat:",
    transcript_subject: "Sua conversa com {company}",
    transcript_intro: "Aqui está sua conversa com {company}:",
    open_chat: "Continuar a conversa",
    reply_hint: "Você também pode responder a este e-mail.",
    reply_marker: "Escreva sua resposta acima desta linha",
    unsubscribe: "Parar estes e-mails",
    you: "Você",
    unsubscribed: "Você não receberá mais e-mails sobre suas conversas com {company}.",
    unsubscribe_confirm: "Parar os e-mails sobre suas conversas com {company}?",
};

/// The strings of a language tag (`pt-BR` → `pt`); English otherwise.
fn strings(language: &str) -> &'static Strings {
    match language.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("de") => &DE,
        Some("es") => &ES,
        Some("fr") => &FR,
        Some("pt") => &PT,
        _ => &EN,
    }
}

fn fill(template: &str, company: &str) -> String {
    template.replace("{company}", company)
}

/// Text made safe inside HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A colour safe to put in a style: `#rgb` or `#rrggbb`, else the default.
fn safe_color(color: &str) -> &str {
    let hex = color.strip_prefix('#').unwrap_or("");
    if matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        color
    } else {
        "#0066FF"
    }
}

/// A message as lines of text (what it shows, links written out).
fn message_lines(content: &Content) -> Vec<String> {
    match content {
        Content::Text { text } => text.lines().map(str::to_owned).collect(),
        Content::Image { image } => {
            let mut l = vec![format!("[{}] {}", image.name.as_deref().unwrap_or("image"), image.url)];
            l.extend(image.caption.iter().cloned());
            l
        }
        Content::File { file } => vec![format!("[{}] {}", file.name, file.url)],
        Content::Interactive { interactive: Interactive::Buttons { body, buttons } } => {
            let mut l: Vec<String> = body.text.lines().map(str::to_owned).collect();
            l.extend(buttons.iter().map(|b| format!("[{}]", b.label)));
            l
        }
        Content::Card { card } => {
            let mut l = vec![card.title.clone()];
            l.extend(card.subtitle.iter().cloned());
            l.extend(card.buttons.iter().map(|b| match &b.url {
                Some(url) => format!("[{}] {url}", b.label),
                None => format!("[{}]", b.label),
            }));
            l
        }
    }
}

/// What a mail says, before it is addressed.
pub struct MailBody {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Everything a mail shows, for `render`.
pub struct MailParts<'a> {
    pub language: &'a str,
    pub company: &'a str,
    pub color: &'a str,
    pub transcript: bool,
    pub messages: &'a [Message],
    /// The page the visitor was on, with the resume token (none when it is not known).
    pub resume_url: Option<&'a str>,
    pub unsubscribe_url: &'a str,
    pub replies: bool,
}

/// The mail as text and HTML; every piece of content is escaped in the HTML.
pub fn render(p: &MailParts<'_>) -> MailBody {
    let s = strings(p.language);
    let company = p.company;
    let (subject, intro) = if p.transcript {
        (fill(s.transcript_subject, company), fill(s.transcript_intro, company))
    } else {
        (fill(s.unread_subject, company), fill(s.unread_intro, company))
    };
    let color = safe_color(p.color);
    let mut text = String::new();
    let mut html = String::new();
    if p.replies {
        let _ = writeln!(text, "{REPLY_MARKER} {} {REPLY_MARKER}\n", s.reply_marker);
        let _ = write!(html, "<div style=\"color:#999;font-size:12px\">{REPLY_MARKER} {} {REPLY_MARKER}</div>", escape_html(s.reply_marker));
    }
    let _ = writeln!(text, "{intro}\n");
    let _ = write!(
        html,
        "<div style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:560px;margin:0 auto;color:#222\">\
         <div style=\"background:{color};color:#fff;padding:16px 20px;border-radius:8px 8px 0 0;font-size:16px\">{}</div>\
         <div style=\"border:1px solid #e5e5e5;border-top:0;padding:16px 20px;border-radius:0 0 8px 8px\">",
        escape_html(&intro)
    );
    for m in p.messages {
        let business = m.direction == Direction::Outbound;
        let who = if business { m.sender.name.clone().unwrap_or_else(|| company.to_owned()) } else { s.you.to_owned() };
        let when = m.created_at.format("%Y-%m-%d %H:%M UTC");
        let lines = message_lines(&m.content);
        let _ = writeln!(text, "{who} ({when}):");
        for line in &lines {
            let _ = writeln!(text, "  {line}");
        }
        text.push('\n');
        let (bg, fg) = if business { ("#f0f4f8", "#222") } else { (color, "#fff") };
        let body: Vec<String> = lines.iter().map(|l| escape_html(l)).collect();
        let _ = write!(
            html,
            "<div style=\"margin:0 0 12px\"><div style=\"font-size:12px;color:#777\">{} · {}</div>\
             <div style=\"background:{bg};color:{fg};padding:8px 12px;border-radius:12px;display:inline-block;white-space:pre-wrap\">{}</div></div>",
            escape_html(&who),
            escape_html(&when.to_string()),
            body.join("<br>")
        );
    }
    if let Some(url) = p.resume_url {
        let _ = writeln!(text, "{}: {url}", s.open_chat);
        let _ = write!(
            html,
            "<p style=\"margin:20px 0\"><a href=\"{}\" style=\"background:{color};color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block\">{}</a></p>",
            escape_html(url),
            escape_html(s.open_chat)
        );
    }
    if p.replies {
        let _ = writeln!(text, "{}", s.reply_hint);
        let _ = write!(html, "<p style=\"color:#555\">{}</p>", escape_html(s.reply_hint));
    }
    let _ = write!(text, "\n{}: {}\n", s.unsubscribe, p.unsubscribe_url);
    let _ = write!(
        html,
        "</div><p style=\"font-size:12px;color:#999;text-align:center\"><a href=\"{}\" style=\"color:#999\">{}</a></p></div>",
        escape_html(p.unsubscribe_url),
        escape_html(s.unsubscribe)
    );
    MailBody { subject, text, html: format!("<!doctype html><html><body>{html}</body></html>") }
}

/// The text of a reply mail: text/plain preferred, HTML turned into text;
/// quoted history and signature cut off; at most 4,096 characters.
pub fn reply_text(raw: &[u8]) -> Option<ReplyMail> {
    let parsed = mail_parser::MessageParser::default().parse(raw)?;
    let body = parsed.body_text(0)?;
    let text = strip_quoted(&body);
    let text: String = text.chars().take(linktor_core::content::MAX_TEXT_CHARS).collect();
    let text = text.trim().to_owned();
    if text.is_empty() {
        return None;
    }
    Some(ReplyMail { text, message_id: parsed.message_id().map(str::to_owned) })
}

/// A reply mail as the visitor's message.
pub struct ReplyMail {
    pub text: String,
    pub message_id: Option<String>,
}

/// Cuts a reply at the first line of what it quotes: our marker, an
/// "On … wrote:" line (in the widget's languages), a forwarded or original
/// message header, or the signature delimiter; drops `>` lines.
fn strip_quoted(body: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        let lower = t.to_lowercase();
        let attribution = (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("am ") && lower.contains("schrieb"))
            || (lower.starts_with("le ") && lower.contains("a écrit"))
            || (lower.starts_with("el ") && lower.contains("escribió"))
            || (lower.starts_with("em ") && lower.contains("escreveu"));
        if t.contains(REPLY_MARKER)
            || attribution
            || line == "-- "
            || t == "--"
            || lower.starts_with("-----original message-----")
            || lower.starts_with("---------- forwarded message")
            || (lower.starts_with("from:") && out.iter().rev().take(1).any(|l| l.trim().is_empty()))
        {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        out.push(line);
    }
    out.join("\n")
}

/// A client id for a reply mail: the same mail delivered twice is one message.
fn reply_client_id(message_id: Option<&str>, text: &str) -> String {
    let key = message_id.map(str::to_owned).unwrap_or_else(|| text.to_owned());
    format!("email_{}", &linktor_store::hash_secret(&key)[..40])
}

/// The page the visitor was on, as an absolute URL of the channel, with the resume parameter.
fn resume_url(visitor: &VisitorRecord, channel: &ChannelRecord, token: &str) -> Option<String> {
    let ctx = &visitor.visitor.context;
    let origin = ctx.get("origin")?;
    if !linktor_core::allowed_domains::matches(&channel.channel.allowed_domains, origin) {
        return None;
    }
    let base = url::Url::parse(origin).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let host = base.host_str()?;
    let page = ctx.get("page").map(String::as_str).filter(|p| p.starts_with('/') && !p.starts_with("//")).unwrap_or("/");
    let mut url = base.join(page).ok()?;
    if url.host_str() != Some(host) {
        return None;
    }
    // Any resume parameter the page already had (an older link) is replaced.
    let kept: Vec<(String, String)> = url.query_pairs().filter(|(k, _)| k != RESUME_PARAM).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    url.query_pairs_mut().clear().extend_pairs(kept).append_pair(RESUME_PARAM, token);
    Some(url.to_string())
}

/// The visitor's address, when it is one.
fn visitor_email(visitor: &VisitorRecord) -> Option<String> {
    visitor.visitor.user.email.as_deref().map(str::trim).filter(|e| e.len() <= 254 && linktor_core::is_email(e)).map(str::to_owned)
}

impl AppState {
    /// Whether email is on, for the dashboard.
    pub fn email_status(&self) -> EmailStatus {
        match &self.config.email {
            Some(e) => EmailStatus { enabled: true, from: Some(e.from.clone()), delay_seconds: Some(e.delay.as_secs()), replies: self.config.smtp_listen.is_some() },
            None => EmailStatus { enabled: false, from: None, delay_seconds: None, replies: false },
        }
    }

    /// The look at a claimed conversation: mails its unread business
    /// messages when the rules say so. Errors are logged; the claim's lease
    /// runs out and another look happens.
    pub async fn email_due(&self, due: DueEmail) {
        if let Err(e) = self.email_due_inner(&due).await {
            tracing::warn!(error = %e, conversation = %due.conversation, "emailing unread messages failed");
        }
    }

    async fn email_due_inner(&self, due: &DueEmail) -> ApiResult<()> {
        let Some(config) = &self.config.email else { return Ok(()) };
        let next_due = Utc::now().timestamp_millis() + config.delay.as_millis() as i64;
        let conversation = match self.store.conversation(&due.account, &due.conversation).await {
            Ok(c) => c,
            Err(StoreError::NotFound) => return Ok(self.store.forget_email_conversation(&due.conversation).await?),
            Err(e) => return Err(e.into()),
        };
        let (visitor_read, _, _) = self.store.receipts(&due.account, &conversation.id).await?;
        let after = visitor_read.max(due.emailed_seq);
        let unread: Vec<Message> = self
            .store
            .messages_after(&due.account, &conversation.id, after, 200)
            .await?
            .into_iter()
            .filter(|m| m.direction == Direction::Outbound)
            .collect();
        let seen = unread.last().map_or(conversation.last_seq, |m| m.seq);
        let visitor = self.store.visitor(&due.account, &conversation.visitor_id).await?;
        let recipient = match visitor_email(&visitor) {
            Some(r) if !unread.is_empty() && !self.store.opted_out_of_email(&due.account, &visitor.visitor.id).await? => r,
            // Read in time, no address, or opted out: nothing to mail.
            _ => return Ok(self.store.finish_email_check(due, seen, next_due).await?),
        };
        if !self.store.begin_email(due, &recipient, seen).await? {
            return Ok(()); // another worker moved the mark: that one sends
        }
        let channel = self.store.channel(&due.account, &conversation.channel_id).await?;
        let mail = self.compose(&channel, &visitor, &conversation, &unread, &recipient, false);
        let Some(mailer) = &self.mailer else { return Ok(()) };
        match mailer.send(&mail).await {
            Ok(()) => {
                tracing::info!(conversation = %conversation.id, messages = unread.len(), "emailed unread messages");
                self.store.finish_email_check(due, seen, next_due).await?;
            }
            Err(SendError::Temporary(e)) if due.attempts + 1 < MAX_ATTEMPTS => {
                tracing::warn!(error = %e, conversation = %conversation.id, "email not sent; will retry");
                let retry_at = Utc::now().timestamp_millis() + retry_delay(due.attempts).as_millis() as i64;
                self.store.undo_email(due, seen, retry_at).await?;
            }
            Err(e) => {
                // Given up: the mark stays, so these messages are not mailed later.
                tracing::error!(error = %e, conversation = %conversation.id, "email not sent; giving up on these messages");
                self.store.finish_email_check(due, seen, next_due).await?;
            }
        }
        Ok(())
    }

    /// The mail of `messages` of `conversation` to `recipient`.
    fn compose(&self, channel: &ChannelRecord, visitor: &VisitorRecord, conversation: &Conversation, messages: &[Message], recipient: &str, transcript: bool) -> OutgoingMail {
        let config = self.config.email.as_ref().expect("email is on");
        let now = Utc::now().timestamp();
        let appearance = &channel.channel.settings.appearance;
        let company = if appearance.company_name.trim().is_empty() { channel.channel.name.as_str() } else { appearance.company_name.as_str() };
        let resume = resume_signer(&self.tokens).sign_value(&ResumeClaims {
            v: visitor.visitor.id.clone(),
            c: channel.channel.id.clone(),
            a: channel.account_id.clone(),
            k: conversation.id.clone(),
            exp: now + LINK_DAYS * 86_400,
        });
        let unsubscribe = unsubscribe_signer(&self.tokens).sign_value(&UnsubscribeClaims {
            v: visitor.visitor.id.clone(),
            a: channel.account_id.clone(),
            exp: now + UNSUBSCRIBE_DAYS * 86_400,
        });
        let unsubscribe_url = format!("{}/v1/email/unsubscribe?token={unsubscribe}", self.config.public_url);
        let resume_url = resume_url(visitor, channel, &resume);
        let replies = self.config.smtp_listen.is_some();
        let body = render(&MailParts {
            language: &channel.channel.default_language,
            company,
            color: &appearance.primary_color,
            transcript,
            messages,
            resume_url: resume_url.as_deref(),
            unsubscribe_url: &unsubscribe_url,
            replies,
        });
        OutgoingMail {
            to: recipient.to_owned(),
            subject: body.subject,
            text: body.text,
            html: body.html,
            reply_to: replies.then(|| reply_address(&self.tokens, &conversation.id, &config.reply_domain, now + LINK_DAYS * 86_400)),
            unsubscribe_url: Some(unsubscribe_url),
            thread_id: Some(format!("<{}@{}>", conversation.id, config.reply_domain)),
        }
    }

    /// The visitor and conversation of an emailed link, for `channel`.
    pub fn verify_resume_token(&self, token: &str, channel: &ChannelId) -> Option<ResumeClaims> {
        let claims: ResumeClaims = resume_signer(&self.tokens).verify_value(token)?;
        (claims.exp > Utc::now().timestamp() && &claims.c == channel).then_some(claims)
    }

    /// The visitor of an unsubscribe link opts out; the company name for the page.
    pub async fn unsubscribe(&self, token: &str, confirm: bool) -> ApiResult<String> {
        let claims: UnsubscribeClaims = unsubscribe_signer(&self.tokens)
            .verify_value(token)
            .filter(|c: &UnsubscribeClaims| c.exp > Utc::now().timestamp())
            .ok_or_else(|| ApiError::NotFound("this unsubscribe link is not valid or has expired".into()))?;
        let visitor = self.store.visitor(&claims.a, &claims.v).await.map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound("this unsubscribe link is not valid or has expired".into()),
            e => e.into(),
        })?;
        let channel = self.store.channel(&claims.a, &visitor.visitor.channel_id).await?;
        let s = strings(&channel.channel.default_language);
        let company = &channel.channel.settings.appearance.company_name;
        let company = if company.trim().is_empty() { &channel.channel.name } else { company };
        if confirm {
            self.store.opt_out_of_email(&claims.a, &claims.v).await?;
            Ok(fill(s.unsubscribed, company))
        } else {
            Ok(fill(s.unsubscribe_confirm, company))
        }
    }

    /// Mails the conversation to `to` (or the visitor's address). Rate
    /// limited per conversation; `by_visitor`: the visitor asked (their own
    /// request is sent even after they opted out of unread-message mail).
    pub async fn email_transcript(&self, account: &AccountId, conversation: &Conversation, to: Option<String>, by_visitor: bool) -> ApiResult<String> {
        let Some(mailer) = &self.mailer else {
            return Err(ApiError::Conflict("email is off on this server (LINKTOR_SMTP_URL and LINKTOR_EMAIL_FROM are not set)".into()));
        };
        let visitor = self.store.visitor(account, &conversation.visitor_id).await?;
        let known = visitor_email(&visitor);
        let recipient = to
            .or_else(|| known.clone())
            .ok_or_else(|| ValidationError::new("email", "the visitor's email address is not known: give one"))?;
        if !by_visitor && self.store.opted_out_of_email(account, &visitor.visitor.id).await? {
            return Err(ApiError::Conflict("the visitor unsubscribed from email".into()));
        }
        let hour_ago = Utc::now().timestamp_millis() - 3_600_000;
        if self.store.emails_since(account, &conversation.id, EmailKind::Transcript, hour_ago).await? >= TRANSCRIPTS_PER_HOUR
            || self.store.account_emails_since(account, EmailKind::Transcript, hour_ago).await? >= ACCOUNT_TRANSCRIPTS_PER_HOUR
        {
            return Err(ApiError::RateLimited(3600));
        }
        let messages = self.store.messages_before(account, &conversation.id, conversation.last_seq + 1, TRANSCRIPT_MESSAGES).await?;
        if messages.is_empty() {
            return Err(ValidationError::new("conversation", "the conversation has no messages yet").into());
        }
        // Logged first: a failed send still counts against the limit, so the limit cannot be dodged.
        self.store.log_email(account, &conversation.id, EmailKind::Transcript, &recipient, messages[0].seq, conversation.last_seq).await?;
        let channel = self.store.channel(account, &conversation.channel_id).await?;
        let mail = self.compose(&channel, &visitor, conversation, &messages, &recipient, true);
        mailer.send(&mail).await.map_err(|e| match e {
            SendError::Invalid(m) => ApiError::Validation(ValidationError::new("email", m)),
            SendError::Refused(m) | SendError::Temporary(m) => {
                tracing::warn!(error = %m, conversation = %conversation.id, "transcript not sent");
                ApiError::Unavailable("the mail server did not take the transcript; try again later".into())
            }
        })?;
        // A visitor who typed an address and had none becomes reachable at it.
        if by_visitor && known.is_none() {
            let mut user = visitor.visitor.user.clone();
            user.email = Some(recipient.clone());
            self.store.update_visitor(account, &visitor.visitor.id, &user, &visitor.visitor.context, None).await?;
        }
        Ok(recipient)
    }

    /// The conversation a reply address names, checked (for SMTP `RCPT TO`).
    pub async fn reply_conversation(&self, address: &str) -> Result<(AccountId, Conversation), String> {
        let id = conversation_of_reply_address(&self.tokens, address, Utc::now().timestamp()).map_err(str::to_owned)?;
        let gone = || "this conversation no longer exists".to_owned();
        let account = match self.store.owner_of(Owned::Conversation, id.as_str()).await {
            Ok(Some(a)) => a,
            Ok(None) => return Err(gone()),
            Err(e) => return Err(format!("temporary: {e}")),
        };
        match self.store.conversation(&account, &id).await {
            Ok(c) => Ok((account, c)),
            Err(StoreError::NotFound) => Err(gone()),
            Err(e) => Err(format!("temporary: {e}")),
        }
    }

    /// A reply mail to `conversation`, stored as the visitor's message
    /// through the one visitor path (webhooks, bus, the agents' inbox).
    pub async fn email_reply(self: &SharedState, account: &AccountId, conversation: &Conversation, raw: &[u8]) -> ApiResult<Message> {
        let reply = reply_text(raw).ok_or_else(|| ValidationError::new("body", "the mail has no reply text"))?;
        let ctx = VisitorCtx { account: account.clone(), channel: conversation.channel_id.clone(), visitor: conversation.visitor_id.clone() };
        let client_id = reply_client_id(reply.message_id.as_deref(), &reply.text);
        self.visitor_message(&ctx, VisitorMessage { client_id, content: Content::Text { text: reply.text }, reply_to: None, events: vec![] }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_addresses_name_their_conversation_and_refuse_forgeries() {
        let t = TokenSigner::new("k");
        let conv = ConversationId::generate();
        let addr = reply_address(&t, &conv, "example.com", 2_000_000_000);
        assert!(addr.split('@').next().unwrap().len() <= 64, "{addr}");
        assert_eq!(conversation_of_reply_address(&t, &addr, 1_000), Ok(conv.clone()));
        assert_eq!(conversation_of_reply_address(&t, &format!("<{}>", addr.to_uppercase().replace(&conv.as_str()[5..].to_uppercase(), &conv.as_str()[5..])), 1_000), Ok(conv.clone()));
        assert!(conversation_of_reply_address(&t, &addr, 2_000_000_001).unwrap_err().contains("expired"));
        let other = ConversationId::generate();
        let forged = addr.replace(&conv.as_str()[5..], &other.as_str()[5..]);
        assert!(conversation_of_reply_address(&t, &forged, 1_000).unwrap_err().contains("not genuine"));
        assert!(conversation_of_reply_address(&TokenSigner::new("other"), &addr, 1_000).is_err());
        assert!(conversation_of_reply_address(&t, "support@example.com", 1_000).is_err());
        assert!(conversation_of_reply_address(&t, "reply+x.y@example.com", 1_000).is_err());
    }

    #[test]
    fn quoted_history_and_signatures_are_cut() {
        let body = "Thanks, that works!\nSee you\n\nOn Mon, 7 Dec 2026 at 10:00, Acme <help@acme.com> wrote:\n> earlier\n";
        assert_eq!(strip_quoted(body).trim(), "Thanks, that works!\nSee you");
        assert_eq!(strip_quoted("Yes\n-- \nJohn\nCEO").trim(), "Yes");
        assert_eq!(strip_quoted("Oui\nLe lun. 7 déc. 2026, Acme a écrit :\n> x").trim(), "Oui");
        assert_eq!(strip_quoted("Top\n##- Please type your reply above this line -##\nold").trim(), "Top");
        assert_eq!(strip_quoted("> quoted only\nmine").trim(), "mine");
    }

    #[test]
    fn html_only_replies_become_text() {
        let raw = b"From: a@b.co\r\nTo: x@y.z\r\nSubject: Re\r\nMessage-ID: <m1@b.co>\r\nContent-Type: text/html\r\n\r\n<p>Hello <b>there</b></p><blockquote>old</blockquote>";
        let r = reply_text(raw).unwrap();
        assert!(r.text.contains("Hello") && r.text.contains("there") && !r.text.contains("<b>"), "{}", r.text);
        assert_eq!(r.message_id.as_deref(), Some("m1@b.co"));
    }

    #[test]
    fn mails_escape_content_and_pick_the_language() {
        let msg: Message = serde_json::from_value(serde_json::json!({
            "id": "msg_00000000000000000000000a", "conversationId": "conv_00000000000000000000000a", "seq": 1, "direction": "outbound",
            "sender": { "type": "agent", "id": "agent_x", "name": "Ann <b>" }, "content": { "type": "text", "text": "<script>alert(1)</script>" }, "status": "sent",
            "createdAt": "2026-12-07T10:00:00Z"
        }))
        .unwrap();
        let parts = MailParts {
            language: "fr-CA",
            company: "Acme & Co",
            color: "red;background:url(x)",
            transcript: false,
            messages: std::slice::from_ref(&msg),
            resume_url: Some("https://example.com/p?a=1&linktor_resume=t\"x"),
            unsubscribe_url: "https://chat/unsub?token=t",
            replies: true,
        };
        let m = render(&parts);
        assert_eq!(m.subject, "Nouveau message de Acme & Co");
        assert!(m.text.contains("<script>alert(1)</script>"), "text keeps the text as written");
        assert!(!m.html.contains("<script>") && m.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(m.html.contains("Ann &lt;b&gt;") && m.html.contains("Acme &amp; Co"));
        assert!(m.html.contains("#0066FF") && !m.html.contains("url(x)"), "a colour that is not one is replaced");
        assert!(m.html.contains("a=1&amp;linktor_resume=t&quot;x"));
        assert!(m.text.contains(REPLY_MARKER));
    }
}
