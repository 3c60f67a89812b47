//! `audit verify`'s per-entity table: entity key → (seq of its latest event, digest of that event's
//! `after`). With a few hundred thousand entities it is larger than the processor's caches, and in
//! a hash map every look-up waited on one or two cache misses (half of the checking thread's time
//! in its profile). Here the keys are keyed digests already (`checker.rs`), so the slot is read
//! straight from the key's first bytes; entries are never removed (a row marks its entity's entry as consumed),
//! so a batch's look-ups can be prefetched a few items ahead of the checks (`prefetch`).

use super::checker::{Dig, Key};

/// What the slot holds, in the top two bits of `seq_state`.
const EMPTY: u64 = 0;
/// The entity's latest event, with an `after`.
const WRITTEN: u64 = 1 << 62;
/// The entity's latest event has no `after` (it removed the row).
const REMOVED: u64 = 2 << 62;
/// A row has been checked against this entry.
const CONSUMED: u64 = 3 << 62;
const STATE: u64 = 3 << 62;

/// 32 bytes. The first 8 bytes of the entity's key place and tell entries apart: two entities
/// whose keys share them (about one chance in 10^6 at 3.5 million entities) share a slot, and
/// their events' `before` and rows then differ from the other's `after` — a finding, never a
/// tampering hidden, since what is compared is the 16-byte digest of the text.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    after: Dig,
    /// The event's seq (its low 62 bits, two's complement) and the slot's state.
    seq_state: u64,
}

impl Slot {
    fn state(&self) -> u64 {
        self.seq_state & STATE
    }

    fn seq(&self) -> i64 {
        // The low 62 bits, sign-extended (a seq changed behind the application may be negative).
        ((self.seq_state << 2) as i64) >> 2
    }

    fn found(&self) -> Found {
        match self.state() {
            WRITTEN => Some((self.seq(), Some(self.after))),
            REMOVED => Some((self.seq(), None)),
            _ => None,
        }
    }
}

/// What a look-up found of an entity's latest event: its seq and its `after`'s digest, if any.
pub(super) type Found = Option<(i64, Option<Dig>)>;

pub(super) struct Latest {
    slots: Vec<Slot>,
    len: usize,
}

fn short(key: &Key) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&key[..8]);
    u64::from_le_bytes(b)
}

impl Latest {
    /// Room for `entities` at 80 % load without growing (the count is only a hint: it grows past
    /// it). Not rounded to a power of two: at a million vials that would nearly double it.
    pub(super) fn with_capacity(entities: usize) -> Latest {
        let n = entities.max(1024) * 5 / 4 + 1;
        Latest {
            slots: vec![Slot::default(); n],
            len: 0,
        }
    }

    /// The key's first slot: the key (uniform, a keyed digest) scaled to the table's length.
    fn home(&self, key: u64) -> usize {
        ((u128::from(key) * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot of `key`, or the empty slot where it would go (linear probing, wrapping).
    fn find(&self, key: u64) -> usize {
        let mut i = self.home(key);
        loop {
            let s = &self.slots[i];
            if s.state() == EMPTY || s.key == key {
                return i;
            }
            i += 1;
            if i == self.slots.len() {
                i = 0;
            }
        }
    }

    /// Asks the processor to start loading `key`'s first slot (a hint; no effect on results).
    #[inline]
    pub(super) fn prefetch(&self, key: &Key) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let p: *const Slot = &self.slots[self.home(short(key))];
            // SAFETY: a prefetch reads nothing and cannot fault; `p` points into `slots` anyway,
            // and SSE is part of every x86_64 processor.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    /// Records event `seq` as `key`'s latest and returns the one it replaces (`None` if it is the
    /// entity's first, or a row was already checked against it).
    pub(super) fn replace(&mut self, key: &Key, seq: i64, after: Option<Dig>) -> Found {
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.grow();
        }
        let key = short(key);
        let i = self.find(key);
        let s = &mut self.slots[i];
        let previous = s.found();
        if s.state() == EMPTY {
            self.len += 1;
        }
        let state = if after.is_some() { WRITTEN } else { REMOVED };
        *s = Slot {
            key,
            after: after.unwrap_or_default(),
            seq_state: (seq as u64 & !STATE) | state,
        };
        previous
    }

    /// The latest event of `key`'s entity, marked as consumed by its row (a second row of the same
    /// entity finds nothing).
    pub(super) fn take(&mut self, key: &Key) -> Found {
        let i = self.find(short(key));
        let s = &mut self.slots[i];
        let found = s.found();
        if s.state() != EMPTY {
            s.seq_state |= CONSUMED;
        }
        found
    }

    /// The seqs of entities whose latest event wrote a row that no row consumed.
    pub(super) fn unconsumed(&self) -> impl Iterator<Item = i64> + '_ {
        self.slots
            .iter()
            .filter(|s| s.state() == WRITTEN)
            .map(Slot::seq)
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![Slot::default(); old.len() * 2];
        for s in old.into_iter().filter(|s| s.state() != EMPTY) {
            let i = self.find(s.key);
            self.slots[i] = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(i: u32) -> Key {
        // Keys that differ in their first bytes only, so that many share a first slot.
        let mut key = [0u8; 16];
        key[..4].copy_from_slice(&i.to_le_bytes());
        key
    }

    #[test]
    fn latest_event_per_entity_then_each_row_consumes_its_own() {
        let mut t = Latest::with_capacity(1);
        for i in 0..3000 {
            assert_eq!(t.replace(&k(i), i64::from(i) + 1, Some([1; 16])), None);
        }
        assert_eq!(t.replace(&k(7), 9000, None), Some((8, Some([1; 16]))));
        assert_eq!(t.replace(&k(7), 9001, Some([2; 16])), Some((9000, None)));
        assert_eq!(t.take(&k(7)), Some((9001, Some([2; 16]))));
        assert_eq!(
            t.take(&k(7)),
            None,
            "a second row of one entity has no event"
        );
        assert_eq!(t.take(&k(5000)), None);
        for i in 0..2990 {
            t.take(&k(i));
        }
        let mut left: Vec<i64> = t.unconsumed().collect();
        left.sort_unstable();
        assert_eq!(left, (2991..=3000).collect::<Vec<_>>());
    }
}
