//! Employees join a wholesaler only with its owner's consent. Until then the
//! account acts for nobody: not in core, and not where the receipt service
//! and the scheduler resolve employees (`db::connections::employer_of`). The
//! owner approves either where the original client already answers
//! applications (`receivedConnections` + `updateBizConnection`) or with the
//! new `approveEmployee`; only the owner or an admin decides.

use crate::support::{Core, Market, data, error_code, market};
use serde_json::{Value, json};

const SHEETS: &str = "{ orderSheets { id } }";
const RECEIVED: &str = "query($id: Int!) { user(id: $id) { \
    receivedConnections(filter: { applyStatus: [APPLYING] }) { id applyStatus retailer { id } } \
    connectedEmployees { id } pendingEmployees { id } } }";
const UPDATE: &str = "mutation($c: Int!, $s: ApplyStatus) { updateBizConnection(bizConnId: $c, status: $s) { id applyStatus } }";
const APPROVE: &str = "mutation($e: Int!) { approveEmployee(employeeId: $e) { id name } }";
const REMOVE: &str = "mutation($e: Int!) { removeEmployee(employeeId: $e) { success } }";

async fn employer_of(core: &Core, employee: i64) -> Option<i64> {
    let mut conn = core.db.pool().get().await.expect("conn");
    db::connections::employer_of(&mut conn, employee)
        .await
        .expect("employer_of")
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|u| u["id"].as_i64().expect("id"))
        .collect()
}

/// The owner's view: open applications, employees, employees waiting.
async fn owners_lists(m: &Market) -> Value {
    let body = m
        .core
        .gql(Some(&m.owner), RECEIVED, json!({ "id": m.owner_id }))
        .await;
    data(&body)["user"].clone()
}

