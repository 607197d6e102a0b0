//! The authorization matrix of the core API, over real HTTP: each operation
//! is called by the same seven callers on data that belongs to one retailer
//! and its wholesaler (owner + employee), and each table says who gets the
//! data or makes the change (checked in the database) and who is refused,
//! with which code, changing nothing.
//!
//! An eighth caller runs in every table without a row of its own: an
//! employee that signed up under the owner's name and was never approved.
//! Until the owner consents it is a stranger, so it must get exactly what
//! the other wholesaler gets (or be told it has no employer yet).

use crate::support::{Market, data, error_code, market};
use Caller::*;
use Outcome::*;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// Connected (CONFIRMED) to the owner; places the orders.
    Retailer,
    OtherRetailer,
    /// WHOLESALER_EMPR: the retailer's wholesaler.
    Owner,
    /// WHOLESALER_EMPE of the owner.
    Employee,
    OtherWholesaler,
    Admin,
    /// WHOLESALER_EMPE under the owner's name, not approved: not in the
    /// tables, run with the other wholesaler's expectation (see `as_stranger`).
    PendingEmployee,
}

/// Every table lists these callers, in this order.
const EVERYONE: [Caller; 7] = [
    Anonymous,
    Retailer,
    OtherRetailer,
    Owner,
    Employee,
    OtherWholesaler,
    Admin,
];

impl Caller {
    fn token(self, m: &Market) -> Option<&str> {
        let token = match self {
            Anonymous => return None,
            Retailer => &m.retailer,
            OtherRetailer => &m.other_retailer,
            Owner => &m.owner,
            Employee => &m.employee,
            OtherWholesaler => &m.other_wholesaler,
            Admin => &m.admin,
            PendingEmployee => &m.pending_employee,
        };
        Some(token.as_str())
    }

    fn index(self) -> usize {
        EVERYONE
            .iter()
            .position(|c| *c == self)
            .unwrap_or(EVERYONE.len())
    }

    /// A number of its own per caller, so the database tells whose write landed.
    fn mark(self) -> i64 {
        1000 * (i64::try_from(self.index()).expect("small") + 1)
    }
}

/// What one caller gets from one operation.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// Succeeds with all of the pair's data, or makes the change.
    Allowed,
    /// Succeeds and shows exactly these parts of the pair's data.
    Partly(&'static [bool]),
    /// Succeeds and shows none of the pair's data (an empty list, a masked profile).
    Hidden,
    /// Fails with this code and changes nothing.
    Refused(&'static str),
}

const TOKEN_NEEDED: Outcome = Refused("TOKEN_NEEDED");
const PERMISSION_DENIED: Outcome = Refused("PERMISSION_DENIED");
/// Someone else's sheet looks exactly like a missing one.
const NO_ORDER_SHEET: Outcome = Refused("NO_ORDER_SHEET");
/// Authorized: the call gets past every check and fails only because no
/// receipt service runs in this harness.
const REACHES_RECEIPTS: Outcome = Refused("RECEIPT_SERVICE_UNAVAILABLE");

type Matrix = [(Caller, Outcome); 7];

fn covers_everyone(op: &str, matrix: &Matrix) {
    let callers: Vec<Caller> = matrix.iter().map(|(who, _)| *who).collect();
    assert_eq!(callers, EVERYONE, "{op}: one row per caller, in order");
}

fn refused_with<'a>(op: &str, who: Caller, body: &'a Value) -> &'a str {
    assert!(
        body.get("errors").is_some(),
        "{op} as {who:?} must be refused: {body}"
    );
    error_code(body)
}

fn succeeded<'a>(op: &str, who: Caller, body: &'a Value) -> &'a Value {
    assert!(
        body.get("errors").is_none(),
        "{op} as {who:?} must succeed: {body}"
    );
    &body["data"]
}

/// What a pending employee's answer may be, given the stranger's (the other
/// wholesaler's) expected outcome: the same, or, where the stranger is
/// refused or shown nothing, "you have no employer yet". Never more.
fn as_stranger(op: &str, stranger: Outcome, body: &Value, shown: impl Fn(&Value) -> Vec<bool>) {
    const NO_EMPLOYER: &str = "NO_WHOLESALE_CONNECTION";
    let who = PendingEmployee;
    match stranger {
        Refused(code) => {
            let got = refused_with(op, who, body);
            assert!(
                got == code || got == NO_EMPLOYER,
                "{op} as {who:?}: like a stranger ({code}) or {NO_EMPLOYER}: {body}"
            );
        }
        Hidden if body.get("errors").is_some() => {
            assert_eq!(
                refused_with(op, who, body),
                NO_EMPLOYER,
                "{op} as {who:?}: {body}"
            );
        }
        Hidden => {
            let parts = shown(succeeded(op, who, body));
            assert!(parts.iter().all(|s| !s), "{op} as {who:?}: {body}");
        }
        Allowed => {
            let parts = shown(succeeded(op, who, body));
            assert!(parts.iter().all(|s| *s), "{op} as {who:?}: {body}");
        }
        Partly(expected) => {
            let parts = shown(succeeded(op, who, body));
            assert_eq!(parts, expected, "{op} as {who:?}: {body}");
        }
    }
}

fn stranger_outcome(matrix: &Matrix) -> Outcome {
    matrix[OtherWholesaler.index()].1
}

/// Runs a read as every caller; `reveals` says, per part of the pair's data,
/// whether the answer shows it.
async fn reads(
    m: &Market,
    op: &str,
    matrix: Matrix,
    query: &str,
    vars: Value,
    reveals: impl Fn(&Value) -> Vec<bool>,
) {
    covers_everyone(op, &matrix);
    for (who, outcome) in matrix {
        let body = m.core.gql(who.token(m), query, vars.clone()).await;
        if let Refused(code) = outcome {
            assert_eq!(
                refused_with(op, who, &body),
                code,
                "{op} as {who:?}: {body}"
            );
            continue;
        }
        let shown = reveals(succeeded(op, who, &body));
        match outcome {
            Allowed => assert!(shown.iter().all(|s| *s), "{op} as {who:?}: {body}"),
            Hidden => assert!(shown.iter().all(|s| !s), "{op} as {who:?}: {body}"),
            Partly(parts) => assert_eq!(shown, parts, "{op} as {who:?}: {body}"),
            Refused(_) => unreachable!(),
        }
    }
    let body = m.core.gql(PendingEmployee.token(m), query, vars).await;
    as_stranger(op, stranger_outcome(&matrix), &body, reveals);
}

