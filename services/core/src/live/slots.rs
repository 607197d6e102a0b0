//! Live connections per account on this instance: a stolen token (or a
//! runaway tab) cannot hold unbounded sockets and subscriptions. Counted per
//! instance; the load balancer spreads an account's sockets over them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Slots {
    per_account: usize,
    taken: Arc<Mutex<HashMap<i64, usize>>>,
}

/// A held slot, given back when the connection's last context drops.
pub struct Slot {
    user_id: i64,
    taken: Arc<Mutex<HashMap<i64, usize>>>,
}

impl Slots {
    pub fn new(per_account: usize) -> Self {
        Slots {
            per_account,
            taken: Arc::default(),
        }
    }

    /// A slot for `user_id`, or None when it holds every one it may.
    pub fn take(&self, user_id: i64) -> Option<Slot> {
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        let count = taken.entry(user_id).or_default();
        if *count >= self.per_account {
            return None;
        }
        *count += 1;
        Some(Slot {
            user_id,
            taken: self.taken.clone(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = taken.get_mut(&self.user_id) {
            *count -= 1;
            if *count == 0 {
                taken.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Slots;

    #[test]
    fn an_account_holds_at_most_its_slots_and_gets_them_back() {
        let slots = Slots::new(2);
        let a = slots.take(1).expect("first");
        let _b = slots.take(1).expect("second");
        assert!(slots.take(1).is_none());
        assert!(slots.take(2).is_some(), "another account is not affected");
        drop(a);
        assert!(slots.take(1).is_some());
    }
}