#[actix_web::test]
async fn a_pending_employee_acts_for_nobody_until_the_owner_confirms_its_application() {
    let m = market().await;
    let c = &m.core;
    m.ordered_sheet(&[(0, 1, "UPPER")]).await;
    let pending = m.pending_employee_id;

    // Nobody's employee: refused where the approved colleague reads the sheets.
    let refused = c.gql(Some(&m.pending_employee), SHEETS, json!({})).await;
    assert_eq!(error_code(&refused), "NO_WHOLESALE_CONNECTION");
    let colleague = c.gql(Some(&m.employee), SHEETS, json!({})).await;
    assert_eq!(ids(&data(&colleague)["orderSheets"]).len(), 1);
    assert_eq!(employer_of(c, pending).await, None);
    let me = c
        .gql(
            Some(&m.pending_employee),
            "{ me { connectedEmployer { id } pendingEmployer { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&me)["me"]["connectedEmployer"], Value::Null);
    assert_eq!(data(&me)["me"]["pendingEmployer"]["id"], m.owner_id);

    // The owner sees the request where it answers applications.
    let lists = owners_lists(&m).await;
    assert_eq!(ids(&lists["connectedEmployees"]), vec![m.employee_id]);
    assert_eq!(ids(&lists["pendingEmployees"]), vec![pending]);
    let application = lists["receivedConnections"]
        .as_array()
        .expect("applications")
        .iter()
        .find(|a| a["retailer"]["id"] == pending)
        .expect("the employee's request is an application")
        .clone();

    // The approved colleague may answer retailers, not admit colleagues.
    let by_colleague = c
        .gql(
            Some(&m.employee),
            UPDATE,
            json!({ "c": application["id"], "s": "CONFIRMED" }),
        )
        .await;
    assert_eq!(error_code(&by_colleague), "PERMISSION_DENIED");
    assert_eq!(employer_of(c, pending).await, None);

    // The original client's way: confirm the application.
    let confirmed = c
        .gql(
            Some(&m.owner),
            UPDATE,
            json!({ "c": application["id"], "s": "CONFIRMED" }),
        )
        .await;
    assert_eq!(
        data(&confirmed)["updateBizConnection"]["applyStatus"],
        "CONFIRMED"
    );
    assert_eq!(employer_of(c, pending).await, Some(m.owner_id));
    let sheets = c.gql(Some(&m.pending_employee), SHEETS, json!({})).await;
    assert_eq!(ids(&data(&sheets)["orderSheets"]).len(), 1);
    let lists = owners_lists(&m).await;
    assert_eq!(
        ids(&lists["connectedEmployees"]),
        vec![m.employee_id, pending]
    );
    assert!(ids(&lists["pendingEmployees"]).is_empty());
    assert!(
        lists["receivedConnections"]
            .as_array()
            .expect("applications")
            .iter()
            .all(|a| a["retailer"]["id"] != pending),
        "an answered request leaves the list: {lists}"
    );
}

#[actix_web::test]
async fn only_the_owner_or_an_admin_approves_and_removes_employees() {
    let m = market().await;
    let c = &m.core;
    let pending = m.pending_employee_id;
    let vars = json!({ "e": pending });

    for (who, code) in [
        (&m.other_wholesaler, "NO_WHOLESALE_CONNECTION"),
        (&m.employee, "PERMISSION_DENIED"),
        (&m.pending_employee, "PERMISSION_DENIED"),
        (&m.retailer, "PERMISSION_DENIED"),
    ] {
        for mutation in [APPROVE, REMOVE] {
            let body = c.gql(Some(who), mutation, vars.clone()).await;
            assert_eq!(error_code(&body), code, "{body}");
        }
    }
    let anonymous = c.gql(None, APPROVE, vars.clone()).await;
    assert_eq!(error_code(&anonymous), "TOKEN_NEEDED");
    assert_eq!(employer_of(c, pending).await, None, "nobody above decided");

    // Who waits is the owner's business only.
    let strangers_view = c
        .gql(
            Some(&m.other_wholesaler),
            "query($id: Int!) { user(id: $id) { pendingEmployees { id } } }",
            json!({ "id": m.owner_id }),
        )
        .await;
    assert!(ids(&data(&strangers_view)["user"]["pendingEmployees"]).is_empty());

    let approved = c.gql(Some(&m.admin), APPROVE, vars.clone()).await;
    assert_eq!(data(&approved)["approveEmployee"]["id"], pending);
    assert_eq!(employer_of(c, pending).await, Some(m.owner_id));

    // Removed: the account stays and acts for nobody again.
    let removed = c.gql(Some(&m.owner), REMOVE, vars.clone()).await;
    assert_eq!(data(&removed)["removeEmployee"]["success"], true);
    assert_eq!(employer_of(c, pending).await, None);
    let sheets = c.gql(Some(&m.pending_employee), SHEETS, json!({})).await;
    assert_eq!(error_code(&sheets), "NO_WHOLESALE_CONNECTION");
    let again = c.gql(Some(&m.owner), APPROVE, vars).await;
    assert_eq!(error_code(&again), "NO_WHOLESALE_CONNECTION");
}

#[actix_web::test]
async fn a_rejected_request_ends_the_link_for_good() {
    let m = market().await;
    let c = &m.core;
    let pending = m.pending_employee_id;
    let application = owners_lists(&m).await["receivedConnections"]
        .as_array()
        .expect("applications")
        .iter()
        .find(|a| a["retailer"]["id"] == pending)
        .expect("listed")["id"]
        .clone();
    let rejected = c
        .gql(
            Some(&m.owner),
            UPDATE,
            json!({ "c": application, "s": "REJECTED" }),
        )
        .await;
    assert_eq!(
        data(&rejected)["updateBizConnection"]["applyStatus"],
        "REJECTED"
    );
    let confirmed_later = c
        .gql(
            Some(&m.owner),
            UPDATE,
            json!({ "c": application, "s": "CONFIRMED" }),
        )
        .await;
    assert_eq!(error_code(&confirmed_later), "NO_BIZ_CONNECTION");
    assert_eq!(employer_of(c, pending).await, None);
    assert!(ids(&owners_lists(&m).await["pendingEmployees"]).is_empty());
}
