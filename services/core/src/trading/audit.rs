//! The audit events core's writers record (`db::audit`), built from the rows
//! they change: only the fields that changed, named as the API names them.
//! A sheet's memo, names and phone numbers stay out: the timeline says what
//! changed in the trade, not what people wrote to each other.

use db::audit::{Action, NewEvent, Subject, changed};
use db::connections::BizConnectionRow;
use db::cutoffs::ChangeRequestRow;
use db::daily_items::PricedLine;
use db::orders::{CustomOrderItemRow, OrderItemRow, OrderSheetRow};
use serde_json::{Value, json};

fn on_sheet(sheet: &OrderSheetRow, subject: Subject, subject_id: i64, action: Action) -> NewEvent {
    NewEvent {
        wholesaler_id: sheet.wholesaler_id,
        retailer_id: sheet.retailer_id,
        order_sheet_id: Some(sheet.id),
        subject,
        subject_id,
        action,
        actor_id: None,
        before: None,
        after: None,
    }
}

fn line(item: &OrderItemRow) -> Value {
    json!({
        "id": item.id,
        "flowerId": item.flower_id,
        "grade": item.grade,
        "quantity": item.quantity,
        "price": item.price,
    })
}

/// A sheet ordered from a cart; `actor` None for the nightly batch.
pub fn sheet_placed(sheet: &OrderSheetRow, items: &[OrderItemRow], actor: Option<i64>) -> NewEvent {
    NewEvent {
        actor_id: actor,
        after: Some(json!({
            "orderNo": sheet.order_no,
            "orderItems": items.iter().map(line).collect::<Vec<_>>(),
        })),
        ..on_sheet(sheet, Subject::OrderSheet, sheet.id, Action::Placed)
    }
}

pub fn sheet_deleted(sheet: &OrderSheetRow, actor: i64) -> NewEvent {
    NewEvent {
        actor_id: Some(actor),
        before: Some(json!({ "orderNo": sheet.order_no })),
        ..on_sheet(sheet, Subject::OrderSheet, sheet.id, Action::Deleted)
    }
}

/// A sheet its florist cancelled before the cut-off.
pub fn sheet_cancelled(sheet: &OrderSheetRow, actor: i64) -> NewEvent {
    NewEvent {
        actor_id: Some(actor),
        before: Some(json!({ "orderNo": sheet.order_no })),
        ..on_sheet(sheet, Subject::OrderSheet, sheet.id, Action::Cancelled)
    }
}

fn on_item(item: &OrderItemRow, action: Action, actor: i64) -> NewEvent {
    NewEvent {
        wholesaler_id: item.wholesaler_id,
        retailer_id: item.retailer_id,
        order_sheet_id: Some(item.order_sheet_id),
        subject: Subject::OrderItem,
        subject_id: item.id,
        action,
        actor_id: Some(actor),
        before: None,
        after: None,
    }
}

/// A line's quantity, grade or price changed by an edit (the memo is the
/// florist's note and stays out); None when none of them did.
pub fn line_edited(before: &OrderItemRow, after: &OrderItemRow, actor: i64) -> Option<NewEvent> {
    let (old, new) = changed(vec![
        ("quantity", json!(before.quantity), json!(after.quantity)),
        ("grade", json!(before.grade), json!(after.grade)),
        ("price", json!(before.price), json!(after.price)),
    ])?;
    Some(NewEvent {
        before: Some(old),
        after: Some(new),
        ..on_item(before, Action::Updated, actor)
    })
}

pub fn line_added(item: &OrderItemRow, actor: i64) -> NewEvent {
    NewEvent {
        after: Some(line(item)),
        ..on_item(item, Action::Added, actor)
    }
}

pub fn line_removed(item: &OrderItemRow, actor: i64) -> NewEvent {
    NewEvent {
        before: Some(line(item)),
        ..on_item(item, Action::Deleted, actor)
    }
}

fn on_request(request: &ChangeRequestRow, action: Action, actor: i64) -> NewEvent {
    NewEvent {
        wholesaler_id: request.wholesaler_id,
        retailer_id: request.retailer_id,
        order_sheet_id: Some(request.order_sheet_id),
        subject: Subject::ChangeRequest,
        subject_id: request.id,
        action,
        actor_id: Some(actor),
        before: None,
        after: None,
    }
}

