//! What a search is made of, as pure functions: the words of a query (user
//! input never reaches FTS5's MATCH or PostgreSQL's tsquery syntax raw), the
//! accent and case folding both engines' documents get, and the snippet with
//! its highlighted words, built here so both backends answer the same.

/// The longest `q` accepted, in characters (the HTTP layer answers 400 past it).
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words a query keeps: each is a prefix search of its own, and a
/// dozen one-letter prefixes already touch most of the index.
pub const MAX_TERMS: usize = 12;

/// Accented Latin letters (U+00C0–U+024F, U+1E00–U+1EFF: what Unicode
/// decomposes into an ASCII letter and marks, plus ø đ ħ ł ŧ ı), each
/// beside the plain lowercase letter it folds to. The same two strings are
/// PostgreSQL's `translate()` in `linktor_search_fold`, so a word is folded
/// alike in the index, in the query and in the highlighting. (SQLite's FTS5
/// folds on its own: `unicode61 remove_diacritics 2`.) Made with Python's
/// `unicodedata.normalize('NFD', c)`.
pub(crate) const FOLD_FROM: &str = concat!(
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬ",
    "ĭĮįİıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩ",
    "ǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬ",
    "ḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐ",
    "ẑẒẓẔẕẖẗẘẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ",
);
pub(crate) const FOLD_TO: &str = concat!(
    "aaaaaaceeeeiiiinoooooouuuuyaaaaaaceeeeiiiinoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiii",
    "iiiiijjkkllllllllnnnnnnoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzoouuaaiioouuuuuuuuuuaaaaggkk",
    "oooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyyaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhi",
    "iiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyz",
    "zzzzzhtwyaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy",
);

fn fold_char(c: char, out: &mut String) {
    // Combining marks (a decomposed accent) go; they are no word's letter.
    if ('\u{300}'..='\u{36f}').contains(&c) {
        return;
    }
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        match FOLD_FROM.chars().position(|f| f == lower) {
            Some(i) => out.push(FOLD_TO.chars().nth(i).unwrap_or(lower)),
            None => out.push(lower),
        }
    }
}

/// Lowercase, without accents: "Crème BRÛLÉE" → "creme brulee".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// A search as the store runs it: up to `MAX_TERMS` terms, each the words
/// of one whitespace-separated piece of the query (`john@example.com` is the
/// three words `john example com`, found next to each other). Every term
/// must match, its last word as a prefix. Only letters and digits survive:
/// quotes, `*`, `-`, `:`, `&`, `|`, `!`, parentheses, `NEAR(` or emoji are
/// separators, so nothing of the input is ever query syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<Vec<String>>,
}

impl SearchQuery {
    /// `None` when the text holds no word at all (say `"*"` or `🙂`).
    pub fn parse(text: &str) -> Option<Self> {
        let mut terms: Vec<Vec<String>> = Vec::new();
        for piece in text.split_whitespace() {
            let words: Vec<String> = piece.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect();
            if words.is_empty() || terms.iter().any(|t| fold_words(t) == fold_words(&words)) {
                continue;
            }
            if terms.len() == MAX_TERMS {
                break;
            }
            terms.push(words);
        }
        (!terms.is_empty()).then_some(Self { terms })
    }

    /// The FTS5 MATCH expression: each term a quoted phrase with a prefix
    /// star, all of them ANDed: `"john example"* AND "pric"*`. The words hold
    /// only letters and digits, so no `"` needs doubling; FTS5 tokenizes the
    /// quoted text as it tokenized the documents.
    pub(crate) fn fts5(&self) -> String {
        self.terms.iter().map(|t| format!("\"{}\"*", t.join(" "))).collect::<Vec<_>>().join(" AND ")
    }

    /// The terms for PostgreSQL, one a line: SQL turns each into a phrase
    /// (`phraseto_tsquery`) with a prefix on its last word and ANDs them.
    pub(crate) fn lines(&self) -> String {
        self.terms.iter().map(|t| t.join(" ")).collect::<Vec<_>>().join("\n")
    }

    /// Whether every term is found in `text` (its words in order, the last as a prefix).
    pub(crate) fn matches(&self, text: &str) -> bool {
        let words: Vec<String> = tokens(text).map(|(_, w)| fold(w)).collect();
        self.terms.iter().all(|t| {
            let t = fold_words(t);
            (0..words.len()).any(|i| {
                t.iter().enumerate().all(|(k, w)| match words.get(i + k) {
                    Some(d) if k + 1 == t.len() => d.starts_with(w.as_str()),
                    Some(d) => d == w,
                    None => false,
                })
            })
        })
    }

    /// Whether a word of a document is one a term looks for.
    fn hits(&self, word: &str) -> bool {
        let word = fold(word);
        self.terms.iter().any(|t| {
            let t = fold_words(t);
            t.iter().enumerate().any(|(k, w)| if k + 1 == t.len() { word.starts_with(w.as_str()) } else { word == *w })
        })
    }