/// How an allowed write shows in its probe.
#[derive(Debug, Clone, Copy)]
enum Change {
    By(i64),
    Any,
}

/// Runs a write as every caller, refusals first (while the data they must
/// not touch is intact). `probe` is a `count` query read before and after
/// each call: unchanged for a refusal, changed as `change` says otherwise.
async fn writes(
    m: &Market,
    op: &str,
    matrix: Matrix,
    query: &str,
    vars: impl Fn(Caller) -> Value,
    probe: impl Fn(Caller) -> String,
    change: Change,
) {
    covers_everyone(op, &matrix);
    // The pending employee sends what the stranger sends, right after it.
    let stranger = stranger_outcome(&matrix);
    let callers = matrix.into_iter().flat_map(|(who, outcome)| {
        let pending = (who == OtherWholesaler).then_some((PendingEmployee, stranger));
        std::iter::once((who, outcome)).chain(pending)
    });
    let (allowed, refused): (Vec<_>, Vec<_>) = callers.partition(|(_, o)| matches!(o, Allowed));
    for (who, outcome) in refused.into_iter().chain(allowed) {
        let sends_as = if who == PendingEmployee {
            OtherWholesaler
        } else {
            who
        };
        let before = m.core.count(&probe(sends_as)).await;
        let body = m.core.gql(who.token(m), query, vars(sends_as)).await;
        let after = m.core.count(&probe(sends_as)).await;
        if who == PendingEmployee {
            as_stranger(op, stranger, &body, |_| Vec::new());
            if matches!(stranger, Refused(_)) {
                assert_eq!(
                    after, before,
                    "{op} as {who:?} was refused yet changed data"
                );
            }
            continue;
        }
        match outcome {
            Refused(code) => {
                assert_eq!(
                    refused_with(op, who, &body),
                    code,
                    "{op} as {who:?}: {body}"
                );
                assert_eq!(
                    after, before,
                    "{op} as {who:?} was refused yet changed data"
                );
            }
            Allowed => {
                succeeded(op, who, &body);
                match change {
                    Change::By(delta) => assert_eq!(after, before + delta, "{op} as {who:?}"),
                    Change::Any => assert_ne!(after, before, "{op} as {who:?} changed nothing"),
                }
            }
            Partly(_) | Hidden => panic!("{op}: a write is allowed or refused"),
        }
    }
}

fn list_has(list: &Value, id: i64) -> bool {
    list.as_array()
        .is_some_and(|items| items.iter().any(|i| i["id"] == id))
}

fn non_empty(list: &Value) -> bool {
    list.as_array().is_some_and(|items| !items.is_empty())
}

const APPLY: &str = "mutation($w: Int!) { applyBizConnection(wholesalerId: $w) { id } }";
const PROFILE: &str = "query($id: Int!) { user(id: $id) { userCredential { phoneNo } \
    businessInfo { companyName } appliedConnections { id } receivedConnections { id } connectedEmployees { id } } }";
const RETAILER_PHONE: &str = "01022220001";
const OWNER_PHONE: &str = "01011110001";
const OTHER_RETAILER_PHONE: &str = "01022220002";

#[actix_web::test]
async fn profiles_show_private_details_only_to_those_entitled() {
    let m = market().await;
    let c = &m.core;
    c.business_info(&m.retailer, m.retailer_id, "행복꽃집")
        .await;
    c.business_info(&m.owner, m.owner_id, "그린원예").await;
    // A pending application: applying alone must not open the owner's details.
    data(
        &c.gql(Some(&m.other_retailer), APPLY, json!({ "w": m.owner_id }))
            .await,
    );

    // Parts: phone in full, business info, the retailer's applications (which
    // are the retailer's business, not its wholesaler's).
    const PARTNER: Outcome = Partly(&[true, true, false]);
    reads(
        &m,
        "user(retailer)",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, Hidden),
            (Owner, PARTNER),
            (Employee, PARTNER),
            (OtherWholesaler, Hidden),
            (Admin, Allowed),
        ],
        PROFILE,
        json!({ "id": m.retailer_id }),
        |d| {
            let user = &d["user"];
            vec![
                user["userCredential"]["phoneNo"] == RETAILER_PHONE,
                user["businessInfo"].is_object(),
                non_empty(&user["appliedConnections"]),
            ]
        },
    )
    .await;

    // Parts: phone in full, business info, employees, the applications it
    // received (its customer list: not for a customer to read).
    const CUSTOMER: Outcome = Partly(&[true, true, true, false]);
    reads(
        &m,
        "user(owner)",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, CUSTOMER),
            (OtherRetailer, Hidden),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Hidden),
            (Admin, Allowed),
        ],
        PROFILE,
        json!({ "id": m.owner_id }),
        |d| {
            let user = &d["user"];
            vec![
                user["userCredential"]["phoneNo"] == OWNER_PHONE,
                user["businessInfo"].is_object(),
                non_empty(&user["connectedEmployees"]),
                non_empty(&user["receivedConnections"]),
            ]
        },
    )
    .await;

    reads(
        &m,
        "users",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, Hidden),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Hidden),
            (Admin, Allowed),
        ],
        "{ users { id userCredential { phoneNo } businessInfo { id } } }",
        json!({}),
        |d| {
            let listed = d["users"].as_array().expect("users");
            let retailer = listed
                .iter()
                .find(|u| u["id"] == m.retailer_id)
                .expect("everyone is listed");
            vec![
                retailer["userCredential"]["phoneNo"] == RETAILER_PHONE,
                retailer["businessInfo"].is_object(),
            ]
        },
    )
    .await;

    reads(
        &m,
        "users(phoneNo)",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, PERMISSION_DENIED),
            (Employee, PERMISSION_DENIED),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, Allowed),
        ],
        "query($p: String) { users(filter: { phoneNo: $p }) { id } }",
        json!({ "p": RETAILER_PHONE }),
        |d| vec![list_has(&d["users"], m.retailer_id)],
    )
    .await;

    // An applicant's details are open to the wholesaler while it judges the
    // application, and closed again once it turns the applicant down.
    let applicant = c
        .count("SELECT id FROM users WHERE name = '다른꽃집'")
        .await;
    let shows_applicant = |body: &Value| {
        let user = &data(body)["user"];
        (
            user["userCredential"]["phoneNo"] == OTHER_RETAILER_PHONE,
            user["businessInfo"].is_object(),
        )
    };
    c.business_info(&m.other_retailer, applicant, "다른꽃집")
        .await;
    for who in [&m.owner, &m.employee] {
        let judging = c.gql(Some(who), PROFILE, json!({ "id": applicant })).await;
        assert_eq!(shows_applicant(&judging), (true, true), "{judging}");
    }
    let application = c
        .count("SELECT max(id) FROM biz_connections WHERE apply_status = 'APPLYING'")
        .await;
    data(
        &c.gql(
            Some(&m.owner),
            "mutation($c: Int!) { updateBizConnection(bizConnId: $c, status: REJECTED) { id } }",
            json!({ "c": application }),
        )
        .await,
    );
    for who in [&m.owner, &m.employee] {
        let rejected = c.gql(Some(who), PROFILE, json!({ "id": applicant })).await;
        assert_eq!(shows_applicant(&rejected), (false, false), "{rejected}");
    }
}

