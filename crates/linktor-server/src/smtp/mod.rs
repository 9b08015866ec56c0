//! Replies by email come in here: a small SMTP receiver (RFC 5321, no relay,
//! no AUTH) on `LINKTOR_SMTP_LISTEN`. It takes mail only for the signed reply
//! addresses of conversations (checked at `RCPT TO`: a forged or expired one
//! gets `550` with the reason), one recipient per mail, at most `MAX_MAIL`
//! bytes, and hands the mail to `services::email`, which stores it as the
//! visitor's message. Each connection holds a permit of a bounded semaphore
//! (the connection cap) and its task ends with it; every read has a timeout.
//! No crate for the server side was well kept (mailin-embedded is threaded,
//! samotop and the small tokio ones are unmaintained), so this is our own.

use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    sync::Semaphore,
};

use crate::{error::ApiError, state::SharedState};

/// Largest mail accepted (headers and body, as sent).
pub const MAX_MAIL: usize = 1024 * 1024;
/// Most simultaneous SMTP connections.
const MAX_CONNECTIONS: usize = 64;
/// Longest command line (RFC 5321 says 512; a little slack).
const MAX_LINE: usize = 1024;
/// Longest line inside DATA (RFC 5322 says 998).
const MAX_DATA_LINE: usize = 64 * 1024;
/// How long the client may stay silent.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a whole connection may last.
const SESSION_TIMEOUT: Duration = Duration::from_secs(600);
/// Commands per connection, at most (a client looping on RSET/NOOP).
const MAX_COMMANDS: usize = 200;

/// Binds the listener (so start-up fails at once on a bad address) and
/// serves it until shutdown.
pub async fn listen(st: SharedState, addr: SocketAddr) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("LINKTOR_SMTP_LISTEN: cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    Ok((local, tokio::spawn(serve(st, listener))))
}

async fn serve(st: SharedState, listener: TcpListener) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = st.shutdown.clone();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() { return }
                continue;
            }
        };
        let (socket, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "SMTP accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Over the cap: say so and hang up, without a task.
            let mut socket = socket;
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(5), socket.write_all(b"421 4.7.0 Too many connections, try again later\r\n")).await;
            });
            continue;
        };
        let st = st.clone();
        tokio::spawn(async move {
            let _permit = permit;
            match tokio::time::timeout(SESSION_TIMEOUT, session(&st, socket)).await {
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "SMTP session ended"),
                Err(_) => tracing::debug!(%peer, "SMTP session timed out"),
                Ok(Ok(())) => {}
            }
        });
    }
}

/// One mail being received.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    /// The conversation of the one accepted recipient.
    to: Option<(linktor_core::AccountId, linktor_core::api::Conversation)>,
}

/// A line read: the text, or the line was too long (and was skipped).
enum Line {
    Text(String),
    TooLong,
    Closed,
}

async fn read_line<R: AsyncRead + Unpin>(r: &mut BufReader<R>, max: usize, buf: &mut Vec<u8>) -> std::io::Result<Line> {
    buf.clear();
    let mut too_long = false;
    loop {
        let available = match tokio::time::timeout(READ_TIMEOUT, r.fill_buf()).await {
            Ok(b) => b?,
            Err(_) => return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "client silent")),
        };
        if available.is_empty() {
            return Ok(Line::Closed);
        }
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let n = chunk.len();
        if !too_long {
            if buf.len() + n > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        r.consume(n);
        if done {
            if too_long {
                return Ok(Line::TooLong);
            }
            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                buf.pop();
            }
            return Ok(Line::Text(String::from_utf8_lossy(buf).into_owned()));
        }
    }
}

