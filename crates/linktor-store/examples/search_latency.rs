//! Search latency against the plain conversation list, in the same run on
//! the same data: `--messages` messages over `--conversations` conversations
//! of one account (and as many again in another account, which a search
//! must skip), words drawn from a vocabulary so that a query can be rare,
//! common or a short prefix. Each query runs as the inbox asks for it
//! (`list_conversation_summaries`, a page of 50) and is timed over many
//! runs; the report is a Markdown table with p50, p95 and its ratio to the
//! list without `q`.
//!
//! cargo run --release -p linktor-store --features testing --example search_latency -- [sqlite|postgres] [messages] [conversations] [runs] [no-analyze]
//! (default sqlite 100000 5000 200; PostgreSQL at LINKTOR_TEST_POSTGRES_URL, default the local server)

use linktor_core::{channel::ChannelSettings, AccountId, Content, Direction, Sender, SenderType, VisitorUser};
use linktor_store::{
    testing::{Backend, TestDb},
    ConversationFilter, NewMessage, NewVisitor, Store,
};
use std::{collections::BTreeMap, time::Instant};

/// Words of the generated messages: a few hundred common ones, so a word
/// is in about one message of 30 on average.
const WORDS: &[&str] = &[
    "order", "refund", "shipping", "delivery", "invoice", "payment", "account", "password", "login", "price", "discount", "coupon",
    "return", "exchange", "size", "colour", "stock", "available", "tomorrow", "today", "week", "thanks", "hello", "help", "please",
    "problem", "broken", "works", "question", "answer", "email", "phone", "address", "street", "city", "country", "card", "bank",
    "transfer", "cancel", "subscription", "plan", "upgrade", "downgrade", "team", "support", "manager", "product", "service", "app",
];

/// A cheap deterministic sequence (xorshift), so every run has the same data.
struct Dice(u64);
impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

async fn fill(store: &Store, account: &AccountId, messages: usize, conversations: usize, dice: &mut Dice) {
    let channel = store.create_channel(account, "Bench", &["example.com".into()], "en", &ChannelSettings::default()).await.unwrap().channel.id;
    let mut convs = Vec::with_capacity(conversations);
    for i in 0..conversations {
        let user = VisitorUser { name: Some(format!("Visitor{i} Surname{}", i % 97)), email: Some(format!("visitor{i}@example.com")), ..Default::default() };
        let v = store
            .create_visitor(NewVisitor { account, channel: &channel, user, verified_user_id: None, context: BTreeMap::new(), anonymize_ip: false, retention_days: None })
            .await
            .unwrap();
        convs.push((v.visitor.id.clone(), store.create_conversation(account, &channel, &v.visitor.id, &BTreeMap::new(), |_| vec![]).await.unwrap().id));
    }
    let mut n = 0;
    while n < messages {
        let batch: Vec<NewMessage> = (0..500.min(messages - n))
            .map(|_| {
                n += 1;
                let (visitor, conversation) = convs[dice.roll(convs.len())].clone();
                let mut text: Vec<&str> = (0..8).map(|_| WORDS[dice.roll(WORDS.len())]).collect();
                // A rare word: one message in 10,000.
                if n % 10_000 == 7 {
                    text.push("zephyrine");
                }
                NewMessage {
                    account: account.clone(),
                    conversation,
                    direction: Direction::Inbound,
                    sender: Sender { sender_type: SenderType::Visitor, id: visitor.to_string(), name: None, avatar: None },
                    content: Content::Text { text: text.join(" ") },
                    client_id: None,
                    reply_to: None,
                    events: None,
                }
            })
            .collect();
        for r in store.append_messages(batch).await.unwrap() {
            r.unwrap();
        }
    }
}

/// p50 and p95 of `runs` calls, in ms, and how many conversations one found.
async fn time(store: &Store, account: &AccountId, q: Option<&str>, runs: usize) -> (f64, f64, usize) {
    let filter = ConversationFilter { search: q.map(str::to_owned), limit: 50, ..Default::default() };
    let found = store.list_conversation_summaries(account, &filter).await.unwrap().len(); // and warm the cache
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(store.list_conversation_summaries(account, &filter).await.unwrap());
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (ms[runs / 2], ms[runs * 95 / 100], found)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = match args.first().map(String::as_str).unwrap_or("sqlite") {
        "sqlite" => Backend::Sqlite,
        "postgres" => Backend::Postgres,
        other => panic!("usage: search_latency [sqlite|postgres] [messages] [conversations] [runs]; got `{other}`"),
    };
    let number = |i: usize, default: usize| args.get(i).filter(|a| *a != "no-analyze").map_or(default, |a| a.parse().unwrap_or_else(|_| panic!("`{a}` is not a whole number")));
    let (messages, conversations, runs) = (number(1, 100_000), number(2, 5_000), number(3, 200));
    let db = TestDb::new(backend).await;
    let store = &db.store;
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let account = store.create_account("Bench").await.unwrap();
    let other = store.create_account("Other").await.unwrap();
    let started = Instant::now();
    fill(store, &account, messages, conversations, &mut dice).await;
    fill(store, &other, messages, conversations, &mut dice).await;
    if backend == Backend::Postgres && !args.iter().any(|a| a == "no-analyze") {
        // Statistics, as autovacuum gathers them after a load (`no-analyze`: without).
        linktor_store::db::query("ANALYZE").execute(store.pool()).await.unwrap();
    }
    eprintln!("{backend:?}: {} messages in {} conversations, twice, stored in {:.1} s", messages, conversations, started.elapsed().as_secs_f64());

    let (base50, base95, _) = time(store, &account, None, runs).await;
    println!("| {backend:?}, {messages} messages, {conversations} conversations (×2 accounts) | found (page of 50) | p50 ms | p95 ms | p50 / list |");
    println!("|---|---|---|---|---|");
    println!("| list without q | 50 | {base50:.2} | {base95:.2} | 1.0 |");
    for (what, q) in [
        ("a rare word (1 message in 10,000)", "zephyrine"),
        ("a common word (1 message in 6)", "refund"),
        ("two common words in one message", "refund invoice"),
        ("a 2-letter prefix (payment, password)", "pa"),
        ("a visitor's name", "visitor4321"),
        ("an email", "visitor4321@example.com"),
        ("no match", "nowhere"),
    ] {
        let (p50, p95, found) = time(store, &account, Some(q), runs).await;
        println!("| {what}: `{q}` | {found} | {p50:.2} | {p95:.2} | {:.1} |", p50 / base50);
    }
}
