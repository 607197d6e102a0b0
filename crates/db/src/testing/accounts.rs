//! Accounts inserted directly, for the services that only read them (core
//! signs its fixtures up through its API instead).

use super::TestDb;
use domain::Role;

/// The `belongs_to` of seeded wholesaler accounts (the market they trade in).
const MARKET: &str = "양재";

impl TestDb {
    /// Inserts a live account with a credential of `role` and answers its id.
    /// Its password hash is a placeholder: the account cannot sign in.
    ///
    /// # Panics
    /// When the insert fails (say, the phone number is taken).
    pub async fn account(&self, name: &str, role: Role, phone: &str) -> i64 {
        let mut conn = self.pool().get().await.expect("test database connection");
        let belongs_to = role.is_wholesaler().then_some(MARKET);
        crate::users::insert_account(&mut conn, name, belongs_to, role.as_str(), phone, "x")
            .await
            .unwrap_or_else(|e| panic!("account {name} ({phone}): {e}"))
            .0
            .id
    }
}
