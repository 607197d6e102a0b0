//! The original's "[관리자]" mutations, now protected: an admin may act on
//! anyone; a user only on itself.

use crate::accounts::passwords::HashingBound;
use crate::accounts::{passwords, sessions};
use crate::app::{Error, Result, Viewer};
use crate::trading::audit;
use chrono::Utc;
use db::DbPool;
use db::audit::Action;
use db::business_infos::{BusinessInfoFields, BusinessInfoRow};
use domain::{BusinessNo, ErrorCode, HttpUrl, NewPassword, NonBlank, Role};
use platform::api::receipt::ReceiptClient;

fn require_self_or_admin(viewer: Viewer, user_id: i64) -> Result<()> {
    if viewer.role == Role::Admin || viewer.user_id.get() == user_id {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::PermissionDenied))
    }
}

pub async fn remove_user(pool: &DbPool, viewer: Viewer, user_id: i64) -> Result<()> {
    if viewer.role != Role::Admin {
        return Err(Error::new(ErrorCode::PermissionDenied));
    }
    let mut conn = crate::app::conn(pool).await?;
    let removed = diesel_async::AsyncConnection::transaction(&mut *conn, async |conn| {
        // The trading-partner links removed with the account go on the timeline.
        let links = db::connections::live_of_user(conn, user_id).await?;
        let removed = db::users::soft_delete_user(conn, user_id, Utc::now()).await?;
        if removed > 0 {
            let events: Vec<_> = links
                .iter()
                .map(|link| {
                    let before = Some(link.apply_status.as_str());
                    audit::link_changed(link, Action::Removed, before, None, viewer.user_id.get())
                })
                .collect();
            db::audit::record_all(conn, &events).await?;
        }
        Ok::<_, diesel::result::Error>(removed)
    })
    .await?;
    if removed == 0 {
        return Err(Error::with_message(
            ErrorCode::NoUser,
            "There's no user data want to delete",
        ));
    }
    Ok(())
}

pub struct BusinessInfoInput {
    pub company_name: String,
    pub company_phone_no: String,
    pub employer_name: String,
    pub address: String,
    pub business_no: String,
    pub business_main_category: String,
    pub business_sub_category: String,
    pub seal_stamp_img_url: String,
    pub bank_account: String,
}

pub async fn upsert_business_info(
    pool: &DbPool,
    receipts: &ReceiptClient,
    viewer: Viewer,
    user_id: i64,
    input: BusinessInfoInput,
) -> Result<BusinessInfoRow> {
    require_self_or_admin(viewer, user_id)?;
    let text = |field: &'static str, value: &str| {
        NonBlank::parse(field, value, 255).map(NonBlank::into_string)
    };
    let seal = HttpUrl::parse("sealStampImgUrl", &input.seal_stamp_img_url, 255).map_err(|_| {
        Error::with_message(
            ErrorCode::InvalidFormat,
            "Invalid seal stamp img url. Please check url format.",
        )
    })?;
    let fields = BusinessInfoFields {
        company_name: text("companyName", &input.company_name)?,
        company_phone_no: text("companyPhoneNo", &input.company_phone_no)?,
        employer_name: text("employerName", &input.employer_name)?,
        address: text("address", &input.address)?,
        business_no: BusinessNo::parse(&input.business_no)?.formatted(),
        business_main_category: text("businessMainCategory", &input.business_main_category)?,
        business_sub_category: text("businessSubCategory", &input.business_sub_category)?,
        seal_stamp_img_url: seal.as_str().to_owned(),
        bank_account: text("bankAccount", &input.bank_account)?,
    };
    let mut conn = crate::app::conn(pool).await?;
    if db::users::live_account_by_id(&mut conn, user_id)
        .await?
        .is_none()
    {
        return Err(Error::with_message(
            ErrorCode::NoUser,
            format!("There's no user whose ID is {user_id}"),
        ));
    }
    let saved = db::business_infos::upsert(&mut conn, user_id, &fields).await?;
    fetch_seal_stamp(receipts, user_id);
    Ok(saved)
}

/// The receipt service fetches, checks and keeps the stamp now, in the
/// background: saving business info does not wait for another server, and a
/// stamp it could not fetch is fetched again when a statement needs it.
fn fetch_seal_stamp(receipts: &ReceiptClient, user_id: i64) {
    let receipt = receipts.clone();
    tokio::spawn(async move {
        if let Err(e) = receipt.refresh_seal_stamp(user_id).await {
            tracing::warn!(user_id, error = %e, "seal stamp not fetched after the business info changed");
        }
    });
}

/// Sets a password and ends every other session of the account: one the
/// user changed for itself keeps the session that changed it; one an
/// operator changed keeps none.
pub async fn update_password(
    pool: &DbPool,
    hashing: HashingBound,
    viewer: Viewer,
    user_id: i64,
    phone_no: &str,
    password: &str,
) -> Result<()> {
    require_self_or_admin(viewer, user_id)?;
    let password = NewPassword::parse(password)?;
    let credential_id = {
        let mut conn = crate::app::conn(pool).await?;
        let (_, credential) = db::users::live_account_by_id(&mut conn, user_id)
            .await?
            .ok_or_else(|| {
                Error::with_message(
                    ErrorCode::NoUser,
                    format!("There's no user whose ID is {user_id}"),
                )
            })?;
        let typed = domain::PhoneNumber::parse(phone_no)
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|_| phone_no.to_owned());
        if credential.phone_no != typed && credential.phone_no != phone_no {
            return Err(Error::with_message(
                ErrorCode::InvalidData,
                "Phone Number(by DB) and Phone Number(by input) is not matched. Please check your phone number again.",
            ));
        }
        credential.id
    };
    // No connection is held while hashing.
    let hash = passwords::hash(hashing, password.expose().to_owned())
        .await
        .map_err(crate::accounts::hashing_failed)?;
    let keep = (viewer.user_id.get() == user_id)
        .then_some(viewer.session)
        .flatten();
    let mut conn = crate::app::conn(pool).await?;
    diesel_async::AsyncConnection::transaction(&mut *conn, async |conn| {
        db::users::set_password_hash(conn, credential_id, &hash).await?;
        sessions::end_others(conn, user_id, keep).await?;
        Ok(())
    })
    .await
}
