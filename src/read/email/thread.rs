//! Threads of messages, who in them is the agent, and the conversations they become.
//!
//! Threading: messages are joined through `Message-ID`, `In-Reply-To` and `References`
//! (replies to the same missing message land together too), and Gmail's `X-GM-THRID`. A message with none of those
//! headers whose subject says it is a reply ("Re:", "AW:", "Odp:", "Vá:", "Fwd:"...) joins
//! the latest earlier message with the same base subject that it was sent to or from the
//! sender of, so replies to two customers who both wrote "Order status" to the same support
//! mailbox are not merged.
//!
//! Roles, when no support address is given: support mailboxes (`support@`, `help@`,
//! `service@`, `care@`, `info@`, `noreply@`...) and the domains that answer threads started
//! by other domains at least as often as they start threads themselves are the agent (but
//! not a domain that only ever answered such a domain: that is a customer replying to the
//! team's own outbound mail); the first other sender of a thread is the customer. In a thread with no such sender, every sender
//! but the first is taken as the agent.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Mail;
use super::markers::SUPPORT_MAILBOXES;
use crate::model::{Channel, Conversation, Party, Speaker, Turn};
use crate::read::ReadOptions;

/// Group messages into threads, each in date order (file order where dates are missing);
/// threads are in the order their first message appears in the file.
pub fn group(mails: Vec<Mail>) -> Vec<Vec<Mail>> {
    let mut sets = Sets::new(mails.len());
    link(&mails, &mut sets);
    let roots: Vec<usize> = (0..mails.len()).map(|i| sets.find(i)).collect();
    let mut threads: BTreeMap<usize, Vec<Mail>> = BTreeMap::new();
    let mut first_of: HashMap<usize, usize> = HashMap::new();
    for (i, m) in mails.into_iter().enumerate() {
        let first = *first_of.entry(roots[i]).or_insert(i);
        threads.entry(first).or_default().push(m);
    }
    threads.into_values().map(sort_by_date).collect()
}

fn link(mails: &[Mail], sets: &mut Sets) {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, m) in mails.iter().enumerate() {
        for id in m.message_id.iter().chain(&m.parents).chain(&m.thread_key) {
            let node = *by_id.entry(id.as_str()).or_insert_with(|| sets.add());
            sets.union(i, node);
        }
    }
    // Subject fallback for replies that lost their threading headers.
    let mut seen: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in mails.iter().enumerate() {
        let Some(base) = m.base_subject.as_deref() else {
            continue;
        };
        if m.parents.is_empty() && m.subject_is_reply {
            // The earlier message's sender must be the reply's sender or one of its recipients.
            let shares = |j: &&usize| participants(m).any(|p| p == mails[**j].from);
            if let Some(&j) = seen
                .get(base)
                .and_then(|earlier| earlier.iter().rev().find(shares))
            {
                sets.union(i, j);
            }
        }
        seen.entry(base).or_default().push(i);
    }
}

fn participants(m: &Mail) -> impl Iterator<Item = &str> {
    std::iter::once(m.from.as_str()).chain(m.recipients.iter().map(String::as_str))
}

/// Date order; a message without a date keeps its place after the one before it in the file.
fn sort_by_date(mut mails: Vec<Mail>) -> Vec<Mail> {
    let mut last = None;
    let mut keyed: Vec<_> = mails
        .drain(..)
        .map(|m| {
            last = m.date.or(last);
            ((last, m.line), m)
        })
        .collect();
    keyed.sort_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, m)| m).collect()
}

/// Union-find over message indices and message ids.
struct Sets(Vec<usize>);

