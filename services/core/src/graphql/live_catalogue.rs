//! The live catalogue held in memory: every live flower with its type, as of
//! a catalogue version (migration `2026-12-03-000001_catalogue_version`: every
//! statement that changes flowers or types bumps it).
//!
//! A wholesaler's day view shows 300 lines' flowers. Joining them in SQL made
//! PostgreSQL hash all 2,000 flowers for every view, about a third of its
//! work. A list of lines instead reads the version after its lines and takes
//! flowers from a snapshot at least that new, so no flower is answered older
//! than the lines saw it. A flower such a snapshot lacks was removed (or its
//! type was) by the time the snapshot was read, and is answered as gone.

use crate::graphql::catalogue::{Flower, FlowerType};
use db::catalogue::{FlowerRow, FlowerTypeRow};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Shared by every request of a core process.
pub struct LiveCatalogue {
    held: RwLock<Arc<Snapshot>>,
    /// Requests that find the snapshot stale wait for one of them to read it.
    reloading: tokio::sync::Mutex<()>,
}

/// The live flowers as of `version`.
pub struct Snapshot {
    version: i64,
    flowers: HashMap<i64, Flower>,
}

impl Default for LiveCatalogue {
    fn default() -> Self {
        LiveCatalogue {
            held: RwLock::new(Arc::new(Snapshot {
                version: i64::MIN,
                flowers: HashMap::new(),
            })),
            reloading: tokio::sync::Mutex::new(()),
        }
    }
}

impl LiveCatalogue {
    /// The catalogue at `version` (read by the caller after the rows that
    /// refer to it) or newer.
    pub async fn at_least(
        &self,
        conn: &mut AsyncPgConnection,
        version: i64,
    ) -> QueryResult<Arc<Snapshot>> {
        if let Some(snapshot) = self.held_since(version) {
            return Ok(snapshot);
        }
        let _one_reader = self.reloading.lock().await;
        if let Some(snapshot) = self.held_since(version) {
            return Ok(snapshot);
        }
        // The version first: flowers read after it are at least that new.
        let read_at = db::catalogue::version(conn).await?;
        let rows = db::catalogue::live_flowers_with_types(conn).await?;
        let snapshot = Arc::new(Snapshot {
            version: read_at,
            flowers: flowers_of(rows),
        });
        *self.held.write().unwrap_or_else(|e| e.into_inner()) = Arc::clone(&snapshot);
        Ok(snapshot)
    }

    fn held_since(&self, version: i64) -> Option<Arc<Snapshot>> {
        let held = self.held.read().unwrap_or_else(|e| e.into_inner());
        (held.version >= version).then(|| Arc::clone(&held))
    }
}

impl Snapshot {
    /// The live flower `id` with its type; None when it is gone.
    pub fn flower(&self, id: i64) -> Option<&Flower> {
        self.flowers.get(&id)
    }
}

/// Flowers by id, flowers of one type sharing its row.
fn flowers_of(rows: Vec<(FlowerRow, FlowerTypeRow)>) -> HashMap<i64, Flower> {
    let mut types: HashMap<i64, FlowerType> = HashMap::new();
    rows.into_iter()
        .map(|(flower, flower_type)| {
            let flower_type = types
                .entry(flower_type.id)
                .or_insert_with(|| FlowerType(Arc::new(flower_type)))
                .clone();
            (flower.id, Flower(Arc::new(flower), Some(flower_type)))
        })
        .collect()
}
