//! Sign-in throttling: failed attempts counted per account name and per client address, each key
//! waiting with exponential back-off (`secretome_domain::site::sign_in_backoff_secs`) once past its
//! free attempts. Keyed by the name as typed — existing or not — so the answer (and its timing)
//! never tells whether an account exists, and no one can lock another user out for longer than the
//! back-off. Kept in memory (technical state, like sessions; a restart forgets it): the audit trail
//! records each failure of a known account on its credential.
//!
//! Hand-written rather than a rate-limiting crate (governor, tower-governor): those limit request
//! *rates*, not failures-in-a-row with a reset on success, and they sit in the web layer, whereas the
//! CLI and the e-signature re-entry must be throttled by the same rule.

use secretome_domain::{UtcTime, site::sign_in_backoff_secs};
use std::collections::HashMap;
use std::sync::Mutex;

/// Free failures per account name before back-off starts.
pub const ACCOUNT_FREE: u32 = secretome_domain::site::Credential::FREE_ATTEMPTS;
/// Free failures per client address (a shared NAT may host several users).
pub const ADDRESS_FREE: u32 = 20;
/// Most keys kept; past it, keys not waiting are forgotten first (bounded memory under spraying).
const MAX_KEYS: usize = 100_000;
/// A key idle this long (hours) starts again from zero.
const FORGET_HOURS: f64 = 24.0;

#[derive(Debug, Clone)]
struct Entry {
    failures: u32,
    last: UtcTime,
    until: Option<UtcTime>,
}

/// One key the throttle knows, as the administrators' page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Throttled {
    /// `account:<name>` or `address:<ip>`.
    pub key: String,
    pub failures: u32,
    pub until: Option<UtcTime>,
}

/// Failure counts per key.
#[derive(Debug, Default)]
pub struct Throttle {
    map: Mutex<HashMap<String, Entry>>,
}

pub fn account_key(name: &str) -> String {
    format!("account:{}", name.trim().to_lowercase())
}

pub fn address_key(addr: &str) -> String {
    format!("address:{addr}")
}

fn free_of(key: &str) -> u32 {
    if key.starts_with("address:") {
        ADDRESS_FREE
    } else {
        ACCOUNT_FREE
    }
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock leaves counts that are still meaningful.
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Seconds to wait before any of `keys` may try again (0: go ahead).
    pub fn wait_secs(&self, keys: &[String], now: UtcTime) -> u64 {
        let map = self.lock();
        keys.iter()
            .filter_map(|k| map.get(k)?.until)
            .filter(|u| now < *u)
            .map(|u| (now.hours_until(u) * 3600.0).ceil().max(1.0) as u64)
            .max()
            .unwrap_or(0)
    }

    /// Counts a failure for each key; returns whether any of them now waits.
    pub fn fail(&self, keys: &[String], now: UtcTime) -> bool {
        let mut map = self.lock();
        if map.len() >= MAX_KEYS {
            map.retain(|_, e| e.until.is_some_and(|u| now < u));
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let mut waits = false;
        for k in keys {
            let e = map.entry(k.clone()).or_insert(Entry {
                failures: 0,
                last: now,
                until: None,
            });
            if e.last.hours_until(now) > FORGET_HOURS {
                e.failures = 0;
            }
            e.failures = e.failures.saturating_add(1);
            e.last = now;
            let secs = sign_in_backoff_secs(e.failures, free_of(k));
            e.until = (secs > 0)
                .then(|| now.plus_hours(secs as f64 / 3600.0))
                .flatten();
            waits |= e.until.is_some();
        }
        waits
    }

    /// Forgets a key (a successful sign-in for its account, or an administrator's unlock).
    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }

    /// Keys with failures, most failures first.
    pub fn list(&self, now: UtcTime) -> Vec<Throttled> {
        let map = self.lock();
        let mut v: Vec<Throttled> = map
            .iter()
            .filter(|(_, e)| e.last.hours_until(now) <= FORGET_HOURS)
            .map(|(k, e)| Throttled {
                key: k.clone(),
                failures: e.failures,
                until: e.until.filter(|u| now < *u),
            })
            .collect();
        v.sort_by(|a, b| b.failures.cmp(&a.failures).then(a.key.cmp(&b.key)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_waits_after_its_free_failures_and_a_success_resets_it() {
        let t = Throttle::default();
        let now = UtcTime::parse("t", "2026-12-01T00:00:00Z").unwrap();
        let keys = [account_key("QA "), address_key("10.0.0.1")];
        for _ in 0..ACCOUNT_FREE {
            assert!(!t.fail(&keys, now));
        }
        assert_eq!(t.wait_secs(&keys, now), 0);
        assert!(t.fail(&keys, now));
        assert_eq!(t.wait_secs(&keys, now), 1);
        assert!(t.fail(&keys, now));
        assert_eq!(t.wait_secs(&[account_key("qa")], now), 2);
        assert_eq!(t.wait_secs(&[address_key("10.0.0.1")], now), 0);
        assert_eq!(t.wait_secs(&keys, now.plus_hours(3.0 / 3600.0).unwrap()), 0);
        t.clear(&account_key("qa"));
        assert_eq!(t.wait_secs(&keys, now), 0);
        assert_eq!(t.list(now)[0].key, "address:10.0.0.1");
    }
}