async fn reply<W: AsyncWrite + Unpin>(w: &mut W, text: &str) -> std::io::Result<()> {
    w.write_all(text.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

/// `<addr>` of `FROM:<addr> …` / `TO:<addr> …`, and the parameters after it.
fn path_arg<'a>(arg: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let rest = arg.get(..keyword.len()).filter(|k| k.eq_ignore_ascii_case(keyword)).map(|_| arg[keyword.len()..].trim_start())?;
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some((&rest[..end], rest[end + 1..].trim()))
}

async fn session(st: &SharedState, socket: TcpStream) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::with_capacity(16 * 1024, read);
    let host = st.config.email.as_ref().map(|e| e.reply_domain.clone()).unwrap_or_else(|| "linktor".into());
    reply(&mut write, &format!("220 {host} Linktor ESMTP ready")).await?;
    let mut envelope = Envelope::default();
    let mut greeted = false;
    let mut buf = Vec::with_capacity(MAX_LINE);
    for _ in 0..MAX_COMMANDS {
        let line = match read_line(&mut read, MAX_LINE, &mut buf).await? {
            Line::Closed => return Ok(()),
            Line::TooLong => {
                reply(&mut write, "500 5.5.2 Line too long").await?;
                continue;
            }
            Line::Text(l) => l,
        };
        let (verb, arg) = line.split_once(' ').map_or((line.as_str(), ""), |(v, a)| (v, a.trim()));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                greeted = true;
                envelope = Envelope::default();
                reply(&mut write, &format!("250-{host}\r\n250-SIZE {MAX_MAIL}\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES")).await?;
            }
            "HELO" => {
                greeted = true;
                envelope = Envelope::default();
                reply(&mut write, &format!("250 {host}")).await?;
            }
            "MAIL" if !greeted => reply(&mut write, "503 5.5.1 Say EHLO first").await?,
            "MAIL" if envelope.from.is_some() => reply(&mut write, "503 5.5.1 Sender already given").await?,
            "MAIL" => match path_arg(arg, "FROM:") {
                Some((from, params)) => {
                    let size = params.split_whitespace().find_map(|p| p.get(..5).filter(|k| k.eq_ignore_ascii_case("SIZE=")).and(p.get(5..)));
                    if size.and_then(|s| s.parse::<usize>().ok()).is_some_and(|s| s > MAX_MAIL) {
                        reply(&mut write, &format!("552 5.3.4 Mail is larger than {MAX_MAIL} bytes")).await?;
                    } else {
                        envelope.from = Some(from.to_owned());
                        reply(&mut write, "250 2.1.0 OK").await?;
                    }
                }
                None => reply(&mut write, "501 5.5.4 Syntax: MAIL FROM:<address>").await?,
            },
            "RCPT" if envelope.from.is_none() => reply(&mut write, "503 5.5.1 MAIL FROM first").await?,
            "RCPT" => match path_arg(arg, "TO:") {
                // One conversation per mail: a reply needs no other recipient.
                Some(_) if envelope.to.is_some() => reply(&mut write, "452 4.5.3 Too many recipients: one reply address per mail").await?,
                Some((to, _)) => match st.reply_conversation(to).await {
                    Ok(found) => {
                        envelope.to = Some(found);
                        reply(&mut write, "250 2.1.5 OK").await?;
                    }
                    Err(reason) if reason.starts_with("temporary:") => {
                        tracing::warn!(%reason, "SMTP RCPT: storage unavailable");
                        reply(&mut write, "451 4.3.0 Temporarily unable to accept mail, try again later").await?;
                    }
                    Err(reason) => reply(&mut write, &format!("550 5.1.1 <{}>: {reason}", to.replace(['\r', '\n'], ""))).await?,
                },
                None => reply(&mut write, "501 5.5.4 Syntax: RCPT TO:<address>").await?,
            },
            "DATA" if envelope.to.is_none() => reply(&mut write, "503 5.5.1 RCPT TO first").await?,
            "DATA" => {
                reply(&mut write, "354 End data with <CR><LF>.<CR><LF>").await?;
                let Some(data) = read_data(&mut read).await? else {
                    envelope = Envelope::default();
                    reply(&mut write, &format!("552 5.3.4 Mail is larger than {MAX_MAIL} bytes")).await?;
                    continue;
                };
                let (account, conversation) = envelope.to.take().expect("checked above");
                envelope = Envelope::default();
                let answer = match st.email_reply(&account, &conversation, &data).await {
                    Ok(message) => {
                        tracing::info!(conversation = %conversation.id, message = %message.id, "reply by email stored");
                        "250 2.0.0 Reply stored".to_owned()
                    }
                    Err(ApiError::Validation(e)) => format!("554 5.6.0 {e}"),
                    Err(ApiError::Unavailable(_)) => "451 4.3.0 Temporarily unable to store the reply, try again later".to_owned(),
                    Err(e) => {
                        tracing::warn!(error = %e, "storing a reply by email failed");
                        "451 4.3.0 Could not store the reply, try again later".to_owned()
                    }
                };
                reply(&mut write, &answer).await?;
            }
            "RSET" => {
                envelope = Envelope::default();
                reply(&mut write, "250 2.0.0 OK").await?;
            }
            "NOOP" => reply(&mut write, "250 2.0.0 OK").await?,
            "VRFY" => reply(&mut write, "252 2.5.0 Cannot verify").await?,
            "QUIT" => {
                reply(&mut write, "221 2.0.0 Bye").await?;
                return Ok(());
            }
            "STARTTLS" | "AUTH" | "BDAT" => reply(&mut write, "502 5.5.1 Not supported").await?,
            _ => reply(&mut write, "500 5.5.2 Unknown command").await?,
        }
    }
    reply(&mut write, "421 4.7.0 Too many commands").await
}

