//! The audit timeline's table: events are written through `db::audit` and
//! read back per sheet and per wholesaler, and the database refuses to
//! change or remove one (UPDATE, DELETE and TRUNCATE alike).

#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use db::audit::{Action, NewEvent, Subject, TimelineFilter};
use db::testing::TestDb;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use domain::Role;
use serde_json::json;

fn link_event(wholesaler_id: i64, retailer_id: i64, action: Action) -> NewEvent {
    NewEvent {
        wholesaler_id,
        retailer_id,
        order_sheet_id: None,
        subject: Subject::BizConnection,
        subject_id: 1,
        action,
        actor_id: Some(retailer_id),
        before: None,
        after: Some(json!({"applyStatus": "APPLYING"})),
    }
}

#[tokio::test]
async fn events_are_appended_read_back_and_never_changed() {
    let db = TestDb::new().await;
    let wholesaler = db
        .account("그린도매", Role::WholesalerEmpr, "01011110001")
        .await;
    let retailer = db.account("행복꽃집", Role::Retailer, "01022220001").await;
    let mut conn = db.pool().get().await.unwrap();
    db::audit::record(
        &mut conn,
        &link_event(wholesaler, retailer, Action::Applied),
    )
    .await
    .unwrap();
    db::audit::record_all(
        &mut conn,
        &[
            link_event(wholesaler, retailer, Action::Confirmed),
            link_event(wholesaler, retailer, Action::Removed),
        ],
    )
    .await
    .unwrap();

    let filter = TimelineFilter {
        wholesaler_id: wholesaler,
        retailer_id: Some(retailer),
        from: Utc::now() - Duration::hours(1),
        to: Utc::now() + Duration::hours(1),
    };
    let newest = db::audit::timeline(&mut conn, &filter, true, 0, 2)
        .await
        .unwrap();
    let actions: Vec<&str> = newest.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["REMOVED", "CONFIRMED"]);
    assert_eq!(
        newest[0].after.as_deref(),
        Some(r#"{"applyStatus": "APPLYING"}"#)
    );
    assert_eq!(newest[0].actor_id, Some(retailer));
    assert_eq!(
        db::audit::timeline_count(&mut conn, &filter).await.unwrap(),
        3
    );
    let elsewhere = TimelineFilter {
        retailer_id: Some(wholesaler),
        ..filter
    };
    assert_eq!(
        db::audit::timeline_count(&mut conn, &elsewhere)
            .await
            .unwrap(),
        0
    );

    for statement in [
        "UPDATE audit_events SET action = 'REJECTED'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ] {
        let err = diesel::sql_query(statement)
            .execute(&mut conn)
            .await
            .expect_err(statement);
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    conn.batch_execute("SELECT 1").await.unwrap();
    assert_eq!(db.count("SELECT count(*) FROM audit_events").await, 3);
}