#[actix_web::test]
async fn account_changes_are_made_by_the_account_or_an_admin() {
    let mut m = market().await;
    let c = &m.core;
    let r = m.retailer_id;

    writes(
        &m,
        "upsertBusinessInfo(retailer)",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, PERMISSION_DENIED),
            (Employee, PERMISSION_DENIED),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, Allowed),
        ],
        "mutation($i: CreateBusinessInfoInput) { upsertBusinessInfo(input: $i) { id } }",
        |who| {
            json!({ "i": {
                "userId": r, "companyName": format!("상회{}", who.mark()), "companyPhoneNo": "02-123-4567",
                "employerName": "김사장", "address": "서울 서초구 강남대로 27", "businessNo": "1234567891",
                "businessMainCategory": "도소매", "businessSubCategory": "화훼",
                "sealStampImgUrl": "http://127.0.0.1:9/stamp.png", "bankAccount": "농협 000-0000-0000-00 예시" } })
        },
        |who| {
            format!(
                "SELECT count(*) FROM business_infos WHERE user_id = {r} AND deleted_at IS NULL \
                 AND company_name = '상회{}'",
                who.mark()
            )
        },
        Change::By(1),
    )
    .await;

    writes(
        &m,
        "updatePassword(retailer)",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, PERMISSION_DENIED),
            (Employee, PERMISSION_DENIED),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, Allowed),
        ],
        "mutation($i: UpdatePasswordInput) { updatePassword(input: $i) { success } }",
        |who| {
            json!({ "i": { "userId": r, "phoneNo": RETAILER_PHONE, "password": format!("pass{}@@", who.mark()) } })
        },
        |_| format!("SELECT hashtext(password) FROM user_credentials WHERE user_id = {r}"),
        Change::Any,
    )
    .await;
    // The operator's change ended every session of the retailer (its own
    // change kept the session that made it): it signs in with the new password.
    let (status, _) = c
        .gql_status(Some(&m.retailer), "{ me { id } }", json!({}))
        .await;
    assert_eq!(
        status, 401,
        "an operator's password change ends the user's sessions"
    );
    let signed_in = c
        .gql(
            None,
            "mutation($i: SignInInput) { signIn(input: $i) { accessToken } }",
            json!({ "i": { "phoneNo": RETAILER_PHONE, "password": format!("pass{}@@", Admin.mark()) } }),
        )
        .await;
    m.retailer = data(&signed_in)["signIn"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();

    writes(
        &m,
        "applyBizConnection(owner)",
        [
            (Anonymous, TOKEN_NEEDED),
            // Already the owner's partner.
            (Retailer, Refused("BIZ_CONNECTION_DUPLICATED")),
            (OtherRetailer, Allowed),
            (Owner, PERMISSION_DENIED),
            (Employee, PERMISSION_DENIED),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, PERMISSION_DENIED),
        ],
        APPLY,
        |_| json!({ "w": m.owner_id }),
        |_| {
            format!(
                "SELECT count(*) FROM biz_connections WHERE wholesaler_id = {} AND deleted_at IS NULL",
                m.owner_id
            )
        },
        Change::By(1),
    )
    .await;

    // The other retailer's application: the owner rejects it, then the employee confirms it.
    let application = c
        .count("SELECT max(id) FROM biz_connections WHERE apply_status = 'APPLYING'")
        .await;
    let status = |who: Caller| {
        if who == Owner {
            "REJECTED"
        } else {
            "CONFIRMED"
        }
    };
    writes(
        &m,
        "updateBizConnection(other retailer → owner)",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            // The applicant cannot confirm itself.
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Refused("NO_BIZ_CONNECTION")),
            (Admin, PERMISSION_DENIED),
        ],
        "mutation($c: Int!, $s: ApplyStatus) { updateBizConnection(bizConnId: $c, status: $s) { id } }",
        |who| json!({ "c": application, "s": status(who) }),
        |who| {
            format!(
                "SELECT count(*) FROM biz_connections WHERE id = {application} AND apply_status = '{}'",
                status(who)
            )
        },
        Change::By(1),
    )
    .await;
    // Confirmed: the other retailer is now a partner and sees the owner's number.
    let owner = c
        .gql(
            Some(&m.other_retailer),
            PROFILE,
            json!({ "id": m.owner_id }),
        )
        .await;
    assert_eq!(
        data(&owner)["user"]["userCredential"]["phoneNo"],
        OWNER_PHONE
    );

    writes(
        &m,
        "removeUser(retailer)",
        [
            (Anonymous, TOKEN_NEEDED),
            // Not even itself: removing accounts is an operator's job.
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, PERMISSION_DENIED),
            (Employee, PERMISSION_DENIED),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, Allowed),
        ],
        "mutation($u: Int!) { removeUser(userId: $u) { success } }",
        |_| json!({ "u": r }),
        |_| format!("SELECT count(*) FROM users WHERE id = {r} AND deleted_at IS NULL"),
        Change::By(-1),
    )
    .await;
}

/// Whether an audit event list shows `sheet` being placed.
fn placed(events: &Value, sheet: i64) -> bool {
    events.as_array().is_some_and(|events| {
        events
            .iter()
            .any(|e| e["subjectId"] == sheet && e["action"] == "PLACED")
    })
}