/// The mail after `DATA`, dot-unstuffed; `None` when it passed `MAX_MAIL`
/// (the rest is read and dropped up to the end marker, so the session can go on).
async fn read_data<R: AsyncRead + Unpin>(read: &mut BufReader<R>) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut over = false;
    let mut skipped = 0usize;
    let mut buf = Vec::with_capacity(1024);
    loop {
        let line = match read_line(read, MAX_DATA_LINE, &mut buf).await? {
            Line::Closed => return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed inside DATA")),
            Line::TooLong => {
                over = true;
                continue;
            }
            Line::Text(l) => l,
        };
        if line == "." {
            return Ok((!over).then_some(data));
        }
        let line = line.strip_prefix('.').unwrap_or(&line);
        if over {
            skipped += line.len();
            // A client that keeps sending far past the limit is cut off.
            if skipped > 16 * MAX_MAIL {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "mail far over the size limit"));
            }
            continue;
        }
        if data.len() + line.len() + 2 > MAX_MAIL {
            over = true;
            data = Vec::new();
            continue;
        }
        data.extend_from_slice(line.as_bytes());
        data.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_from_mail_and_rcpt() {
        assert_eq!(path_arg("FROM:<a@b.co> SIZE=10", "FROM:"), Some(("a@b.co", "SIZE=10")));
        assert_eq!(path_arg("to: <x@y.z>", "TO:"), Some(("x@y.z", "")));
        assert_eq!(path_arg("FROM:<>", "FROM:"), Some(("", "")));
        assert_eq!(path_arg("FROM:a@b.co", "FROM:"), None);
        assert_eq!(path_arg("TO:<x", "TO:"), None);
    }

    #[tokio::test]
    async fn data_is_unstuffed_and_limited() {
        let input: &[u8] = b"Subject: x\r\n\r\n..dot\r\nline\r\n.\r\n";
        let mut r = BufReader::new(input);
        assert_eq!(read_data(&mut r).await.unwrap().unwrap(), b"Subject: x\r\n\r\n.dot\r\nline\r\n");
        let big = format!("{}\r\n", "a".repeat(1000)).repeat(MAX_MAIL / 1000 + 2) + ".\r\n";
        let mut r = BufReader::new(big.as_bytes());
        assert_eq!(read_data(&mut r).await.unwrap(), None, "over the limit");
        let long_line = format!("{}\r\n.\r\n", "b".repeat(MAX_DATA_LINE + 10));
        let mut r = BufReader::new(long_line.as_bytes());
        assert_eq!(read_data(&mut r).await.unwrap(), None, "a line over the line limit");
    }
}
