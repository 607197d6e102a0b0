//! `BusinessInfo`: the company details a statement prints, and `upsertBusinessInfo`.

use crate::accounts::admin;
use crate::graphql::context::Context;
use crate::graphql::error::{GqlResult, required};
use crate::graphql::ids::{gql_id, id64};
use crate::graphql::scalars::LocalDate;
use db::business_infos::BusinessInfoRow;
use juniper::{GraphQLInputObject, graphql_object};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct CreateBusinessInfoInput {
    pub user_id: i32,
    /// 회사명
    pub company_name: String,
    /// 회사번호
    pub company_phone_no: String,
    /// 대표자명
    pub employer_name: String,
    /// 회사주소
    pub address: String,
    /// 사업자번호
    pub business_no: String,
    /// 업태
    pub business_main_category: String,
    /// 종목
    pub business_sub_category: String,
    /// 인감도장
    pub seal_stamp_img_url: String,
    /// 계좌
    pub bank_account: String,
}

#[derive(Clone)]
pub struct BusinessInfo(pub BusinessInfoRow);

#[graphql_object(context = Context)]
impl BusinessInfo {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }
    fn company_name(&self) -> &str {
        &self.0.company_name
    }
    fn company_phone_no(&self) -> &str {
        &self.0.company_phone_no
    }
    /// 대표자명
    fn employer_name(&self) -> &str {
        &self.0.employer_name
    }
    fn address(&self) -> &str {
        &self.0.address
    }
    /// 사업자번호
    fn business_no(&self) -> &str {
        &self.0.business_no
    }
    /// 업태
    fn business_main_category(&self) -> &str {
        &self.0.business_main_category
    }
    /// 종목
    fn business_sub_category(&self) -> &str {
        &self.0.business_sub_category
    }
    /// 인감도장
    fn seal_stamp_img_url(&self) -> &str {
        &self.0.seal_stamp_img_url
    }
    /// 계좌(양식 = '<은행> <계좌번호> <예금주>')
    fn bank_account(&self) -> &str {
        &self.0.bank_account
    }
    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.created_at)
    }
    fn deleted_at(&self) -> Option<LocalDate> {
        self.0.deleted_at.map(LocalDate::from_utc)
    }
    fn updated_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.updated_at)
    }
}

/// `upsertBusinessInfo`: the caller's own, or anyone's for an admin.
pub async fn upsert_business_info(
    ctx: &Context,
    input: Option<CreateBusinessInfoInput>,
) -> GqlResult<BusinessInfo> {
    let viewer = ctx.require_viewer()?;
    let i = required(input, "input")?;
    let fields = admin::BusinessInfoInput {
        company_name: i.company_name,
        company_phone_no: i.company_phone_no,
        employer_name: i.employer_name,
        address: i.address,
        business_no: i.business_no,
        business_main_category: i.business_main_category,
        business_sub_category: i.business_sub_category,
        seal_stamp_img_url: i.seal_stamp_img_url,
        bank_account: i.bank_account,
    };
    let row = admin::upsert_business_info(
        &ctx.pool,
        &ctx.peers.receipt,
        viewer,
        id64(i.user_id),
        fields,
    )
    .await?;
    Ok(BusinessInfo(row))
}
