//! Who is asking, as the HTTP token filter established it.

use crate::app::error::{Error, Result};
use domain::{ErrorCode, Role, UserId};
use platform::auth::Claims;

/// A signed-in caller, with the role from the database (not from the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: UserId,
    pub role: Role,
    /// The session the access token belongs to (None for tokens minted
    /// outside a sign-in, e.g. by fixtures).
    pub session: Option<uuid::Uuid>,
}

impl Viewer {
    /// The viewer if its role is among `allowed`, else `PERMISSION_DENIED`.
    pub fn require_role(self, allowed: &[Role]) -> Result<Viewer> {
        if allowed.contains(&self.role) {
            Ok(self)
        } else {
            Err(Error::new(ErrorCode::PermissionDenied))
        }
    }
}

/// What the Authorization header carried, once the HTTP filter accepted it.
#[derive(Debug, Clone)]
pub enum Presented {
    None,
    Access(Viewer),
    /// A refresh token: only `reissueToken` and `signOut` accept it.
    Refresh {
        claims: Claims,
        raw: String,
    },
}

impl Presented {
    pub fn viewer(&self) -> Option<Viewer> {
        match self {
            Presented::Access(viewer) => Some(*viewer),
            _ => None,
        }
    }
}
