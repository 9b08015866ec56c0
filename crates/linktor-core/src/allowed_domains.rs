//! Matching a request's `Origin` against a channel's allowed domains.
//! `example.com` is that host only; `*.example.com` is any subdomain at any
//! depth but not the apex. Scheme and port never matter; case never matters.

use utoipa::{
    openapi::{
        schema::{ObjectBuilder, OneOfBuilder, Schema, Type},
        RefOr,
    },
    PartialSchema, ToSchema,
};

/// A host name as `validate_pattern` accepts it: labels of letters, digits
/// and inner `-`, 1–63 characters each (and 253 in all).
pub const HOST_PATTERN: &str = r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$";
/// `*.` and a host name.
pub const WILDCARD_PATTERN: &str = r"^\*\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$";
const MAX_HOST_CHARS: usize = 253;

/// The schema of an allowed-domains entry (`#[schema(value_type = DomainPattern)]`):
/// one pattern. The server also takes a comma-separated list in one entry,
/// trimmed and in any case; the document asks for one per entry.
pub struct DomainPattern;

impl PartialSchema for DomainPattern {
    fn schema() -> RefOr<Schema> {
        let host = ObjectBuilder::new().schema_type(Type::String).max_length(Some(MAX_HOST_CHARS)).pattern(Some(HOST_PATTERN));
        let wildcard = ObjectBuilder::new().schema_type(Type::String).max_length(Some(MAX_HOST_CHARS + 2)).pattern(Some(WILDCARD_PATTERN));
        OneOfBuilder::new()
            .item(host)
            .item(wildcard)
            .description(Some("A host name (`example.com`), or `*.` and one for its subdomains at any depth but not the apex."))
            .examples(["example.com", "*.example.com"])
            .into()
    }
}

impl ToSchema for DomainPattern {}

/// Checks one pattern as typed in the dashboard or CLI.
pub fn validate_pattern(pattern: &str) -> Result<(), String> {
    let host = pattern.strip_prefix("*.").unwrap_or(pattern);
    if host.is_empty() || host.len() > MAX_HOST_CHARS {
        return Err("must be a host name like example.com or *.example.com".into());
    }
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !host.split('.').all(label_ok) {
        return Err(format!("`{pattern}` is not a host name like example.com or *.example.com"));
    }
    Ok(())
}

/// Splits a comma-separated list ("example.com, *.example.com") into patterns.
pub fn parse_list(list: &str) -> Vec<String> {
    list.split(',').map(|d| d.trim().to_ascii_lowercase()).filter(|d| !d.is_empty()).collect()
}

/// The host of an `Origin` header value (`https://shop.example.com:8443`).
pub fn origin_host(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.host_str().map(|h| h.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase())
}

/// Whether `origin` (a full `Origin` header value) is allowed by `patterns`.
pub fn matches(patterns: &[String], origin: &str) -> bool {
    let Some(host) = origin_host(origin) else { return false };
    patterns.iter().any(|p| {
        let p = p.to_ascii_lowercase();
        match p.strip_prefix("*.") {
            Some(apex) => host.len() > apex.len() + 1 && host.ends_with(apex) && host.as_bytes()[host.len() - apex.len() - 1] == b'.',
            None => host == p,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> Vec<String> {
        parse_list(s)
    }

    #[test]
    fn spec_example() {
        let p = list("example.com, *.example.com, staging.example.com");
        assert!(matches(&p, "https://example.com"));
        assert!(matches(&p, "https://www.example.com"));
        assert!(matches(&p, "https://a.b.example.com:8443"));
        assert!(matches(&p, "http://STAGING.example.com"));
        assert!(!matches(&p, "https://evil.com"));
        assert!(!matches(&p, "https://notexample.com"));
        assert!(!matches(&p, "https://example.com.evil.com"));
        assert!(!matches(&p, "null"));
        assert!(!matches(&p, ""));
        assert!(!matches(&p, "file:///etc/passwd"));
    }

    #[test]
    fn wildcard_excludes_apex() {
        let p = list("*.example.com");
        assert!(!matches(&p, "https://example.com"));
        assert!(matches(&p, "https://x.example.com"));
    }

    #[test]
    fn localhost_and_ips() {
        let p = list("localhost,127.0.0.1");
        assert!(matches(&p, "http://localhost:3000"));
        assert!(matches(&p, "http://127.0.0.1:8080"));
        assert!(!matches(&p, "http://127.0.0.2:8080"));
    }

    #[test]
    fn patterns_of_the_schema_are_accepted() {
        // Each matches HOST_PATTERN or WILDCARD_PATTERN, at their edges:
        // one-character and 63-character labels, the longest names, inner
        // hyphens, digits only, upper case.
        let label = format!("{}.", "a".repeat(63));
        let longest = format!("*.{}{}", label.repeat(3), "a".repeat(61));
        assert_eq!(longest.len(), MAX_HOST_CHARS + 2);
        for p in ["a", "*.a", "a-b.c-d", "127.0.0.1", "EXAMPLE.com", &longest] {
            validate_pattern(&parse_list(p)[0]).unwrap_or_else(|e| panic!("{p}: {e}"));
        }
    }

    #[test]
    fn patterns_are_validated() {
        assert!(validate_pattern("example.com").is_ok());
        assert!(validate_pattern("*.example.com").is_ok());
        assert!(validate_pattern("localhost").is_ok());
        assert!(validate_pattern("*").is_err());
        assert!(validate_pattern("*.").is_err());
        assert!(validate_pattern("exa mple.com").is_err());
        assert!(validate_pattern("https://example.com").is_err());
        assert!(validate_pattern("a.*.com").is_err());
    }
}