    /// An excerpt of `text` around its first matching word, in pieces, the
    /// matching words highlighted. About `width` characters long.
    pub fn snippet(&self, text: &str, width: usize) -> Vec<linktor_core::agent::SnippetPart> {
        let found: Vec<(usize, usize)> = tokens(text).filter(|(_, w)| self.hits(w)).map(|(at, w)| (at, at + w.len())).collect();
        let (first, first_end) = found.first().copied().unwrap_or((0, 0));
        // From the start when the first hit fits; else some context before
        // it, then as much as fits after it.
        let lead = width / 4;
        let mut start = if text[..first_end].chars().count() <= width * 3 / 4 {
            0
        } else {
            text[..first].char_indices().rev().nth(lead.saturating_sub(1)).map_or(0, |(i, _)| i)
        };
        if start > 0 {
            // Start on a word: after the first whitespace, if there is one near.
            if let Some(space) = text[start..first].find(char::is_whitespace) {
                start += space + text[start + space..].chars().next().map_or(1, char::len_utf8);
            }
        }
        let end = text[start..].char_indices().nth(width).map_or(text.len(), |(i, _)| start + i);
        let mut parts = Vec::new();
        let mut push = |piece: &str, highlight: bool| {
            if piece.is_empty() {
                return;
            }
            match parts.last_mut() {
                Some(linktor_core::agent::SnippetPart { text, highlight: h }) if *h == highlight => text.push_str(piece),
                _ => parts.push(linktor_core::agent::SnippetPart { text: piece.to_owned(), highlight }),
            }
        };
        if start > 0 {
            push("…", false);
        }
        let mut at = start;
        for &(a, b) in found.iter().filter(|(a, b)| *a >= start && *b <= end) {
            push(&text[at..a], false);
            push(&text[a..b], true);
            at = b;
        }
        push(&text[at..end], false);
        if end < text.len() {
            push("…", false);
        }
        parts
    }
}

fn fold_words(words: &[String]) -> Vec<String> {
    words.iter().map(|w| fold(w)).collect()
}

/// The words of a text with their byte offsets: runs of letters and digits.
fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = *{
            while rest.peek().is_some_and(|(_, c)| !c.is_alphanumeric()) {
                rest.next();
            }
            rest.peek()?
        };
        let mut end = start;
        while let Some(&(i, c)) = rest.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = i + c.len_utf8();
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(parts: &[linktor_core::agent::SnippetPart]) -> String {
        parts.iter().map(|p| if p.highlight { format!("[{}]", p.text) } else { p.text.clone() }).collect()
    }

    #[test]
    fn the_fold_tables_pair_up() {
        assert_eq!(FOLD_FROM.chars().count(), FOLD_TO.chars().count());
        assert!(FOLD_TO.chars().all(|c| c.is_ascii_lowercase()));
        assert_eq!(fold("Crème BRÛLÉE, São Paulo, Łódź, cafe\u{301}"), "creme brulee, sao paulo, lodz, cafe");
    }

    #[test]
    fn query_syntax_is_only_ever_words() {
        let q = SearchQuery::parse(r#"  "john" NEAR(a b) -x* OR y:z & | ! (w) 🙂 "#).unwrap();
        assert_eq!(q.fts5(), r#""john"* AND "NEAR a"* AND "b"* AND "x"* AND "OR"* AND "y z"* AND "w"*"#);
        assert_eq!(SearchQuery::parse("\"*\" 🙂 \u{200f} - :"), None);
        assert_eq!(SearchQuery::parse(""), None);
        assert_eq!(SearchQuery::parse("john@example.com").unwrap().lines(), "john example com");
        // Repeats count once; past MAX_TERMS words the rest are dropped.
        assert_eq!(SearchQuery::parse("a A á b").unwrap().terms.len(), 2);
        let many = (0..50).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(SearchQuery::parse(&many).unwrap().terms.len(), MAX_TERMS);
    }

    #[test]
    fn matching_is_by_word_prefix_without_case_or_accents() {
        let q = SearchQuery::parse("CAFÉ pric").unwrap();
        assert!(q.matches("The cafe's pricing"));
        assert!(!q.matches("The cafe is closed"));
        assert!(!q.matches("a decaf price")); // a prefix starts a word
        let email = SearchQuery::parse("john@exam").unwrap();
        assert!(email.matches("John Doe john@example.com"));
        assert!(!email.matches("john from the example"));
    }

    #[test]
    fn snippets_cut_around_the_first_hit_and_mark_every_hit() {
        let q = SearchQuery::parse("pric").unwrap();
        assert_eq!(plain(&q.snippet("Do you offer enterprise pricing?", 80)), "Do you offer enterprise [pricing]?");
        let long = format!("{} the price is right {}", "word ".repeat(40), "more ".repeat(40));
        let s = plain(&q.snippet(&long, 60));
        assert!(s.starts_with("…word") && s.contains("the [price] is right") && s.ends_with('…'), "{s}");
        assert!(s.chars().count() < 70, "{s}");
        // Multi-byte text is cut on character boundaries.
        let q = SearchQuery::parse("שלום").unwrap();
        assert_eq!(plain(&q.snippet("\u{200f}שלום עולם 🙂", 80)), "\u{200f}[שלום] עולם 🙂");
        // Nothing matches: the start of the text.
        assert_eq!(plain(&SearchQuery::parse("zzz").unwrap().snippet("abc def", 80)), "abc def");
    }
}
