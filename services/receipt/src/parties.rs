//! The two parties a statement names: the wholesaler as supplier (its
//! business info, required) and the florist as buyer (business details when
//! registered), with the supplier's seal stamp.

use crate::error::ReceiptError;
use crate::issue::StampSource;
use crate::statement::{Buyer, BuyerBusiness, Supplier};
use diesel_async::AsyncPgConnection;
use domain::ErrorCode;

pub struct Parties {
    pub supplier: Supplier,
    pub buyer: Buyer,
    pub stamp: StampSource,
    pub wholesaler_name: String,
}

/// Reads both parties; a wholesaler with no business info cannot issue
/// (`NO_BUSINESS_INFO`).
pub async fn load(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
    wholesaler_id: i64,
) -> Result<Parties, ReceiptError> {
    let ids = [retailer_id, wholesaler_id];
    let infos = db::business_infos::live_by_user_ids(conn, &ids).await?;
    let Some(info) = infos.iter().find(|i| i.user_id == wholesaler_id) else {
        return Err(ReceiptError::code(ErrorCode::NoBusinessInfo));
    };
    let users = db::users::live_users_by_ids(conn, &ids).await?;
    let name_of = |id: i64| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| "-".to_owned(), |u| u.name.clone())
    };
    let buyer = Buyer {
        name: name_of(retailer_id),
        business: infos
            .iter()
            .find(|i| i.user_id == retailer_id)
            .map(|i| BuyerBusiness {
                business_no: i.business_no.clone(),
                company_name: i.company_name.clone(),
                employer_name: i.employer_name.clone(),
                address: i.address.clone(),
                main_category: i.business_main_category.clone(),
                sub_category: i.business_sub_category.clone(),
            }),
    };
    let supplier = Supplier {
        business_no: info.business_no.clone(),
        company_name: info.company_name.clone(),
        employer_name: info.employer_name.clone(),
        address: info.address.clone(),
        phone: info.company_phone_no.clone(),
        main_category: info.business_main_category.clone(),
        sub_category: info.business_sub_category.clone(),
        bank_account: info.bank_account.clone(),
    };
    Ok(Parties {
        supplier,
        buyer,
        stamp: StampSource::Supplier {
            user_id: wholesaler_id,
            url: info.seal_stamp_img_url.clone(),
        },
        wholesaler_name: name_of(wholesaler_id),
    })
}
