//! Sessions, both sides'. A visitor's session (`POST /v1/widget/sessions`)
//! finds or makes the visitor — a verified `user.id` or a still valid token
//! resumes them — and signs a token for the socket. An agent's session is
//! made by signing in with a password (failures are rate limited by
//! `access::LoginLimiter`) and checked, with its CSRF token, on every request.

use chrono::{Duration as ChronoDuration, Utc};
use linktor_core::{
    agent::{validate_password, SessionInfo},
    channel::MAX_RETENTION_DAYS,
    identity, ConversationRef, SessionRequest, SessionResponse, ValidationError,
};
use linktor_store::{Agent, AgentSession, ChannelRecord, NewVisitor, VisitorRecord};
use std::{collections::BTreeMap, net::IpAddr, time::Instant};
use subtle::ConstantTimeEq;

use crate::{
    access::anonymize_ip,
    error::{ApiError, ApiResult},
    passwords,
    state::AppState,
    tokens::VisitorClaims,
};

/// Where a visitor's session request came from, as the HTTP layer saw it.
pub struct VisitorOrigin {
    pub ip: IpAddr,
    /// The `Origin` header (checked against the channel): with `page`, where
    /// an emailed link takes the visitor back to.
    pub origin: Option<String>,
    pub user_agent: Option<String>,
}

fn short(field: &str, value: Option<String>, max: usize) -> ApiResult<Option<String>> {
    match value {
        Some(v) if v.chars().count() > max => Err(ValidationError::new(field, format!("at most {max} characters")).into()),
        other => Ok(other),
    }
}

impl AppState {
    /// Starts or resumes a visitor's session on `channel` (whose allowed
    /// domains the caller checked): the visitor, their current conversation
    /// with its latest messages, and a signed token.
    pub async fn start_visitor_session(&self, channel: &ChannelRecord, req: SessionRequest, from: VisitorOrigin) -> ApiResult<SessionResponse> {
        let page = short("page", req.page, 2048)?;
        let referrer = short("referrer", req.referrer, 2048)?;
        let language = short("language", req.language, 35)?;
        let timezone = req.timezone;
        if timezone.as_deref().is_some_and(|t| t.is_empty() || t.len() > 64 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+/-".contains(&b))) {
            return Err(ValidationError::new("timezone", "an IANA time zone name, like Europe/Lisbon").into());
        }
        let user = req.user.unwrap_or_default();
        user.validate()?;
        if let Some(p) = &req.privacy {
            if p.data_retention.is_some_and(|d| d == 0 || d > MAX_RETENTION_DAYS) {
                return Err(ValidationError::new("privacy.dataRetention", "must be 1 to 3650 days").into());
            }
        }
        let settings = &channel.channel.settings;

        // Identity: a user.id is a claim; only a valid userHash makes it an identity.
        let verified_user_id = match (&user.id, &req.user_hash) {
            (Some(id), Some(hash)) if identity::verify_user_hash(&channel.identity_secret, id, hash) => Some(id.clone()),
            (Some(_), Some(_)) => return Err(ApiError::IdentityUnverified("userHash does not match user.id".into())),
            (Some(_), None) if settings.identity_verification => {
                return Err(ApiError::IdentityUnverified("this channel requires userHash with user.id".into()))
            }
            _ => None,
        };

        let now = Utc::now();
        let mut from_token = req.token.as_deref().and_then(|t| self.tokens.verify(t, now.timestamp())).filter(|c| c.c == channel.channel.id);
        // An emailed link resumes its visitor, whatever this browser had before.
        if let Some(resume) = &req.resume_token {
            let claims = self
                .verify_resume_token(resume, &channel.channel.id)
                .ok_or_else(|| ApiError::Unauthorized("this chat link is not valid or has expired".into()))?;
            from_token = Some(VisitorClaims { v: claims.v, c: claims.c, a: claims.a, exp: claims.exp });
        }
        let mut existing: Option<VisitorRecord> = None;
        if let Some(uid) = &verified_user_id {
            existing = self.store.visitor_by_verified_user(&channel.channel.id, uid).await?;
        }
        if existing.is_none() {
            if let Some(claims) = &from_token {
                // A visitor erased or expired since the token was signed starts afresh.
                existing = match self.store.visitor(&channel.account_id, &claims.v).await {
                    Ok(v) => Some(v),
                    Err(linktor_store::StoreError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                };
                // A browser that carried a verified user's token must not become another verified user.
                if let (Some(v), Some(_)) = (&existing, &verified_user_id) {
                    if v.visitor.identity_verified {
                        existing = None;
                    }
                }
            }
        }

        let privacy = req.privacy.unwrap_or_default();
        let anonymize = settings.privacy.anonymize_ip || privacy.anonymize_ip.unwrap_or(false);
        let ip = if anonymize { anonymize_ip(from.ip) } else { from.ip };
        let mut context: BTreeMap<String, String> = existing.as_ref().map(|v| v.visitor.context.clone()).unwrap_or_default();
        let viewed = page.clone();
        for (k, v) in [("page", page), ("referrer", referrer), ("language", language), ("timezone", timezone), ("userAgent", from.user_agent), ("origin", from.origin), ("ip", Some(ip.to_string()))] {
            if let Some(v) = v {
                context.insert(k.into(), v);
            }
        }

        let visitor = match existing {
            Some(mut v) => {
                v.visitor.user.merge(user);
                v.visitor.user.validate()?;
                self.store
                    .update_visitor(&channel.account_id, &v.visitor.id, &v.visitor.user, &context, verified_user_id.as_deref())
                    .await?;
                v.visitor.identity_verified |= verified_user_id.is_some();
                v
            }
            None => {
                self.store
                    .create_visitor(NewVisitor {
                        account: &channel.account_id,
                        channel: &channel.channel.id,
                        user,
                        verified_user_id: verified_user_id.clone(),
                        context,
                        anonymize_ip: anonymize,
                        retention_days: privacy.data_retention,
                    })
                    .await?
            }
        };
        // The page this session starts on is the first of the pages agents see;
        // one the side panel cannot link to (not http) is left out, not refused.
        if let Some(url) = viewed.filter(|u| linktor_core::content::url_field("page", u).is_ok()) {
            self.store.add_page_view(&channel.account_id, &visitor.visitor.id, &url, None).await?;
        }

        let conversation = self.store.current_conversation(&channel.account_id, &visitor.visitor.id).await?;
        let (messages, read_seq) = match &conversation {
            Some(c) => (
                self.store.messages_before(&channel.account_id, &c.id, c.last_seq + 1, 100).await?,
                self.store.receipts(&channel.account_id, &c.id).await?.1,
            ),
            None => (Vec::new(), 0),
        };
        let expires_at = now + ChronoDuration::from_std(self.config.visitor_token_ttl).unwrap_or(ChronoDuration::days(30));
        let token = self.tokens.sign(&VisitorClaims {
            v: visitor.visitor.id.clone(),
            c: channel.channel.id.clone(),
            a: channel.account_id.clone(),
            exp: expires_at.timestamp(),
        });
        let satisfaction_requested = match &conversation {
            Some(c) if c.status == linktor_core::ConversationStatus::Resolved && channel.channel.settings.inbox.satisfaction_survey => {
                self.store.rating_pending(&channel.account_id, &c.id).await?
            }
            _ => false,
        };
        Ok(SessionResponse {
            visitor_id: visitor.visitor.id.clone(),
            token,
            expires_at,
            conversation: conversation.map(|c| ConversationRef { id: c.id, status: c.status, last_seq: c.last_seq, satisfaction_requested }),
            messages,
            read_seq,
            identity_verified: visitor.visitor.identity_verified,
            agents_online: self.store.agents_online(&channel.account_id).await?,
            email_enabled: self.mailer.is_some(),
        })
    }

    /// Signs an agent in: the session's info and its cookie token. Failures
    /// count against the email and the client address.
    pub async fn sign_in(&self, email: &str, password: String, ip: IpAddr) -> ApiResult<(SessionInfo, String)> {
        let email = email.trim().to_ascii_lowercase();
        if email.len() > 320 || password.len() > 1024 {
            return Err(ApiError::InvalidCredentials);
        }
        let keys = [format!("email:{email}"), format!("ip:{ip}")];
        let now = Instant::now();
        if let Some(secs) = self.logins.blocked(&keys, now) {
            return Err(ApiError::RateLimited(secs));
        }
        let agent = self.store.agent_by_email(&email).await?;
        // Verify against a real hash even for an unknown email, so timing does not tell which emails exist.
        let stored = agent.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| passwords::dummy_hash().to_owned());
        let ok = tokio::task::spawn_blocking(move || passwords::verify(&password, &stored)).await.map_err(anyhow::Error::from)?;
        let Some(agent) = agent.filter(|_| ok) else {
            self.logins.fail(&keys, now);
            return Err(ApiError::InvalidCredentials);
        };
        self.logins.succeed(&keys);
        let (token, csrf_token) = self.store.create_session(&agent.account_id, &agent.id).await?;
        Ok((SessionInfo { agent: agent.api(), csrf_token }, token))
    }

