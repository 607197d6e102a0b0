//! The ledger (외상 장부) over GraphQL: arithmetic of charges, payments,
//! adjustments and reversals; balances as of a date; concurrency; who may
//! read and write; bad input; the month's tax roll-up and its CSV.
//!
//! Charges are booked with `db::ledger::record`, the function the receipt
//! service books a statement's charge with (its own tests issue real
//! statements); everything else goes through core's API.

use crate::support::{Market, data, error_code, market};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use db::ledger::{NewEntry, TaxSplit};
use serde_json::{Value, json};

const LEDGER: &str = "query($f: LedgerFilterInput!, $p: PaginationInput) {
  ledger(filter: $f, pagination: $p) {
    wholesalerId retailerId from to openingBalance charges payments adjustments closingBalance totalCount
    items { id kind amount balanceAfter entryDate orderSheetId method memo reversesId reversedById recordedById exemptSupply taxableSupply vat }
  } }";

const PAY: &str = "mutation($i: LedgerPaymentInput!) {
  recordLedgerPayment(input: $i) { id kind amount balanceAfter entryDate method memo recordedById } }";

const ADJUST: &str = "mutation($i: LedgerAdjustmentInput!) {
  recordLedgerAdjustment(input: $i) { id kind amount balanceAfter memo } }";

const REVERSE: &str = "mutation($i: ReverseLedgerEntryInput!) {
  reverseLedgerEntry(input: $i) { id kind amount balanceAfter reversesId memo } }";

const ACCOUNTS: &str = "query($o: Boolean) {
  ledgerAccounts(owingOnly: $o) { totalCount items { wholesalerId retailerId counterpartName balance lastPaymentOn daysSincePayment } } }";

fn today() -> NaiveDate {
    domain::time::business_day(Utc::now())
}

/// Books a statement's charge for a real sheet, as the receipt service does.
async fn charge(m: &Market, split: TaxSplit, day: NaiveDate) -> i64 {
    let sheet = m.ordered_sheet(&[(0, 5, "UPPER")]).await;
    let sheet_id = sheet["id"].as_i64().expect("sheet id");
    let entry = NewEntry::charge(m.owner_id, m.retailer_id, sheet_id, split, day);
    let mut conn = m.core.db.pool().get().await.expect("conn");
    db::ledger::record(&mut conn, &entry)
        .await
        .expect("charge booked");
    sheet_id
}

fn exempt(amount: i64) -> TaxSplit {
    TaxSplit {
        exempt_supply: amount,
        ..TaxSplit::default()
    }
}

async fn pay(m: &Market, token: &str, amount: i64, extra: Value) -> Value {
    let mut input = json!({"retailerId": m.retailer_id, "amount": amount, "method": "TRANSFER"});
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    m.core.gql(Some(token), PAY, json!({"i": input})).await
}

async fn ledger_of(m: &Market, token: &str, filter: Value) -> Value {
    m.core.gql(Some(token), LEDGER, json!({"f": filter})).await
}

/// The account's stored balance equals the sum of its entries.
async fn assert_balance_is_the_sum(m: &Market, expected: i64) {
    let stored = m
        .core
        .count(&format!(
            "SELECT balance FROM ledger_accounts WHERE wholesaler_id = {} AND retailer_id = {}",
            m.owner_id, m.retailer_id
        ))
        .await;
    let summed = m
        .core
        .count(&format!(
            "SELECT coalesce(sum(amount), 0)::int8 FROM ledger_entries WHERE wholesaler_id = {} AND retailer_id = {}",
            m.owner_id, m.retailer_id
        ))
        .await;
    assert_eq!((stored, summed), (expected, expected));
}