impl Sets {
    fn new(n: usize) -> Self {
        Sets((0..n).collect())
    }
    fn add(&mut self) -> usize {
        self.0.push(self.0.len());
        self.0.len() - 1
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller index wins, so a message (not an id node) stays the root.
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Who belongs to the support team.
pub struct Roles {
    /// The user's `--support-address` list, lowercased (empty: infer).
    given: Vec<String>,
    /// Domains inferred to be the support team's.
    domains: HashSet<String>,
}

impl Roles {
    /// Roles for `threads` of one file.
    pub fn new(opts: &ReadOptions, threads: &[Vec<Mail>]) -> Roles {
        let given: Vec<String> = opts
            .support_addresses
            .iter()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        // Per domain: threads it answered (by starter domain) and threads it started.
        let mut answered: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut started: HashMap<&str, usize> = HashMap::new();
        if given.is_empty() {
            for t in threads {
                let Some(first) = t.first() else { continue };
                let starter = domain(&first.from);
                *started.entry(starter).or_default() += 1;
                for m in &t[1..] {
                    if domain(&m.from) != starter {
                        answered.entry(domain(&m.from)).or_default().push(starter);
                    }
                }
            }
        }
        let candidates: HashSet<&str> = answered
            .iter()
            .filter(|(d, a)| a.len() >= started.get(*d).copied().unwrap_or(0))
            .map(|(d, _)| *d)
            .collect();
        // A customer answering the support team's own outbound thread is not the team: keep
        // the candidates that answered someone who is not a candidate too.
        let domains = candidates
            .iter()
            .filter(|d| answered[**d].iter().any(|s| !candidates.contains(s)))
            .map(|d| d.to_string())
            .collect();
        Roles { given, domains }
    }

    pub fn inferred(&self) -> bool {
        self.given.is_empty()
    }

    /// Does `address` belong to the support team?
    pub fn is_support(&self, address: &str) -> bool {
        let d = domain(address);
        let in_domain =
            |spec: &str| d == spec || d.strip_suffix(spec).is_some_and(|p| p.ends_with('.'));
        if !self.given.is_empty() {
            return self.given.iter().any(|s| match s.strip_prefix('@') {
                Some(spec) => in_domain(spec),
                None if s.contains('@') => s == address,
                None => in_domain(s),
            });
        }
        let local = address.split('@').next().unwrap_or("");
        let local = local.split('+').next().unwrap_or(local);
        SUPPORT_MAILBOXES.contains(&local) || self.domains.contains(d)
    }
}

fn domain(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// Build the conversation of one thread (messages in order). `file_agent` is the agent id
/// taken from the file name, if any. Messages with no new text are left out.
pub fn conversation(
    id: String,
    mails: &[Mail],
    roles: &Roles,
    file_agent: Option<String>,
) -> Result<Conversation, String> {
    let first = mails.first().ok_or("no messages")?;
    let agent_in_thread: Vec<bool> = mails.iter().map(|m| roles.is_support(&m.from)).collect();
    let inferred_here = roles.inferred() && !agent_in_thread.iter().any(|&a| a);
    let is_agent = |i: usize| agent_in_thread[i] || (inferred_here && mails[i].from != first.from);
    let customer_msg = (0..mails.len()).find(|&i| !is_agent(i)).map(|i| &mails[i]);
    let customer = customer_msg
        .map(|m| Party {
            id: m.from.clone(),
            name: m.from_name.clone(),
        })
        .or_else(|| {
            let to = first.recipients.iter().find(|a| !roles.is_support(a))?;
            Some(Party {
                id: to.clone(),
                name: None,
            })
        });
    // The agent is the first person from the team who wrote; an auto-reply only if nobody did.
    let agent_msg = (0..mails.len())
        .find(|&i| is_agent(i) && !mails[i].automatic)
        .or_else(|| (0..mails.len()).find(|&i| is_agent(i)))
        .map(|i| &mails[i]);
    let mut agent = match agent_msg {
        Some(m) => Party {
            id: m.from.clone(),
            name: m.from_name.clone(),
        },
        None => {
            // Nobody answered: the agent is the mailbox the customer wrote to.
            let to = first
                .recipients
                .iter()
                .find(|a| roles.is_support(a))
                .or(first.recipients.first());
            Party {
                id: to.cloned().unwrap_or_default(),
                name: None,
            }
        }
    };
    if let Some(id) = file_agent {
        agent = Party { id, name: None };
    }
    if agent.id.is_empty() {
        return Err("no agent: the thread has no support sender and no recipient".into());
    }
    let turns: Vec<Turn> = mails
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.text.is_empty())
        .map(|(i, m)| {
            let speaker = match (m.automatic, is_agent(i)) {
                (true, _) => Speaker::Bot,
                (false, true) => Speaker::Agent,
                (false, false) => Speaker::Customer,
            };
            Turn {
                at: m.date,
                name: Some(m.from.clone()),
                ..Turn::new(speaker, m.text.clone())
            }
        })
        .collect();
    if turns.is_empty() {
        return Err(
            "no message has text of its own (only quoted history, a signature or attachments)"
                .into(),
        );
    }
    let mut metadata = serde_json::Map::new();
    if let Some(s) = &first.subject {
        metadata.insert("subject".into(), s.clone().into());
    }
    metadata.insert("messages".into(), mails.len().into());
    if roles.inferred() {
        metadata.insert("agent_inferred".into(), true.into());
    }
    let conversation = Conversation {
        id,
        channel: Channel::Email,
        agent,
        customer,
        language: None,
        started_at: turns.iter().find_map(|t| t.at),
        turns,
        metadata,
        expect: None,
    };
    conversation.validate()?;
    Ok(conversation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(from: &str, to: &str, id: &str, parent: &str, minute: i64) -> Mail {
        Mail {
            from: from.into(),
            from_name: None,
            recipients: vec![to.into()],
            date: Some(jiff::Timestamp::from_second(1_709_542_800 + minute * 60).unwrap()),
            message_id: Some(id.into()),
            parents: if parent.is_empty() {
                vec![]
            } else {
                vec![parent.into()]
            },
            root_reference: None,
            thread_key: None,
            subject: None,
            base_subject: None,
            subject_is_reply: false,
            automatic: false,
            text: "text".into(),
            line: minute as u64,
        }
    }

    #[test]
    fn support_addresses_match_addresses_and_domains() {
        let opts = ReadOptions {
            support_addresses: vec![
                "Anna@Acme.example".into(),
                "@help.example".into(),
                "care.example".into(),
            ],
            ..Default::default()
        };
        let roles = Roles::new(&opts, &[]);
        assert!(!roles.inferred());
        for a in [
            "anna@acme.example",
            "x@help.example",
            "x@eu.help.example",
            "y@care.example",
        ] {
            assert!(roles.is_support(a), "{a}");
        }
        for a in [
            "bob@acme.example",
            "x@nothelp.example",
            "support@gmail.example",
        ] {
            assert!(!roles.is_support(a), "{a}");
        }
    }

    #[test]
    fn answering_domains_are_inferred_but_not_customers_answering_them() {
        let threads = group(vec![
            mail("jan@mail.example", "orders@acme.example", "1", "", 0),
            mail("anna@acme.example", "jan@mail.example", "2", "1", 5),
            mail("jan@mail.example", "anna@acme.example", "3", "2", 9),
            // An outbound thread the team started, answered by a customer.
            mail("anna@acme.example", "eva@post.example", "4", "", 20),
            mail("eva@post.example", "anna@acme.example", "5", "4", 30),
        ]);
        assert_eq!(threads.len(), 2);
        let roles = Roles::new(&ReadOptions::default(), &threads);
        assert!(roles.is_support("anna@acme.example"));
        assert!(
            roles.is_support("info@mail.example"),
            "support mailboxes are always the team"
        );
        assert!(!roles.is_support("jan@mail.example"));
        assert!(!roles.is_support("eva@post.example"));
        let c = conversation("1".into(), &threads[0], &roles, None).unwrap();
        let speakers: Vec<_> = c.turns.iter().map(|t| t.speaker).collect();
        assert_eq!(
            speakers,
            [Speaker::Customer, Speaker::Agent, Speaker::Customer]
        );
        assert_eq!(c.metadata["agent_inferred"], true);
    }

    #[test]
    fn without_any_team_sender_the_first_sender_is_the_customer() {
        let threads = group(vec![
            mail("jan@mail.example", "bob@shop.example", "1", "", 0),
            mail("bob@shop.example", "jan@mail.example", "2", "1", 5),
        ]);
        let roles = Roles {
            given: vec![],
            domains: HashSet::new(),
        };
        let c = conversation("1".into(), &threads[0], &roles, None).unwrap();
        assert_eq!(c.agent.id, "bob@shop.example");
        assert_eq!(c.customer.unwrap().id, "jan@mail.example");
        assert_eq!(c.turns[1].speaker, Speaker::Agent);
    }
}
