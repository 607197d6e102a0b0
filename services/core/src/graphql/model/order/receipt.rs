//! `OrderSheetReceipt`: an issued transaction statement, and issuing one.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::{gql_id, id64};
use crate::graphql::model::WHOLESALER;
use crate::graphql::model::order::OrderSheet;
use crate::graphql::model::order::sheet::load_sheet;
use crate::graphql::scalars::LocalDate;
use crate::trading::receipts;
use db::orders::SheetReceiptRow;
use juniper::graphql_object;

#[derive(Clone)]
pub struct OrderSheetReceipt(pub SheetReceiptRow);

#[graphql_object(context = Context)]
impl OrderSheetReceipt {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn order_sheet(&self, ctx: &Context) -> GqlResult<OrderSheet> {
        load_sheet(ctx, self.0.order_sheet_id).await
    }

    fn file_name(&self) -> &str {
        &self.0.file_name
    }

    fn file_path(&self) -> &str {
        &self.0.file_path
    }

    fn file_format(&self) -> &str {
        &self.0.file_format
    }

    fn metadata(&self) -> &str {
        &self.0.metadata
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.created_at)
    }

    fn updated_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.updated_at)
    }

    fn deleted_at(&self) -> Option<LocalDate> {
        self.0.deleted_at.map(LocalDate::from_utc)
    }
}

pub async fn issue_receipt(ctx: &Context, sheet_id: i32) -> GqlResult<OrderSheetReceipt> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = receipts::issue(
        &ctx.pool,
        &ctx.peers.receipt,
        &ctx.settings.app_base_url,
        &ctx.wakeup,
        viewer,
        id64(sheet_id),
    )
    .await?;
    Ok(OrderSheetReceipt(row))
}