/// The retailer's sheet with two lines, its first line and its first daily row.
async fn ordered(m: &Market) -> (i64, i64, i64) {
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "MIDDLE")]).await;
    let id = sheet["id"].as_i64().expect("sheet id");
    let line = sheet["orderItems"][0]["id"].as_i64().expect("line id");
    let daily = m
        .core
        .count(&format!(
            "SELECT min(id) FROM daily_order_items WHERE wholesaler_id = {}",
            m.owner_id
        ))
        .await;
    (id, line, daily)
}

#[actix_web::test]
async fn order_sheets_are_read_by_their_parties_only() {
    let m = market().await;
    let (sheet, line, daily) = ordered(&m).await;
    // Admins read every sheet; the lists are scoped to the caller's party.
    let parties: Matrix = [
        (Anonymous, TOKEN_NEEDED),
        (Retailer, Allowed),
        (OtherRetailer, Hidden),
        (Owner, Allowed),
        (Employee, Allowed),
        (OtherWholesaler, Hidden),
        (Admin, Allowed),
    ];

    reads(
        &m,
        "orderSheet",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, NO_ORDER_SHEET),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, NO_ORDER_SHEET),
            (Admin, Allowed),
        ],
        "query($id: Int!) { orderSheet(orderSheetId: $id) { id orderItems { id } } }",
        json!({ "id": sheet }),
        |d| {
            vec![
                d["orderSheet"]["id"] == sheet,
                list_has(&d["orderSheet"]["orderItems"], line),
            ]
        },
    )
    .await;
    // A sheet's history follows the sheet's access rules.
    reads(
        &m,
        "orderSheet.history",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, NO_ORDER_SHEET),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, NO_ORDER_SHEET),
            (Admin, Allowed),
        ],
        "query($id: Int!) { orderSheet(orderSheetId: $id) { history { subjectId action } } }",
        json!({ "id": sheet }),
        |d| vec![placed(&d["orderSheet"]["history"], sheet)],
    )
    .await;
    // The wholesaler's timeline: its owner and employees, and operators.
    reads(
        &m,
        "orderTimeline",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, Allowed),
        ],
        "query($f: AuditTimelineFilterInput) { orderTimeline(filter: $f) { items { subjectId action } } }",
        json!({ "f": { "wholesalerId": m.owner_id } }),
        |d| vec![placed(&d["orderTimeline"]["items"], sheet)],
    )
    .await;
    reads(
        &m,
        "orderSheets",
        parties,
        "{ orderSheets { id } }",
        json!({}),
        |d| vec![list_has(&d["orderSheets"], sheet)],
    )
    .await;
    reads(
        &m,
        "orderItems",
        parties,
        "{ orderItems { id } }",
        json!({}),
        |d| vec![list_has(&d["orderItems"], line)],
    )
    .await;
    reads(
        &m,
        "dailyOrderItems",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Hidden),
            (Admin, PERMISSION_DENIED),
        ],
        "{ dailyOrderItems { id } }",
        json!({}),
        |d| vec![list_has(&d["dailyOrderItems"], daily)],
    )
    .await;
    // The day's papers: the wholesaler's working lists, its own company's
    // only (another wholesaler reads its own, empty, day).
    let today = chrono::Utc::now()
        .with_timezone(&domain::time::KST)
        .date_naive()
        .to_string();
    let wholesaler_only: Matrix = [
        (Anonymous, TOKEN_NEEDED),
        (Retailer, PERMISSION_DENIED),
        (OtherRetailer, PERMISSION_DENIED),
        (Owner, Allowed),
        (Employee, Allowed),
        (OtherWholesaler, Hidden),
        (Admin, PERMISSION_DENIED),
    ];
    let flower = m.flowers[0];
    reads(
        &m,
        "pickList",
        wholesaler_only,
        "query($day: LocalDate!) { pickList(day: $day) { lines { flowerId stems } } }",
        json!({ "day": today }),
        |d| {
            vec![
                d["pickList"]["lines"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|l| l["flowerId"] == flower)),
            ]
        },
    )
    .await;
    reads(
        &m,
        "packingSlips",
        wholesaler_only,
        "query($day: LocalDate!) { packingSlips(day: $day) { slips { floristId orderNos } } }",
        json!({ "day": today }),
        |d| {
            vec![
                d["packingSlips"]["slips"]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|s| s["floristId"] == m.retailer_id)),
            ]
        },
    )
    .await;
}

