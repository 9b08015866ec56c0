//! JSON as the documents describe it. Serde's derived structs also accept
//! an array of their fields in order (`["Ana", null]` for `{"name": "Ana"}`),
//! a second spelling no client is told of and no generator produces: input
//! that is read anyway is input nobody checks. `from_str` parses as usual
//! and refuses an array where the type has an object, at any depth. A text
//! without `[` cannot hold one, so the common case costs one parse.

use serde::{de::DeserializeOwned, de::Error as _, Serialize};
use serde_json::Value;

/// Parses `text` as `T`; an array where `T` has an object is a data error
/// naming where it is (`serde_json::Error::is_data`).
pub fn from_str<T: DeserializeOwned + Serialize>(text: &str) -> Result<T, serde_json::Error> {
    if !text.contains('[') {
        return serde_json::from_str(text);
    }
    let input: Value = serde_json::from_str(text)?;
    let parsed = T::deserialize(&input)?;
    if let Some(at) = array_for_object(&input, &serde_json::to_value(&parsed)?, String::new()) {
        let at = if at.is_empty() { "the body".to_owned() } else { at };
        return Err(serde_json::Error::custom(format!("{at}: an object is expected, not an array")));
    }
    Ok(parsed)
}

/// Where `input` has an array that `parsed` (the same value, read and written
/// back) shows as an object.
fn array_for_object(input: &Value, parsed: &Value, at: String) -> Option<String> {
    match (input, parsed) {
        (Value::Array(_), Value::Object(_)) => Some(at),
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

    #[test]
    fn syntax_errors_stay_syntax_errors() {
        assert!(from_str::<SessionRequest>("[").unwrap_err().is_eof());
        assert!(from_str::<SessionRequest>("{]").unwrap_err().is_syntax());
    }
}