    /// The live session of cookie `token`; `csrf` is the header a change
    /// must carry (`None` for a request that changes nothing).
    pub async fn agent_session(&self, token: &str, csrf: Option<&[u8]>) -> ApiResult<AgentSession> {
        let session = self.store.session(token).await?.ok_or_else(|| ApiError::Unauthorized("the session has ended: sign in again".into()))?;
        if let Some(sent) = csrf {
            if !bool::from(sent.ct_eq(session.csrf_token.as_bytes())) {
                return Err(ApiError::CsrfFailed);
            }
        }
        Ok(session)
    }

    /// Changes a signed-in agent's password; their other sessions end.
    pub async fn change_password(&self, agent: &Agent, keep_session: &str, current: String, new: String) -> ApiResult<()> {
        validate_password("newPassword", &new)?;
        let stored = agent.password_hash.clone();
        let ok = tokio::task::spawn_blocking(move || current.len() <= 1024 && passwords::verify(&current, &stored))
            .await
            .map_err(anyhow::Error::from)?;
        if !ok {
            return Err(ApiError::InvalidCredentials);
        }
        let hash = tokio::task::spawn_blocking(move || passwords::hash(&new)).await.map_err(anyhow::Error::from)?.map_err(ApiError::Internal)?;
        self.store.set_password_hash(&agent.account_id, &agent.id, &hash).await?;
        self.store.delete_agent_sessions(&agent.id, Some(keep_session)).await?;
        Ok(())
    }
}

/// How an agent appears to the visitor: by name.
pub fn agent_sender(agent: &Agent) -> linktor_core::Sender {
    linktor_core::Sender { sender_type: linktor_core::SenderType::Agent, id: agent.id.to_string(), name: Some(agent.name.clone()), avatar: None }
}
