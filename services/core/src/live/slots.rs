//! Live connections per holder on this instance: a stolen token (or a
//! runaway tab) cannot hold unbounded sockets and subscriptions, and one
//! address cannot hold unbounded sockets that never authenticate. Counted
//! per instance; the load balancer spreads a holder's sockets over them.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Counts of held slots per key (an account's id, a client's address).
type Taken<K> = Arc<Mutex<HashMap<K, usize>>>;

#[derive(Clone)]
pub struct Slots<K> {
    per_key: usize,
    taken: Taken<K>,
}

/// A held slot, given back when dropped.
pub struct Slot<K: Hash + Eq> {
    key: K,
    taken: Taken<K>,
}

impl<K: Hash + Eq + Clone> Slots<K> {
    pub fn new(per_key: usize) -> Self {
        Slots {
            per_key,
            taken: Arc::default(),
        }
    }

    /// A slot for `key`, or None when it holds every one it may.
    pub fn take(&self, key: K) -> Option<Slot<K>> {
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        let count = taken.entry(key.clone()).or_default();
        if *count >= self.per_key {
            return None;
        }
        *count += 1;
        Some(Slot {
            key,
            taken: self.taken.clone(),
        })
    }
}

impl<K: Hash + Eq> Drop for Slot<K> {
    fn drop(&mut self) {
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = taken.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                taken.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Slots;

    #[test]
    fn a_key_holds_at_most_its_slots_and_gets_them_back() {
        let slots = Slots::new(2);
        let a = slots.take(1).expect("first");
        let _b = slots.take(1).expect("second");
        assert!(slots.take(1).is_none());
        assert!(slots.take(2).is_some(), "another key is not affected");
        drop(a);
        assert!(slots.take(1).is_some());
    }
}