#[actix_web::test]
async fn charges_payments_adjustments_and_reversals_add_up() {
    let m = market().await;
    let day = today();
    let sheet = charge(&m, exempt(41_000), day).await;

    let paid = pay(&m, &m.owner, 30_000, json!({"memo": "국민은행 이체"})).await;
    let paid = &data(&paid)["recordLedgerPayment"];
    assert_eq!(paid["kind"], "PAYMENT");
    assert_eq!(paid["amount"], -30_000);
    assert_eq!(paid["balanceAfter"], 11_000);
    assert_eq!(paid["method"], "TRANSFER");
    assert_eq!(paid["recordedById"], m.owner_id);

    let adjusted = m
        .core
        .gql(
            Some(&m.employee),
            ADJUST,
            json!({"i": {"retailerId": m.retailer_id, "amount": -1_000, "reason": "시든 꽃 1단 할인"}}),
        )
        .await;
    let adjusted = &data(&adjusted)["recordLedgerAdjustment"];
    assert_eq!(adjusted["balanceAfter"], 10_000);

    // The payment was recorded twice by mistake elsewhere? No: it is undone.
    let reversed = m
        .core
        .gql(
            Some(&m.owner),
            REVERSE,
            json!({"i": {"entryId": paid["id"], "reason": "입금 확인 안 됨"}}),
        )
        .await;
    let reversed = &data(&reversed)["reverseLedgerEntry"];
    assert_eq!(reversed["kind"], "REVERSAL");
    assert_eq!(reversed["amount"], 30_000);
    assert_eq!(reversed["reversesId"], paid["id"]);
    assert_eq!(reversed["balanceAfter"], 40_000);
    assert_balance_is_the_sum(&m, 40_000).await;

    let ledger = ledger_of(&m, &m.owner, json!({"retailerId": m.retailer_id})).await;
    let ledger = &data(&ledger)["ledger"];
    assert_eq!(ledger["openingBalance"], 0);
    assert_eq!(ledger["charges"], 41_000);
    assert_eq!(ledger["payments"], 0, "a reversed payment is no payment");
    assert_eq!(ledger["adjustments"], -1_000);
    assert_eq!(ledger["closingBalance"], 40_000);
    assert_eq!(ledger["totalCount"], 4);
    let items = ledger["items"].as_array().expect("items");
    let kinds: Vec<&str> = items
        .iter()
        .map(|i| i["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["CHARGE", "PAYMENT", "ADJUSTMENT", "REVERSAL"]);
    let running: Vec<i64> = items
        .iter()
        .map(|i| i["balanceAfter"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(running, [41_000, 11_000, 10_000, 40_000]);
    assert_eq!(items[0]["orderSheetId"], sheet);
    assert_eq!(items[0]["exemptSupply"], 41_000);
    assert_eq!(items[1]["reversedById"], reversed["id"]);

    // The florist sees the same ledger, naming the wholesaler.
    let own = ledger_of(&m, &m.retailer, json!({"wholesalerId": m.owner_id})).await;
    assert_eq!(data(&own)["ledger"]["closingBalance"], 40_000);

    // Both sides' account lists.
    let owner_side = m
        .core
        .gql(Some(&m.owner), ACCOUNTS, json!({"o": true}))
        .await;
    let accounts = &data(&owner_side)["ledgerAccounts"];
    assert_eq!(accounts["totalCount"], 1);
    assert_eq!(accounts["items"][0]["counterpartName"], "행복꽃집");
    assert_eq!(accounts["items"][0]["balance"], 40_000);
    let florist_side = m.core.gql(Some(&m.retailer), ACCOUNTS, json!({})).await;
    let accounts = &data(&florist_side)["ledgerAccounts"];
    assert_eq!(accounts["items"][0]["counterpartName"], "그린도매");
    assert_eq!(accounts["items"][0]["wholesalerId"], m.owner_id);
}

#[actix_web::test]
async fn balances_are_answered_as_of_any_date() {
    let m = market().await;
    let today = today();
    let week_ago = today - Duration::days(7);
    let yesterday = today - Duration::days(1);
    charge(&m, exempt(50_000), week_ago).await;
    data(
        &pay(
            &m,
            &m.owner,
            20_000,
            json!({"paidOn": yesterday.to_string()}),
        )
        .await,
    );
    charge(&m, exempt(8_000), today).await;

    let as_of_yesterday = ledger_of(
        &m,
        &m.owner,
        json!({"retailerId": m.retailer_id, "from": week_ago.to_string(), "to": yesterday.to_string()}),
    )
    .await;
    let l = &data(&as_of_yesterday)["ledger"];
    assert_eq!(
        (l["openingBalance"].as_i64(), l["closingBalance"].as_i64()),
        (Some(0), Some(30_000))
    );
    assert_eq!(
        (l["charges"].as_i64(), l["payments"].as_i64()),
        (Some(50_000), Some(20_000))
    );

    let today_only = ledger_of(
        &m,
        &m.owner,
        json!({"retailerId": m.retailer_id, "from": today.to_string(), "to": today.to_string()}),
    )
    .await;
    let l = &data(&today_only)["ledger"];
    assert_eq!(l["openingBalance"], 30_000);
    assert_eq!(l["closingBalance"], 38_000);
    assert_eq!(l["totalCount"], 1);
    assert_eq!(
        l["items"][0]["balanceAfter"], 38_000,
        "running balance starts from the opening"
    );

    // Overdue view: the last payment was yesterday.
    let accounts = m.core.gql(Some(&m.owner), ACCOUNTS, json!({})).await;
    let item = &data(&accounts)["ledgerAccounts"]["items"][0];
    assert_eq!(item["daysSincePayment"], 1);
    assert_eq!(item["lastPaymentOn"], format!("{yesterday}T00:00:00"));
}

#[actix_web::test]
async fn concurrent_entries_keep_the_balance_exact_and_a_key_pays_once() {
    let m = market().await;
    charge(&m, exempt(1_000_000), today()).await;
    let payments = (1..=20).map(|i| {
        pay(
            &m,
            if i % 2 == 0 { &m.owner } else { &m.employee },
            i * 100,
            json!({}),
        )
    });
    for body in futures_util::future::join_all(payments).await {
        data(&body);
    }
    let paid: i64 = (1..=20).map(|i| i * 100).sum();
    assert_balance_is_the_sum(&m, 1_000_000 - paid).await;

    // A double tap: five tries with one key record one payment.
    let tries = (0..5).map(|_| {
        pay(
            &m,
            &m.owner,
            7_000,
            json!({"idempotencyKey": "pay-2026-12-05-1"}),
        )
    });
    let ids: Vec<Value> = futures_util::future::join_all(tries)
        .await
        .iter()
        .map(|b| data(b)["recordLedgerPayment"]["id"].clone())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "one entry: {ids:?}");
    assert_balance_is_the_sum(&m, 1_000_000 - paid - 7_000).await;
    // The same key with another amount is a mistake, not a payment.
    let reused = pay(
        &m,
        &m.owner,
        9_000,
        json!({"idempotencyKey": "pay-2026-12-05-1"}),
    )
    .await;
    assert_eq!(error_code(&reused), "IDEMPOTENCY_KEY_REUSED");

    // Two reversals of one entry race: one wins.
    let target = ids[0].clone();
    let reversals = (0..4).map(|_| {
        m.core.gql(
            Some(&m.owner),
            REVERSE,
            json!({"i": {"entryId": target, "reason": "중복"}}),
        )
    });
    let answers = futures_util::future::join_all(reversals).await;
    let won = answers.iter().filter(|b| b.get("errors").is_none()).count();
    assert_eq!(won, 1, "{answers:?}");
    for lost in answers.iter().filter(|b| b.get("errors").is_some()) {
        assert_eq!(error_code(lost), "LEDGER_ENTRY_NOT_REVERSIBLE");
    }
    assert_balance_is_the_sum(&m, 1_000_000 - paid).await;
}

#[actix_web::test]
async fn who_may_read_and_write_a_ledger() {
    let m = market().await;
    charge(&m, exempt(10_000), today()).await;
    let mine = json!({"wholesalerId": m.owner_id, "retailerId": m.retailer_id});

    // Readers of the pair.
    for token in [&m.owner, &m.employee, &m.retailer, &m.admin] {
        let body = ledger_of(&m, token, mine.clone()).await;
        assert_eq!(data(&body)["ledger"]["closingBalance"], 10_000);
    }
    // Everyone else.
    let other_retailer = ledger_of(&m, &m.other_retailer, mine.clone()).await;
    assert_eq!(error_code(&other_retailer), "PERMISSION_DENIED");
    let other_wholesaler = ledger_of(&m, &m.other_wholesaler, mine.clone()).await;
    assert_eq!(error_code(&other_wholesaler), "PERMISSION_DENIED");
    let pending = ledger_of(&m, &m.pending_employee, mine.clone()).await;
    assert_eq!(error_code(&pending), "NO_WHOLESALE_CONNECTION");
    let anonymous = m.core.gql(None, LEDGER, json!({"f": mine})).await;
    assert_eq!(error_code(&anonymous), "TOKEN_NEEDED");
    // A florist naming itself with another wholesaler sees its own (empty)
    // ledger there, never the other pair.
    let elsewhere = ledger_of(
        &m,
        &m.retailer,
        json!({"wholesalerId": m.other_wholesaler_id}),
    )
    .await;
    assert_eq!(data(&elsewhere)["ledger"]["closingBalance"], 0);

    // Writers: the company's owner and employees only.
    let florist = pay(&m, &m.retailer, 1_000, json!({})).await;
    assert_eq!(error_code(&florist), "PERMISSION_DENIED");
    let admin = pay(&m, &m.admin, 1_000, json!({})).await;
    assert_eq!(error_code(&admin), "PERMISSION_DENIED");
    let stranger = pay(&m, &m.other_wholesaler, 1_000, json!({})).await;
    assert_eq!(error_code(&stranger), "NOT_CONNECTED");
    let anonymous = m
        .core
        .gql(
            None,
            PAY,
            json!({"i": {"retailerId": m.retailer_id, "amount": 1, "method": "CASH"}}),
        )
        .await;
    assert_eq!(error_code(&anonymous), "TOKEN_NEEDED");
    // Another company's entry looks like no entry.
    let entry = m.core.count("SELECT min(id) FROM ledger_entries").await;
    let foreign = m
        .core
        .gql(
            Some(&m.other_wholesaler),
            REVERSE,
            json!({"i": {"entryId": entry, "reason": "x"}}),
        )
        .await;
    assert_eq!(error_code(&foreign), "NO_LEDGER_ENTRY");
    // Operators read one pair at a time; lists are per side.
    let admin_accounts = m.core.gql(Some(&m.admin), ACCOUNTS, json!({})).await;
    assert_eq!(error_code(&admin_accounts), "PERMISSION_DENIED");
    assert_eq!(
        m.core.count("SELECT count(*) FROM ledger_entries").await,
        1,
        "nothing written"
    );
}

#[actix_web::test]
async fn bad_input_is_refused_and_writes_nothing() {
    let m = market().await;
    charge(&m, exempt(10_000), today()).await;
    let tomorrow = (today() + Duration::days(1)).to_string();
    for (amount, extra) in [
        (0, json!({})),
        (-5_000, json!({})),
        (1_000_000_001, json!({})),
        (1_000, json!({"paidOn": tomorrow})),
        (1_000, json!({"paidOn": "2001-01-01"})),
        (1_000, json!({"memo": "x".repeat(201)})),
        (1_000, json!({"memo": "줄\n바꿈"})),
        (1_000, json!({"idempotencyKey": "k".repeat(101)})),
    ] {
        let body = pay(&m, &m.owner, amount, extra.clone()).await;
        assert_eq!(error_code(&body), "INVALID_DATA", "{amount} {extra}");
    }
    let bad_method = m
        .core
        .gql(
            Some(&m.owner),
            PAY,
            json!({"i": {"retailerId": m.retailer_id, "amount": 1, "method": "BITCOIN"}}),
        )
        .await;
    assert!(bad_method.get("errors").is_some(), "{bad_method}");
    let blank_reason = m
        .core
        .gql(
            Some(&m.owner),
            ADJUST,
            json!({"i": {"retailerId": m.retailer_id, "amount": 500, "reason": "  "}}),
        )
        .await;
    assert_eq!(error_code(&blank_reason), "INVALID_DATA");
    let zero = m
        .core
        .gql(
            Some(&m.owner),
            ADJUST,
            json!({"i": {"retailerId": m.retailer_id, "amount": 0, "reason": "x"}}),
        )
        .await;
    assert_eq!(error_code(&zero), "INVALID_DATA");
    let missing = m
        .core
        .gql(
            Some(&m.owner),
            REVERSE,
            json!({"i": {"entryId": 999_999, "reason": "x"}}),
        )
        .await;
    assert_eq!(error_code(&missing), "NO_LEDGER_ENTRY");

    let backwards = ledger_of(
        &m,
        &m.owner,
        json!({"retailerId": m.retailer_id, "from": "2026-12-05", "to": "2026-12-01"}),
    )
    .await;
    assert_eq!(error_code(&backwards), "INVALID_DATA");
    let too_long = ledger_of(
        &m,
        &m.owner,
        json!({"retailerId": m.retailer_id, "from": "2020-01-01", "to": "2026-12-01"}),
    )
    .await;
    assert_eq!(error_code(&too_long), "INVALID_DATA");
    let no_pair = ledger_of(&m, &m.owner, json!({})).await;
    assert_eq!(error_code(&no_pair), "INVALID_DATA");
    assert_eq!(
        m.core.count("SELECT count(*) FROM ledger_entries").await,
        1,
        "nothing written"
    );

    // A reversal is not reversed, and an entry is reversed once.
    let entry = m.core.count("SELECT min(id) FROM ledger_entries").await;
    let first = m
        .core
        .gql(
            Some(&m.owner),
            REVERSE,
            json!({"i": {"entryId": entry, "reason": "취소"}}),
        )
        .await;
    let reversal = data(&first)["reverseLedgerEntry"]["id"].clone();
    for id in [json!(entry), reversal] {
        let again = m
            .core
            .gql(
                Some(&m.owner),
                REVERSE,
                json!({"i": {"entryId": id, "reason": "다시"}}),
            )
            .await;
        assert_eq!(error_code(&again), "LEDGER_ENTRY_NOT_REVERSIBLE");
    }
}

#[actix_web::test]
async fn entries_are_append_only_in_the_database() {
    let m = market().await;
    charge(&m, exempt(10_000), today()).await;
    let mut conn = m.core.db.pool().get().await.expect("conn");
    for statement in [
        "UPDATE ledger_entries SET amount = 1",
        "DELETE FROM ledger_entries",
        "TRUNCATE ledger_entries CASCADE",
    ] {
        let refused =
            diesel_async::RunQueryDsl::execute(diesel::sql_query(statement), &mut conn).await;
        assert!(refused.is_err(), "{statement} must be refused");
    }
    assert_balance_is_the_sum(&m, 10_000).await;
}

#[actix_web::test]
async fn the_month_rolls_up_per_florist_for_its_tax_documents() {
    let m = market().await;
    let today = today();
    let first = today.with_day(1).expect("first");
    let last_month = first - Duration::days(1);
    // This month: an exempt statement, a mixed one, and one reversed.
    charge(&m, exempt(30_000), first).await;
    charge(
        &m,
        TaxSplit {
            exempt_supply: 12_000,
            taxable_supply: 10_000,
            vat: 1_000,
        },
        today,
    )
    .await;
    charge(&m, exempt(5_000), today).await;
    // Last month: not in this month's roll-up.
    charge(&m, exempt(99_000), last_month).await;
    let third = m
        .core
        .count("SELECT max(id) FROM ledger_entries WHERE kind = 'CHARGE' AND amount = 5000")
        .await;
    data(
        &m.core
            .gql(
                Some(&m.owner),
                REVERSE,
                json!({"i": {"entryId": third, "reason": "반품"}}),
            )
            .await,
    );
    // A payment is no sale.
    data(&pay(&m, &m.owner, 10_000, json!({})).await);

    const ROLLUP: &str = "query($m: LocalDate!) { taxRollup(month: $m) { month csv
      items { retailerId retailerName exemptSupply taxableSupply vat total charges exemptDocumentNo taxableDocumentNo } } }";
    let body = m
        .core
        .gql(Some(&m.employee), ROLLUP, json!({"m": today.to_string()}))
        .await;
    let rollup = &data(&body)["taxRollup"];
    assert_eq!(rollup["month"], format!("{first}T00:00:00"));
    let line = &rollup["items"][0];
    assert_eq!(rollup["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(line["retailerName"], "행복꽃집");
    // Hand sums: exempt 30,000 + 12,000 + 5,000 − 5,000; taxable 10,000 + VAT 1,000.
    assert_eq!(line["exemptSupply"], 42_000);
    assert_eq!(line["taxableSupply"], 10_000);
    assert_eq!(line["vat"], 1_000);
    assert_eq!(line["total"], 53_000);
    assert_eq!(line["charges"], 3);

    const NUMBER: &str =
        "mutation($i: TaxDocumentNumberInput!) { recordTaxDocumentNumber(input: $i) { success } }";
    let input = json!({"retailerId": m.retailer_id, "month": today.to_string(), "category": "EXEMPT", "documentNo": "20261205-41000012-abc"});
    data(
        &m.core
            .gql(Some(&m.owner), NUMBER, json!({"i": input}))
            .await,
    );
    let body = m
        .core
        .gql(Some(&m.owner), ROLLUP, json!({"m": first.to_string()}))
        .await;
    let rollup = &data(&body)["taxRollup"];
    assert_eq!(
        rollup["items"][0]["exemptDocumentNo"],
        "20261205-41000012-abc"
    );
    let csv = rollup["csv"].as_str().expect("csv");
    assert!(csv.starts_with('\u{feff}'), "BOM for spreadsheets");
    let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        rows[1],
        format!(
            "{},{},행복꽃집,,,,42000,10000,1000,53000,3,20261205-41000012-abc,",
            first.format("%Y-%m"),
            m.retailer_id
        )
    );

    // Refusals: a florist, an unbilled month, a malformed number.
    let florist = m
        .core
        .gql(Some(&m.retailer), ROLLUP, json!({"m": today.to_string()}))
        .await;
    assert_eq!(error_code(&florist), "PERMISSION_DENIED");
    let unbilled = json!({"retailerId": m.retailer_id, "month": "2025-01-01", "category": "TAXABLE", "documentNo": "1"});
    assert_eq!(
        error_code(
            &m.core
                .gql(Some(&m.owner), NUMBER, json!({"i": unbilled}))
                .await
        ),
        "INVALID_DATA"
    );
    let malformed = json!({"retailerId": m.retailer_id, "month": today.to_string(), "category": "TAXABLE", "documentNo": "=1+1"});
    assert_eq!(
        error_code(
            &m.core
                .gql(Some(&m.owner), NUMBER, json!({"i": malformed}))
                .await
        ),
        "INVALID_DATA"
    );
    // Another wholesaler's month is its own (empty).
    let other = m
        .core
        .gql(
            Some(&m.other_wholesaler),
            ROLLUP,
            json!({"m": today.to_string()}),
        )
        .await;
    assert_eq!(data(&other)["taxRollup"]["items"], json!([]));
}