#[actix_web::test]
async fn order_sheets_are_changed_by_their_parties_only() {
    let m = market().await;
    let c = &m.core;
    let (sheet, line, daily) = ordered(&m).await;
    let prices =
        "mutation($items: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $items) { id } }";
    let daily_prices = "mutation($items: [OrderItemPriceInput!]!) { updateDailyOrderItemsPrice(items: $items) { id } }";
    let upsert =
        "mutation($i: UpsertCustomOrderItemsInput!) { upsertCustomOrderItems(input: $i) { id } }";
    let custom_lines = format!(
        "SELECT count(*) FROM custom_order_items WHERE order_sheet_id = {sheet} AND deleted_at IS NULL"
    );

    writes(
        &m,
        "updateOrderItemsPrice",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Refused("NO_ORDER_ITEM")),
            (Admin, PERMISSION_DENIED),
        ],
        prices,
        |who| json!({ "items": [{ "id": line, "price": who.mark() }] }),
        |who| {
            format!(
                "SELECT count(*) FROM order_items WHERE id = {line} AND price = {}",
                who.mark()
            )
        },
        Change::By(1),
    )
    .await;

    writes(
        &m,
        "updateDailyOrderItemsPrice",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Refused("NO_DAILY_ORDER_ITEM")),
            (Admin, PERMISSION_DENIED),
        ],
        daily_prices,
        |who| json!({ "items": [{ "id": daily, "price": who.mark() }] }),
        |who| {
            format!(
                "SELECT count(*) FROM daily_order_items WHERE id = {daily} AND price = {}",
                who.mark()
            )
        },
        Change::By(1),
    )
    .await;

    writes(
        &m,
        "upsertCustomOrderItems",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, NO_ORDER_SHEET),
            (Admin, PERMISSION_DENIED),
        ],
        upsert,
        |who| {
            json!({ "i": { "orderSheetId": sheet, "items": [{ "flowerName": format!("포장{}", who.mark()), "price": 500 }] } })
        },
        |_| custom_lines.clone(),
        Change::By(1),
    )
    .await;

    // One custom line per caller, each caller trying to remove its own.
    let made = c
        .gql(
            Some(&m.owner),
            upsert,
            json!({ "i": { "orderSheetId": sheet, "items": EVERYONE.map(|who| json!({ "flowerName": format!("줄{who:?}"), "price": 100 })) } }),
        )
        .await;
    let custom: Vec<i64> = data(&made)["upsertCustomOrderItems"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["id"].as_i64().expect("id"))
        .collect();
    writes(
        &m,
        "removeCustomOrderItem",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, NO_ORDER_SHEET),
            (Admin, PERMISSION_DENIED),
        ],
        "mutation($ids: [Int!]!) { removeCustomOrderItem(customOrderItemIds: $ids) { success } }",
        |who| json!({ "ids": [custom[who.index()]] }),
        |_| custom_lines.clone(),
        Change::By(-1),
    )
    .await;

    // The sheet is priced and the owner has business info: only the receipt
    // service (absent here) stands between an authorized caller and a receipt.
    c.business_info(&m.owner, m.owner_id, "그린원예").await;
    writes(
        &m,
        "issueOrderSheetReceipt",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, REACHES_RECEIPTS),
            (Employee, REACHES_RECEIPTS),
            (OtherWholesaler, NO_ORDER_SHEET),
            (Admin, PERMISSION_DENIED),
        ],
        "mutation($id: Int!) { issueOrderSheetReceipt(orderSheetId: $id) { id } }",
        |_| json!({ "id": sheet }),
        // No receipt row and no SMS, whoever calls.
        |_| {
            "SELECT (SELECT count(*) FROM order_sheet_receipts) + (SELECT count(*) FROM notification_outbox \
             WHERE template = 'IssueOrderSheetReceipt')"
                .to_owned()
        },
        // What a receipt would add, were the service up.
        Change::By(2),
    )
    .await;

    writes(
        &m,
        "removeOrderSheet",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, NO_ORDER_SHEET),
            (Owner, PERMISSION_DENIED),
            (Employee, PERMISSION_DENIED),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, PERMISSION_DENIED),
        ],
        "mutation($id: Int!) { removeOrderSheet(orderSheetId: $id) { success } }",
        |_| json!({ "id": sheet }),
        |_| format!("SELECT count(*) FROM order_sheets WHERE id = {sheet} AND deleted_at IS NULL"),
        Change::By(-1),
    )
    .await;
}

#[actix_web::test]
async fn dashboards_auctions_and_the_batch_follow_the_matrix() {
    let m = market().await;
    let c = &m.core;
    let (sheet, _, _) = ordered(&m).await;

    // The dashboard counts sheets with a receipt.
    c.sql(&format!(
        "INSERT INTO order_sheet_receipts (order_sheet_id, file_name, file_path, file_format, storage_key) \
         VALUES ({sheet}, 'r', 'http://x/r.pdf', '.pdf', 'k')"
    ))
    .await;
    reads(
        &m,
        "dailyOrderSheetAggregates",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Hidden),
            (Admin, PERMISSION_DENIED),
        ],
        "{ dailyOrderSheetAggregates { orderSheetsCount } }",
        json!({}),
        |d| vec![d["dailyOrderSheetAggregates"][0]["orderSheetsCount"] == 1],
    )
    .await;

    // An open cart with the wholesaler chosen: what the nightly batch orders.
    data(&c.add_to_cart(&m.retailer, m.flowers[2], 4, "LOWER").await);
    data(&c.choose_wholesaler(&m.retailer, m.owner_id, None).await);
    writes(
        &m,
        "orderBatchCartItems",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, PERMISSION_DENIED),
            (Employee, PERMISSION_DENIED),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, Allowed),
        ],
        "mutation { orderBatchCartItems { success } }",
        |_| json!({}),
        |_| {
            format!(
                "SELECT count(*) FROM order_sheets WHERE retailer_id = {} AND deleted_at IS NULL",
                m.retailer_id
            )
        },
        Change::By(1),
    )
    .await;

    let today = domain::time::yyyymmdd(domain::time::business_day(chrono::Utc::now()));
    for wholesaler in [m.owner_id, m.other_wholesaler_id] {
        c.sql(&format!(
            "INSERT INTO auction_results (flower_name, flower_type_name, flower_grade, box_count, flower_count, \
               price, total_price, serial_code, shipper, wholesaler_id, auction_date) \
             VALUES ('레드나오미', '장미', '상', 1, 10, 1000, 10000, 'S-{wholesaler}', '농장', {wholesaler}, {today})"
        ))
        .await;
    }
    let lot = c
        .count(&format!(
            "SELECT id FROM auction_results WHERE wholesaler_id = {}",
            m.owner_id
        ))
        .await;
    let own_lots: Matrix = [
        (Anonymous, TOKEN_NEEDED),
        (Retailer, PERMISSION_DENIED),
        (OtherRetailer, PERMISSION_DENIED),
        (Owner, Allowed),
        (Employee, Allowed),
        (OtherWholesaler, PERMISSION_DENIED),
        (Admin, PERMISSION_DENIED),
    ];
    reads(
        &m,
        "auctionResult(owner)",
        own_lots,
        "query($w: Int!) { auctionResult(filter: { wholesalerId: $w }) { items { id } } }",
        json!({ "w": m.owner_id }),
        |d| vec![list_has(&d["auctionResult"]["items"], lot)],
    )
    .await;
    // By id, another wholesaler's lot looks like a missing one.
    let own_lot: Matrix = [
        (Anonymous, TOKEN_NEEDED),
        (Retailer, PERMISSION_DENIED),
        (OtherRetailer, PERMISSION_DENIED),
        (Owner, Allowed),
        (Employee, Allowed),
        (OtherWholesaler, Refused("NO_AUCTION_RESULT")),
        (Admin, PERMISSION_DENIED),
    ];
    reads(
        &m,
        "auctionResultDetail",
        own_lot,
        "query($id: Int!) { auctionResultDetail(filter: { id: $id }) { item { id } } }",
        json!({ "id": lot }),
        |d| vec![d["auctionResultDetail"]["item"]["id"] == lot],
    )
    .await;
    // The retailers' detail: a lot not yet offered (no retail price) is only
    // the wholesaler's purchase, so outside its company it looks missing ...
    let for_sale_detail = "query($id: Int!) { auctionResultForSaleDetail(filter: { id: $id }) { item { id price } } }";
    let no_lot = Refused("NO_AUCTION_RESULT");
    reads(
        &m,
        "auctionResultForSaleDetail(unoffered)",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, no_lot),
            (OtherRetailer, no_lot),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, no_lot),
            (Admin, Allowed),
        ],
        for_sale_detail,
        json!({ "id": lot }),
        |d| vec![d["auctionResultForSaleDetail"]["item"]["id"] == lot],
    )
    .await;
    // ... and once offered, every signed-in user may open it.
    c.sql(&format!(
        "UPDATE auction_results SET retail_price = 1500 WHERE id = {lot}"
    ))
    .await;
    reads(
        &m,
        "auctionResultForSaleDetail(offered)",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, Allowed),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Allowed),
            (Admin, Allowed),
        ],
        for_sale_detail,
        json!({ "id": lot }),
        |d| vec![d["auctionResultForSaleDetail"]["item"]["id"] == lot],
    )
    .await;
    // What the list shows, and no more: a buyer never sees the wholesaler's
    // purchase (price, quantities, serial code, shipper); its own people do.
    let lot_fields = "query($id: Int!) { auctionResultForSaleDetail(filter: { id: $id }) { item { \
        price totalPrice boxCount flowerCount serialCode shipper retailPrice } } }";
    let seen_by = |token| c.gql(Some(token), lot_fields, json!({ "id": lot }));
    let buyer = seen_by(&m.retailer).await;
    assert_eq!(
        data(&buyer)["auctionResultForSaleDetail"]["item"],
        json!({ "price": 0, "totalPrice": 0, "boxCount": 0, "flowerCount": 0,
                "serialCode": "", "shipper": "", "retailPrice": 1500 })
    );
    let owner = seen_by(&m.owner).await;
    let item = &data(&owner)["auctionResultForSaleDetail"]["item"];
    assert_eq!(
        (item["price"].clone(), item["serialCode"].clone()),
        (json!(1000), json!(format!("S-{}", m.owner_id)))
    );
    // A sold-out lot has left the list, so to a buyer it is missing again.
    c.sql(&format!(
        "UPDATE auction_results SET is_sold_out = true WHERE id = {lot}"
    ))
    .await;
    assert_eq!(error_code(&seen_by(&m.retailer).await), "NO_AUCTION_RESULT");
    data(&seen_by(&m.owner).await);
    c.sql(&format!(
        "UPDATE auction_results SET is_sold_out = false WHERE id = {lot}"
    ))
    .await;
    writes(
        &m,
        "updateAuctionResult",
        own_lot,
        "mutation($id: Int!, $p: Int) { updateAuctionResult(filter: { id: $id, retailPrice: $p }) { item { id } } }",
        |who| json!({ "id": lot, "p": who.mark() }),
        |who| {
            format!(
                "SELECT count(*) FROM auction_results WHERE id = {lot} AND retail_price = {}",
                who.mark()
            )
        },
        Change::By(1),
    )
    .await;
}

