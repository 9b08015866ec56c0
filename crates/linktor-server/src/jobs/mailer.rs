//! The SMTP client of `LINKTOR_SMTP_URL` (lettre over tokio, rustls for
//! `smtps://` and STARTTLS): one mail as text and HTML, with the reply
//! address, the one-click unsubscribe headers and a thread id.

use lettre::{
    message::{
        header::{ContentType, HeaderName, HeaderValue},
        Mailbox, MultiPart, SinglePart,
    },
    transport::smtp::{
        authentication::Credentials,
        client::{Tls, TlsParameters},
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use std::time::Duration;

use crate::config::{EmailConfig, SmtpSecurity};

/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// One mail to send.
#[derive(Clone, Debug)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Where replies go (the signed address of the conversation).
    pub reply_to: Option<String>,
    /// The one-click unsubscribe URL (`List-Unsubscribe`, RFC 8058).
    pub unsubscribe_url: Option<String>,
    /// A `Message-ID`-like id every mail of the conversation refers to, so
    /// mail programs show them as one thread.
    pub thread_id: Option<String>,
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The address or a header is not acceptable: trying again will not help.
    #[error("the mail cannot be sent: {0}")]
    Invalid(String),
    /// The server refused for good (5xx).
    #[error("the mail server refused it: {0}")]
    Refused(String),
    /// Connection, timeout or a temporary refusal (4xx): worth trying again.
    #[error("the mail server could not be reached or asked to retry: {0}")]
    Temporary(String),
}

/// The SMTP client of `LINKTOR_SMTP_URL`.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(config: &EmailConfig) -> anyhow::Result<Self> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone()).port(config.port).timeout(Some(SMTP_TIMEOUT));
        let tls = || TlsParameters::new(config.host.clone()).map_err(|e| anyhow::anyhow!("LINKTOR_SMTP_URL: TLS for {}: {e}", config.host));
        builder = match config.security {
            SmtpSecurity::None => builder.tls(Tls::None),
            SmtpSecurity::StartTls => builder.tls(Tls::Required(tls()?)),
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls()?)),
        };
        if let Some((user, pass)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        let from: Mailbox = config.from.parse().map_err(|e| anyhow::anyhow!("LINKTOR_EMAIL_FROM `{}`: {e}", config.from))?;
        Ok(Self { transport: builder.build(), from })
    }

    /// The message as it goes on the wire (also what tests look at).
    pub fn build(&self, mail: &OutgoingMail) -> Result<Message, SendError> {
        let to: Mailbox = mail.to.parse().map_err(|e| SendError::Invalid(format!("recipient: {e}")))?;
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(mail.subject.clone());
        if let Some(reply_to) = &mail.reply_to {
            builder = builder.reply_to(reply_to.parse().map_err(|e| SendError::Invalid(format!("reply-to: {e}")))?);
        }
        if let Some(url) = &mail.unsubscribe_url {
            builder = builder
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{url}>")))
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click".into()));
        }
        if let Some(thread) = &mail.thread_id {
            builder = builder.references(thread.clone()).in_reply_to(thread.clone());
        }
        builder = builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".into()));
        builder
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html.clone())),
            )
            .map_err(|e| SendError::Invalid(e.to_string()))
    }

    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), SendError> {
        let message = self.build(mail)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Refused(e.to_string())),
            Err(e) => Err(SendError::Temporary(e.to_string())),
        }
    }
}