/// A change request filed: what it asks, without the memos and message
/// (what people write to each other stays out of the timeline).
pub fn change_requested(request: &ChangeRequestRow, actor: i64) -> NewEvent {
    let mut asked = request.changes.clone();
    for list in ["changes", "additions"] {
        if let Some(Value::Array(lines)) = asked.get_mut(list) {
            for line in lines.iter_mut().filter_map(Value::as_object_mut) {
                line.remove("memo");
            }
        }
    }
    NewEvent {
        after: Some(asked),
        ..on_request(request, Action::Requested, actor)
    }
}

/// A change request answered (`answered` as it is now); the lines an
/// accepted request changed have their own events.
pub fn change_answered(answered: &ChangeRequestRow, actor: i64) -> NewEvent {
    let action = if answered.status == "ACCEPTED" {
        Action::Accepted
    } else {
        Action::Declined
    };
    NewEvent {
        before: Some(json!({ "status": "PENDING" })),
        after: Some(json!({ "status": answered.status })),
        ..on_request(answered, action, actor)
    }
}

/// A line's price as it was and is; None when it did not change.
pub fn item_priced(
    before: &OrderItemRow,
    after: Option<i32>,
    actor: Option<i64>,
) -> Option<NewEvent> {
    let (old, new) = changed(vec![("price", json!(before.price), json!(after))])?;
    Some(NewEvent {
        wholesaler_id: before.wholesaler_id,
        retailer_id: before.retailer_id,
        order_sheet_id: Some(before.order_sheet_id),
        subject: Subject::OrderItem,
        subject_id: before.id,
        action: Action::Priced,
        actor_id: actor,
        before: Some(old),
        after: Some(new),
    })
}

/// A line the day's bulk price reached (only lines whose price changed).
pub fn line_bulk_priced(line: &PricedLine, actor: i64) -> NewEvent {
    NewEvent {
        wholesaler_id: line.wholesaler_id,
        retailer_id: line.retailer_id,
        order_sheet_id: Some(line.order_sheet_id),
        subject: Subject::OrderItem,
        subject_id: line.id,
        action: Action::Priced,
        actor_id: Some(actor),
        before: Some(json!({ "price": line.before })),
        after: Some(json!({ "price": line.after })),
    }
}

fn custom_fields(row: Option<&CustomOrderItemRow>) -> [(&'static str, Value); 5] {
    [
        ("flowerName", json!(row.and_then(|r| r.flower_name.clone()))),
        (
            "flowerTypeName",
            json!(row.and_then(|r| r.flower_type_name.clone())),
        ),
        ("grade", json!(row.and_then(|r| r.grade.clone()))),
        ("quantity", json!(row.and_then(|r| r.quantity))),
        ("price", json!(row.and_then(|r| r.price))),
    ]
}

/// A custom line written (`before` None: added); None when nothing changed.
pub fn custom_line_saved(
    sheet: &OrderSheetRow,
    before: Option<&CustomOrderItemRow>,
    after: &CustomOrderItemRow,
    actor: i64,
) -> Option<NewEvent> {
    let fields = custom_fields(before)
        .into_iter()
        .zip(custom_fields(Some(after)))
        .map(|((name, old), (_, new))| (name, old, new))
        .collect();
    let (old, new) = changed(fields)?;
    let action = if before.is_some() {
        Action::Updated
    } else {
        Action::Added
    };
    Some(NewEvent {
        actor_id: Some(actor),
        before: before.map(|_| old),
        after: Some(new),
        ..on_sheet(sheet, Subject::CustomOrderItem, after.id, action)
    })
}

pub fn custom_line_deleted(row: &CustomOrderItemRow, actor: i64) -> NewEvent {
    let before: serde_json::Map<String, Value> = custom_fields(Some(row))
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    NewEvent {
        wholesaler_id: row.wholesaler_id,
        retailer_id: row.retailer_id,
        order_sheet_id: Some(row.order_sheet_id),
        subject: Subject::CustomOrderItem,
        subject_id: row.id,
        action: Action::Deleted,
        actor_id: Some(actor),
        before: Some(Value::Object(before)),
        after: None,
    }
}

/// A trading-partner link applied for, answered or removed: its status as
/// it was (None: a new application) and is (None: removed).
pub fn link_changed(
    link: &BizConnectionRow,
    action: Action,
    before: Option<&str>,
    after: Option<&str>,
    actor: i64,
) -> NewEvent {
    let status = |s: Option<&str>| s.map(|s| json!({ "applyStatus": s }));
    NewEvent {
        wholesaler_id: link.wholesaler_id,
        retailer_id: link.retailer_id,
        order_sheet_id: None,
        subject: Subject::BizConnection,
        subject_id: link.id,
        action,
        actor_id: Some(actor),
        before: status(before),
        after: status(after),
    }
}
