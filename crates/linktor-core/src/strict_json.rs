//! JSON as the documents describe it (JSON Schema's reading, which API
//! clients and generators follow), where serde's derived reading differs:
//! - serde's structs also accept an array of their fields in order
//!   (`["Ana", null]` for `{"name": "Ana"}`), a second spelling no client is
//!   told of: `from_str` refuses an array where the type has an object, at
//!   any depth;
//! - JSON Schema counts `75.0` as an integer, serde refuses it for an
//!   integer field: `from_str` reads a number with no fraction as an integer.
//!
//! A text whose numbers are all integers and that has no array outside its
//! strings needs neither, so the common case costs one parse.

use serde::{de::DeserializeOwned, de::Error as _, Serialize};
use serde_json::Value;

/// Parses `text` as `T`; an array where `T` has an object is a data error
/// naming where it is (`serde_json::Error::is_data`).
pub fn from_str<T: DeserializeOwned + Serialize>(text: &str) -> Result<T, serde_json::Error> {
    if !needs_a_second_look(text) {
        return serde_json::from_str(text);
    }
    let mut input: Value = serde_json::from_str(text)?;
    whole_numbers_as_integers(&mut input);
    let parsed = T::deserialize(&input)?;
    if let Some((at, what)) = array_for_object(&input, &serde_json::to_value(&parsed)?, String::new()) {
        let at = if at.is_empty() { "the body".to_owned() } else { at };
        return Err(serde_json::Error::custom(format!("{at}: {what}")));
    }
    Ok(parsed)
}

/// The keys that name a tagged enum's variant (`#[serde(tag = …)]`): serde
/// reads a number there as the variant's index.
const TAGS: [&[u8]; 2] = [b"type", b"event"];

/// Whether `text` has, outside its strings, an array, a number written with
/// a fraction or an exponent, or a number as a tag's value: the places where
/// the two readings differ. One pass, no allocation; a text without them
/// (every message, resume and typing frame) is read once.
fn needs_a_second_look(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut in_string, mut escaped, mut in_number) = (false, false, false);
    // Where the last string started, and whether it was a tag followed by `:`.
    let (mut string_start, mut after_tag) = (0, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => {
                    in_string = false;
                    after_tag = TAGS.contains(&&bytes[string_start..i]);
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => (in_string, string_start, in_number) = (true, i + 1, false),
            b'[' => return true,
            b'0'..=b'9' | b'-' if after_tag => return true,
            b'0'..=b'9' | b'-' => in_number = true,
            b'.' | b'e' | b'E' if in_number => return true,
            b':' | b' ' | b'\t' | b'\n' | b'\r' => in_number = false,
            _ => (in_number, after_tag) = (false, false),
        }
    }
    false
}

/// Numbers written with a fraction that is zero (`75.0`, `1e3`) become integers.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0) {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Where `input` has an array (or a number) that `parsed` (the same value,
/// read and written back) shows as an object (or a string), and which.
fn array_for_object(input: &Value, parsed: &Value, at: String) -> Option<(String, &'static str)> {
    match (input, parsed) {
        (Value::Array(_), Value::Object(_)) => Some((at, "an object is expected, not an array")),
        // serde reads a number as an enum's variant index (`"type": 0`).
        (Value::Number(_), Value::String(_)) => Some((at, "a string is expected, not a number")),
        (Value::Object(i), Value::Object(p)) => i.iter().find_map(|(k, v)| {
            let next = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            p.get(k).and_then(|pv| array_for_object(v, pv, next))
        }),
        (Value::Array(i), Value::Array(p)) => i.iter().zip(p).enumerate().find_map(|(n, (v, pv))| array_for_object(v, pv, format!("{at}[{n}]"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{api::UpdateChannelRequest, ClientFrame, SessionRequest};

    #[test]
    fn objects_parse_as_usual() {
        let r: SessionRequest = from_str(r#"{"channelId":"ch_a","user":{"name":"Ana"},"privacy":{"anonymizeIP":true}}"#).unwrap();
        assert_eq!(r.user.unwrap().name.as_deref(), Some("Ana"));
        let f: ClientFrame = from_str(r#"{"type":"message.send","clientId":"c1","content":{"type":"interactive","interactive":{"type":"buttons","body":{"text":"?"},"buttons":[{"id":"y","label":"Yes"}]}}}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(f, ClientFrame::MessageSend { .. }));
    }

    #[test]
    fn an_array_where_an_object_belongs_is_refused_with_where() {
        let e = from_str::<UpdateChannelRequest>("[null, null]").unwrap_err();
        assert!(e.is_data() && e.to_string().contains("the body: an object is expected"), "{e}");
        let e = from_str::<SessionRequest>(r#"{"channelId":"ch_a","user":[null,null]}"#).unwrap_err();
        assert!(e.to_string().starts_with("user: an object"), "{e}");
        let e = from_str::<SessionRequest>(r#"{"channelId":"ch_a","privacy":[]}"#).unwrap_err();
        assert!(e.to_string().starts_with("privacy: an object"), "{e}");
        let e = from_str::<ClientFrame>(r#"{"type":"user.update","user":["Ana"]}"#).unwrap_err();
        assert!(e.to_string().starts_with("user: an object"), "{e}");
    }

    #[derive(Debug, serde::Serialize, serde::Deserialize)]
    struct Seq {
        seq: Option<i64>,
        ratio: Option<f64>,
    }

    #[test]
    fn a_number_without_fraction_is_an_integer_as_json_schema_says() {
        let r: Seq = from_str(r#"{"seq": 75.0, "ratio": 2.0}"#).unwrap();
        assert_eq!((r.seq, r.ratio), (Some(75), Some(2.0)));
        assert!(from_str::<Seq>(r#"{"seq": 75.5}"#).unwrap_err().is_data());
        let r: Seq = from_str(r#"{"seq": 1e2, "ratio": 0.5}"#).unwrap();
        assert_eq!((r.seq, r.ratio), (Some(100), Some(0.5)));
    }

    #[test]
    fn only_arrays_fractions_and_numeric_tags_take_the_second_look() {
        assert!(!needs_a_second_look(r#"{"text": "see [1] and 2.5e3", "ok": true}"#));
        assert!(!needs_a_second_look(r#"{"text": "a \"quoted [\" word"}"#));
        assert!(!needs_a_second_look(r#"{"type":"resume","lastSeq":0}"#));
        assert!(!needs_a_second_look(r#"{"type": "read", "seq": -12}"#));
        assert!(needs_a_second_look(r#"{"n": 12.0}"#));
        assert!(needs_a_second_look(r#"{"n": -1E3}"#));
        assert!(needs_a_second_look(r#"{"xs": []}"#));
        assert!(needs_a_second_look(r#"{"type": 0}"#));
        assert!(needs_a_second_look(r#"{"content":{"type":-1,"text":"x"}}"#));
        assert!(needs_a_second_look(r#"{"event" :3}"#));
    }

    #[test]
    fn a_number_for_an_enum_is_refused() {
        let e = from_str::<ClientFrame>(r#"{"type":"message.send","clientId":"c1","content":{"type":0,"text":"hi"}}"#).unwrap_err();
        assert!(e.to_string().starts_with("content.type: a string is expected"), "{e}");
        assert!(from_str::<ClientFrame>(r#"{"type":"read","seq":3}"#).is_ok());
    }

    #[test]
    fn syntax_errors_stay_syntax_errors() {
        assert!(from_str::<SessionRequest>("[").unwrap_err().is_eof());
        assert!(from_str::<SessionRequest>("{]").unwrap_err().is_syntax());
    }
}
