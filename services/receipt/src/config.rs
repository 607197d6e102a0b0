//! The receipt service's configuration, from the environment (documented in
//! `.env.example`).

use crate::stamp::image::DEFAULT_MAX_SIDE;
use crate::stamp::{Network, StampSettings};
use crate::storage::StorageConfig;
use platform::config::{ConfigError, Env};
use platform::server::CommonConfig;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_PORT: u16 = 8081;
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts/truetype/nanum";

#[derive(Clone)]
pub struct Config {
    pub common: CommonConfig,
    pub storage: StorageConfig,
    /// Directory holding NanumGothic.ttf and NanumGothicBold.ttf.
    pub font_dir: PathBuf,
    /// Base of the `filePath` URLs handed to clients (this service's public address).
    pub public_base_url: String,
    /// Base of the sign-in link in the receipt-issued SMS.
    pub app_base_url: String,
    pub stamp: StampSettings,
    /// How long a receipt-issued SMS request may take before it is given up.
    pub notify_timeout: Duration,
}

/// Written out by hand so that no credential shows: the service token and
/// static S3 keys are left out, the database password is masked.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("http", &self.common.http)
            .field("database", &self.common.database)
            .field("peers", &self.common.peers)
            .field("workers", &self.common.workers)
            .field("storage", &self.storage)
            .field("font_dir", &self.font_dir)
            .field("public_base_url", &self.public_base_url)
            .field("app_base_url", &self.app_base_url)
            .field("stamp", &self.stamp)
            .field("notify_timeout", &self.notify_timeout)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let common = CommonConfig::from_env(env, "RECEIPT_PORT", DEFAULT_PORT)?;
        let trimmed = |v: String| v.trim_end_matches('/').to_owned();
        Ok(Config {
            storage: storage_from_env(env)?,
            font_dir: PathBuf::from(env.string("RECEIPT_FONT_DIR", DEFAULT_FONT_DIR)),
            public_base_url: trimmed(env.string("RECEIPT_PUBLIC_BASE_URL", &common.peers.receipt)),
            app_base_url: trimmed(env.string("APP_BASE_URL", "https://marketbill.co.kr")),
            stamp: stamp_from_env(env)?,
            notify_timeout: Duration::from_millis(env.parse("RECEIPT_NOTIFY_TIMEOUT_MS", 3_000)?),
            common,
        })
    }
}

fn stamp_from_env(env: &Env) -> Result<StampSettings, ConfigError> {
    // The old switch opened every private range at once; refuse it rather
    // than silently ignore it.
    if env.get("RECEIPT_STAMP_ALLOW_PRIVATE_HOSTS").is_some() {
        return Err(ConfigError::Invalid {
            name: "RECEIPT_STAMP_ALLOW_PRIVATE_HOSTS",
            reason: "replaced by RECEIPT_STAMP_ALLOWED_NETWORKS (CIDR list)".to_owned(),
        });
    }
    let allowed_networks = env
        .get("RECEIPT_STAMP_ALLOWED_NETWORKS")
        .unwrap_or_default()
        .split(',')
        .filter(|entry| !entry.trim().is_empty())
        .map(Network::parse)
        .collect::<Result<Vec<_>, String>>()
        .map_err(|reason| ConfigError::Invalid {
            name: "RECEIPT_STAMP_ALLOWED_NETWORKS",
            reason,
        })?;
    Ok(StampSettings {
        timeout: Duration::from_millis(env.parse("RECEIPT_STAMP_TIMEOUT_MS", 3_000)?),
        max_bytes: env.parse("RECEIPT_STAMP_MAX_BYTES", 1024 * 1024)?,
        max_side: env.parse("RECEIPT_STAMP_MAX_SIDE_PX", DEFAULT_MAX_SIDE)?,
        allowed_networks,
    })
}

fn storage_from_env(env: &Env) -> Result<StorageConfig, ConfigError> {
    match env.string("RECEIPT_STORAGE", "local").trim() {
        "local" => Ok(StorageConfig::Local {
            dir: PathBuf::from(env.string("RECEIPT_LOCAL_DIR", "var/receipts")),
        }),
        "s3" => {
            let credentials = match (
                env.get("AWS_ACCESS_KEY_ID"),
                env.get("AWS_SECRET_ACCESS_KEY"),
            ) {
                (Some(key), Some(secret)) => Some((key, secret)),
                _ => None,
            };
            Ok(StorageConfig::S3 {
                bucket: env.required(
                    "RECEIPT_S3_BUCKET",
                    "name the bucket statements are stored in",
                )?,
                endpoint: env.get("RECEIPT_S3_ENDPOINT"),
                region: env.string("AWS_REGION", "ap-northeast-2"),
                path_style: env.flag("RECEIPT_S3_PATH_STYLE", false)?,
                credentials,
            })
        }
        other => Err(ConfigError::Invalid {
            name: "RECEIPT_STORAGE",
            reason: format!("expected `local` or `s3`, got `{other}`"),
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn debug_output_shows_no_credential() {
        let env = Env::from_pairs([
            ("JWT_PUBLIC_KEY", "k"),
            ("SERVICE_TOKEN", "service-token-5521"),
            ("DATABASE_URL", "postgres://app:db-password-4417@db:5432/mb"),
            ("RECEIPT_STORAGE", "s3"),
            ("RECEIPT_S3_BUCKET", "statements"),
            ("AWS_ACCESS_KEY_ID", "AKIA-KEY-ID-7781"),
            ("AWS_SECRET_ACCESS_KEY", "aws-secret-6613"),
        ]);
        let config = Config::from_env(&env).unwrap();
        let shown = format!("{config:?} {config:#?}");
        for secret in [
            "service-token-5521",
            "db-password-4417",
            "AKIA-KEY-ID-7781",
            "aws-secret-6613",
        ] {
            assert!(!shown.contains(secret), "{secret} shows in {shown}");
        }
        assert!(shown.contains("statements"), "{shown}");
    }

    #[test]
    fn stamp_networks_are_parsed_and_the_old_switch_is_refused() {
        let base = [("JWT_PUBLIC_KEY", "k"), ("SERVICE_TOKEN", "s")];
        let config = Config::from_env(&Env::from_pairs(base)).unwrap();
        assert!(config.stamp.allowed_networks.is_empty());
        assert_eq!(config.stamp.max_side, DEFAULT_MAX_SIDE);
        let mut pairs = base.to_vec();
        pairs.push((
            "RECEIPT_STAMP_ALLOWED_NETWORKS",
            "127.0.0.1/32, 10.8.0.0/16",
        ));
        let config = Config::from_env(&Env::from_pairs(pairs)).unwrap();
        assert_eq!(config.stamp.allowed_networks.len(), 2);
        let mut pairs = base.to_vec();
        pairs.push(("RECEIPT_STAMP_ALLOWED_NETWORKS", "intranet"));
        assert!(Config::from_env(&Env::from_pairs(pairs)).is_err());
        let mut pairs = base.to_vec();
        pairs.push(("RECEIPT_STAMP_ALLOW_PRIVATE_HOSTS", "true"));
        let err = Config::from_env(&Env::from_pairs(pairs)).unwrap_err();
        assert!(err.to_string().contains("RECEIPT_STAMP_ALLOWED_NETWORKS"));
    }
}