/// The auction price board is public market data: everyone reads all of it,
/// signed in or not (as `flowers`), within the request's cost budget.
#[actix_web::test]
async fn the_auction_price_board_is_public_market_data() {
    let m = market().await;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    m.core
        .auction_rows(&[("장미", "레드나오미", "특1", day, 1000)])
        .await;
    const EVERYONE_READS: Matrix = [
        (Anonymous, Allowed),
        (Retailer, Allowed),
        (OtherRetailer, Allowed),
        (Owner, Allowed),
        (Employee, Allowed),
        (OtherWholesaler, Allowed),
        (Admin, Allowed),
    ];
    reads(
        &m,
        "auctionPriceBoard",
        EVERYONE_READS,
        "{ auctionPriceBoard(filter: { date: \"2026-11-23\" }) { resultCount items { avgPrice } } }",
        json!({}),
        |d| vec![d["auctionPriceBoard"]["items"][0]["avgPrice"] == 1000],
    )
    .await;
    reads(
        &m,
        "auctionPriceHistory",
        EVERYONE_READS,
        "{ auctionPriceHistory(filter: { flowerTypeName: \"장미\", flowerName: \"레드나오미\", \
           dateRange: { fromDate: \"2026-11-01\", toDate: \"2026-11-30\" } }) { avgPrice } }",
        json!({}),
        |d| vec![d["auctionPriceHistory"][0]["avgPrice"] == 1000],
    )
    .await;
    reads(
        &m,
        "Flower.latestAuction",
        EVERYONE_READS,
        "{ flowers(filter: { keyword: \"레드나오미\" }) { items { latestAuction { avgPrice } } } }",
        json!({}),
        |d| vec![d["flowers"]["items"][0]["latestAuction"][0]["avgPrice"] == 1000],
    )
    .await;
}

