//! Per-request batch loaders: nested fields of a list (a user's credential,
//! business info, employment links) are fetched with one query per field for
//! the whole list instead of one per parent.

use dataloader::BatchFn;
use dataloader::cached::Loader;
use db::DbPool;
use db::business_infos::BusinessInfoRow;
use db::connections::WholesalerConnectionRow;
use db::users::{CredentialRow, UserRow};
use std::collections::HashMap;

/// A batch's outcome for one key: the row if it exists, or why the batch failed
/// (a dataloader has no error channel of its own).
pub type Loaded<T> = Result<Option<T>, String>;

macro_rules! by_id_loader {
    ($name:ident, $row:ty, $query:path, $key:ident) => {
        pub struct $name(DbPool);

        impl BatchFn<i64, Loaded<$row>> for $name {
            async fn load(&mut self, keys: &[i64]) -> HashMap<i64, Loaded<$row>> {
                let rows = match self.0.get().await {
                    Ok(mut conn) => $query(&mut conn, keys).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                match rows {
                    Ok(rows) => {
                        let mut found: HashMap<i64, Loaded<$row>> =
                            keys.iter().map(|k| (*k, Ok(None))).collect();
                        for row in rows {
                            found.insert(row.$key, Ok(Some(row)));
                        }
                        found
                    }
                    Err(e) => keys.iter().map(|k| (*k, Err(e.clone()))).collect(),
                }
            }
        }
    };
}

by_id_loader!(UsersById, UserRow, db::users::live_users_by_ids, id);
by_id_loader!(
    CredentialsByUser,
    CredentialRow,
    db::users::live_credentials_by_user_ids,
    user_id
);
by_id_loader!(
    BusinessInfosByUser,
    BusinessInfoRow,
    db::business_infos::live_by_user_ids,
    user_id
);

/// Every live owner ↔ employee link of each user (either side).
pub struct EmploymentByUser(DbPool);

impl BatchFn<i64, Result<Vec<WholesalerConnectionRow>, String>> for EmploymentByUser {
    async fn load(
        &mut self,
        keys: &[i64],
    ) -> HashMap<i64, Result<Vec<WholesalerConnectionRow>, String>> {
        let rows = match self.0.get().await {
            Ok(mut conn) => db::connections::employment_links(&mut conn, keys)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match rows {
            Ok(rows) => keys
                .iter()
                .map(|k| {
                    let mine = rows
                        .iter()
                        .filter(|r| r.employer_id == *k || r.employee_id == *k)
                        .cloned()
                        .collect();
                    (*k, Ok(mine))
                })
                .collect(),
            Err(e) => keys.iter().map(|k| (*k, Err(e.clone()))).collect(),
        }
    }
}

type Cached<V, F> = Loader<i64, V, F, HashMap<i64, V>>;

pub struct Loaders {
    pool: DbPool,
    pub users: Cached<Loaded<UserRow>, UsersById>,
    pub credentials: Cached<Loaded<CredentialRow>, CredentialsByUser>,
    pub business_infos: Cached<Loaded<BusinessInfoRow>, BusinessInfosByUser>,
    pub employment: Cached<Result<Vec<WholesalerConnectionRow>, String>, EmploymentByUser>,
}

impl Loaders {
    pub fn new(pool: &DbPool) -> Self {
        // A generous yield count lets every sibling in a list enqueue its key first.
        Loaders {
            pool: pool.clone(),
            users: Loader::new(UsersById(pool.clone())).with_yield_count(100),
            credentials: Loader::new(CredentialsByUser(pool.clone())).with_yield_count(100),
            business_infos: Loader::new(BusinessInfosByUser(pool.clone())).with_yield_count(100),
            employment: Loader::new(EmploymentByUser(pool.clone())).with_yield_count(100),
        }
    }
}

impl Loaders {
    /// One page of a user's applied or received connections.
    pub async fn connection_page(
        &self,
        side: db::connections::Side,
        user_id: i64,
        statuses: Vec<String>,
        page: crate::graphql::pagination::Page,
    ) -> crate::graphql::error::GqlResult<Vec<db::connections::BizConnectionRow>> {
        let mut conn =
            self.pool.get().await.map_err(|e| {
                crate::graphql::error::GqlError::internal("database unavailable", e)
            })?;
        Ok(db::connections::page_per_user(
            &mut conn,
            side,
            &[user_id],
            &statuses,
            page.descending,
            page.offset,
            page.limit,
        )
        .await?)
    }
}