#[actix_web::test]
async fn the_ledger_is_read_by_its_pair_and_written_by_the_wholesaler() {
    let m = market().await;
    let sheet = m.ordered_sheet(&[(0, 1, "UPPER")]).await;
    let today = domain::time::business_day(chrono::Utc::now());
    let mut conn = m.core.db.pool().get().await.expect("conn");
    let split = db::ledger::TaxSplit {
        exempt_supply: 10_000,
        ..Default::default()
    };
    let sheet_id = sheet["id"].as_i64().expect("sheet id");
    let charge = db::ledger::NewEntry::charge(m.owner_id, m.retailer_id, sheet_id, split, today);
    db::ledger::record(&mut conn, &charge)
        .await
        .expect("charge");
    // One adjustment per caller, for the reversal table to aim at.
    for who in EVERYONE {
        let entry = db::ledger::NewEntry::adjustment(
            m.owner_id,
            m.retailer_id,
            who.mark(),
            "표".into(),
            today,
        );
        db::ledger::record(&mut conn, &entry)
            .await
            .expect("adjustment");
    }
    let balance: i64 = 10_000 + EVERYONE.iter().map(|w| w.mark()).sum::<i64>();
    let pair = json!({"f": {"wholesalerId": m.owner_id, "retailerId": m.retailer_id}});

    reads(
        &m,
        "ledger",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, Allowed),
        ],
        "query($f: LedgerFilterInput!) { ledger(filter: $f) { closingBalance } }",
        pair,
        |d| vec![d["ledger"]["closingBalance"] == balance],
    )
    .await;
    reads(
        &m,
        "ledgerAccounts",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, Hidden),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Hidden),
            (Admin, PERMISSION_DENIED),
        ],
        "{ ledgerAccounts { items { balance } } }",
        json!({}),
        |d| vec![d["ledgerAccounts"]["items"][0]["balance"] == balance],
    )
    .await;
    reads(
        &m,
        "taxRollup",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Hidden),
            (Admin, PERMISSION_DENIED),
        ],
        "query($m: LocalDate!) { taxRollup(month: $m) { items { exemptSupply } } }",
        json!({"m": today.to_string()}),
        |d| vec![d["taxRollup"]["items"][0]["exemptSupply"] == 10_000],
    )
    .await;

    const WHOLESALER_WRITES: Matrix = [
        (Anonymous, TOKEN_NEEDED),
        (Retailer, PERMISSION_DENIED),
        (OtherRetailer, PERMISSION_DENIED),
        (Owner, Allowed),
        (Employee, Allowed),
        (OtherWholesaler, Refused("NOT_CONNECTED")),
        (Admin, PERMISSION_DENIED),
    ];
    let entries = "SELECT count(*) FROM ledger_entries".to_owned();
    writes(
        &m,
        "recordLedgerPayment",
        WHOLESALER_WRITES,
        "mutation($i: LedgerPaymentInput!) { recordLedgerPayment(input: $i) { id } }",
        |who| json!({"i": {"retailerId": m.retailer_id, "amount": who.mark(), "method": "CASH"}}),
        |_| entries.clone(),
        Change::By(1),
    )
    .await;
    writes(
        &m,
        "recordLedgerAdjustment",
        WHOLESALER_WRITES,
        "mutation($i: LedgerAdjustmentInput!) { recordLedgerAdjustment(input: $i) { id } }",
        |who| json!({"i": {"retailerId": m.retailer_id, "amount": who.mark(), "reason": "조정"}}),
        |_| entries.clone(),
        Change::By(1),
    )
    .await;
    let mut reversal_matrix = WHOLESALER_WRITES;
    reversal_matrix[OtherWholesaler.index()] = (OtherWholesaler, Refused("NO_LEDGER_ENTRY"));
    let adjustment_of = |who: Caller| {
        format!(
            "(SELECT min(id) FROM ledger_entries WHERE kind = 'ADJUSTMENT' AND memo = '표' AND amount = {})",
            who.mark()
        )
    };
    let ids: Vec<(Caller, i64)> = {
        let mut ids = Vec::new();
        for who in EVERYONE {
            ids.push((
                who,
                m.core
                    .count(&format!("SELECT {}", adjustment_of(who)))
                    .await,
            ));
        }
        ids
    };
    let id_of = |who: Caller| ids.iter().find(|(w, _)| *w == who).map_or(0, |(_, id)| *id);
    writes(
        &m,
        "reverseLedgerEntry",
        reversal_matrix,
        "mutation($i: ReverseLedgerEntryInput!) { reverseLedgerEntry(input: $i) { id } }",
        |who| json!({"i": {"entryId": id_of(who), "reason": "취소"}}),
        |_| entries.clone(),
        Change::By(1),
    )
    .await;
    let mut numbers = WHOLESALER_WRITES;
    // A stranger billed the florist nothing that month: nothing to number.
    numbers[OtherWholesaler.index()] = (OtherWholesaler, Refused("INVALID_DATA"));
    writes(
        &m,
        "recordTaxDocumentNumber",
        numbers,
        "mutation($i: TaxDocumentNumberInput!) { recordTaxDocumentNumber(input: $i) { success } }",
        |who| {
            json!({"i": {"retailerId": m.retailer_id, "month": today.to_string(),
                         "category": "EXEMPT", "documentNo": format!("A{}", who.mark())}})
        },
        |who| {
            format!(
                "SELECT count(*) FROM tax_document_numbers WHERE document_no = 'A{}'",
                who.mark()
            )
        },
        Change::By(1),
    )
    .await;
}

#[actix_web::test]
async fn account_statements_are_issued_by_the_wholesaler_and_read_like_the_ledger() {
    let m = market().await;
    let c = &m.core;
    c.business_info(&m.owner, m.owner_id, "그린원예").await;
    // A document of the pair, as the receipt service records one.
    c.sql(&format!(
        "INSERT INTO account_statements (kind, wholesaler_id, retailer_id, period_from, period_to, \
           file_name, file_path, storage_key, metadata, opening_balance, charges, payments, closing_balance) \
         VALUES ('PERIOD', {w}, {r}, '2026-12-01', '2026-12-31', 'account_그린원예_20261201_20261231', \
           'https://receipts.example.test/v1/account-statements/1/file', 'account-statements/x.pdf', '{{}}', \
           26000, 26000, 50000, 3500)",
        w = m.owner_id,
        r = m.retailer_id
    ))
    .await;
    let id = c.count("SELECT max(id) FROM account_statements").await;
    reads(
        &m,
        "accountStatements",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, PERMISSION_DENIED),
            (Admin, Allowed),
        ],
        "query($w: Int!, $r: Int!) { accountStatements(filter: { wholesalerId: $w, retailerId: $r }) \
           { totalCount items { id kind closingBalance periodFrom } } }",
        json!({ "w": m.owner_id, "r": m.retailer_id }),
        |data| vec![list_has(&data["accountStatements"]["items"], id)],
    )
    .await;

    // Issuing is the wholesaler's: authorized callers get as far as the
    // receipt service (absent here); nothing is written in core.
    let documents = "SELECT count(*) FROM account_statements".to_owned();
    for (op, query, vars) in [
        (
            "issueDailyStatement",
            "mutation($r: Int!) { issueDailyStatement(input: { retailerId: $r, day: \"2026-12-07T00:00:00\" }) { id } }",
            json!({ "r": m.retailer_id }),
        ),
        (
            "issuePeriodStatement",
            "mutation($r: Int!) { issuePeriodStatement(input: { retailerId: $r, from: \"2026-12-01T00:00:00\", to: \"2026-12-31T00:00:00\" }) { id } }",
            json!({ "r": m.retailer_id }),
        ),
    ] {
        writes(
            &m,
            op,
            [
                (Anonymous, TOKEN_NEEDED),
                (Retailer, PERMISSION_DENIED),
                (OtherRetailer, PERMISSION_DENIED),
                (Owner, REACHES_RECEIPTS),
                (Employee, REACHES_RECEIPTS),
                (OtherWholesaler, REACHES_RECEIPTS),
                (Admin, PERMISSION_DENIED),
            ],
            query,
            |_| vars.clone(),
            |_| documents.clone(),
            Change::Any,
        )
        .await;
    }
    // A bad period is refused before any call.
    let body = c
        .gql(
            Some(&m.owner),
            "mutation($r: Int!) { issuePeriodStatement(input: { retailerId: $r, from: \"2026-12-31T00:00:00\", to: \"2026-12-01T00:00:00\" }) { id } }",
            json!({ "r": m.retailer_id }),
        )
        .await;
    assert_eq!(error_code(&body), "INVALID_DATA", "{body}");
    let body = c
        .gql(
            Some(&m.owner),
            "mutation($r: Int!) { issuePeriodStatement(input: { retailerId: $r, from: \"2026-01-01T00:00:00\", to: \"2027-01-02T00:00:00\" }) { id } }",
            json!({ "r": m.retailer_id }),
        )
        .await;
    assert_eq!(error_code(&body), "INVALID_DATA", "{body}");
}

#[actix_web::test]
async fn sheets_are_changed_by_their_florist_and_requests_answered_by_its_wholesaler() {
    let m = market().await;
    let open = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
    let open_line = open["orderItems"][0]["id"].as_i64().expect("line");
    const FLORIST_ONLY: Matrix = [
        (Anonymous, TOKEN_NEEDED),
        (Retailer, Allowed),
        (OtherRetailer, NO_ORDER_SHEET),
        (Owner, PERMISSION_DENIED),
        (Employee, PERMISSION_DENIED),
        (OtherWholesaler, PERMISSION_DENIED),
        (Admin, PERMISSION_DENIED),
    ];
    writes(
        &m,
        "editOrderSheet",
        FLORIST_ONLY,
        "mutation($i: EditOrderSheetInput!) { editOrderSheet(input: $i) { id } }",
        |who| {
            json!({"i": {"orderSheetId": open["id"],
                         "changes": [{"orderItemId": open_line, "quantity": who.mark()}]}})
        },
        |who| {
            format!(
                "SELECT count(*) FROM order_items WHERE quantity = {}",
                who.mark()
            )
        },
        Change::By(1),
    )
    .await;

    // Two sheets past their cut-off, for requests and answers.
    let mut aged = Vec::new();
    for _ in 0..2 {
        let sheet = m.ordered_sheet(&[(1, 1, "MIDDLE")]).await;
        let id = sheet["id"].as_i64().expect("id");
        m.core
            .sql(&format!(
                "UPDATE order_sheets SET created_at = now() - interval '3 days', cutoff_at = (date_trunc('day', now() AT TIME ZONE 'Asia/Seoul') - interval '2 hours') AT TIME ZONE 'Asia/Seoul' WHERE id = {id}"
            ))
            .await;
        aged.push((id, sheet["orderItems"][0]["id"].as_i64().expect("line")));
    }
    let requests = "SELECT count(*) FROM order_change_requests".to_owned();
    let aged_for = |who: Caller| if who == Retailer { aged[0] } else { aged[1] };
    writes(
        &m,
        "requestOrderSheetChange",
        FLORIST_ONLY,
        "mutation($i: RequestOrderSheetChangeInput!) { requestOrderSheetChange(input: $i) { id } }",
        |who| {
            let (sheet, line) = aged_for(who);
            json!({"i": {"orderSheetId": sheet, "changes": [{"orderItemId": line, "quantity": 3}]}})
        },
        |_| requests.clone(),
        Change::By(1),
    )
    .await;
    // The second sheet's request, filed by its florist.
    let second = m
        .core
        .gql(
            Some(&m.retailer),
            "mutation($i: RequestOrderSheetChangeInput!) { requestOrderSheetChange(input: $i) { id } }",
            json!({"i": {"orderSheetId": aged[1].0, "cancel": true}}),
        )
        .await;
    let second = data(&second)["requestOrderSheetChange"]["id"].clone();
    let first = m
        .core
        .count(&format!(
            "SELECT id FROM order_change_requests WHERE order_sheet_id = {}",
            aged[0].0
        ))
        .await;
    writes(
        &m,
        "answerOrderSheetChange",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, PERMISSION_DENIED),
            (OtherRetailer, PERMISSION_DENIED),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Refused("NO_CHANGE_REQUEST")),
            (Admin, PERMISSION_DENIED),
        ],
        "mutation($i: AnswerOrderSheetChangeInput!) { answerOrderSheetChange(input: $i) { id } }",
        |who| {
            let id = if who == Employee {
                second.clone()
            } else {
                json!(first)
            };
            json!({"i": {"requestId": id, "accept": false}})
        },
        |_| "SELECT count(*) FROM order_change_requests WHERE status <> 'PENDING'".to_owned(),
        Change::By(1),
    )
    .await;

    // updateOrderCutoffs writes the caller's own company only (owners only:
    // editing.rs::the_owner_sets_the_cut_off_per_weekday covers its callers).
    data(
        &m.core
            .gql(
                Some(&m.owner),
                "mutation { updateOrderCutoffs(input: { days: [{ weekday: 1, cutoff: \"16:40\" }] }) { wholesalerId } }",
                json!({}),
            )
            .await,
    );
    reads(
        &m,
        "orderCutoffs",
        [
            (Anonymous, TOKEN_NEEDED),
            (Retailer, Allowed),
            (OtherRetailer, Allowed),
            (Owner, Allowed),
            (Employee, Allowed),
            (OtherWholesaler, Allowed),
            (Admin, Allowed),
        ],
        "query($w: Int) { orderCutoffs(wholesalerId: $w) { days { cutoff } } }",
        json!({"w": m.owner_id}),
        |d| vec![d["orderCutoffs"]["days"][0]["cutoff"] == "16:40"],
    )
    .await;
}
