//! The receipt service's configuration, from the environment (documented in
//! `.env.example`).

use crate::stamp::StampSettings;
use crate::storage::StorageConfig;
use platform::config::{ConfigError, Env};
use platform::server::CommonConfig;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_PORT: u16 = 8081;
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts/truetype/nanum";

#[derive(Debug, Clone)]
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

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let common = CommonConfig::from_env(env, "RECEIPT_PORT", DEFAULT_PORT)?;
        let trimmed = |v: String| v.trim_end_matches('/').to_owned();
        Ok(Config {
            storage: storage_from_env(env)?,
            font_dir: PathBuf::from(env.string("RECEIPT_FONT_DIR", DEFAULT_FONT_DIR)),
            public_base_url: trimmed(env.string("RECEIPT_PUBLIC_BASE_URL", &common.peers.receipt)),
            app_base_url: trimmed(env.string("APP_BASE_URL", "https://marketbill.co.kr")),
            stamp: StampSettings {
                timeout: Duration::from_millis(env.parse("RECEIPT_STAMP_TIMEOUT_MS", 3_000)?),
                max_bytes: env.parse("RECEIPT_STAMP_MAX_BYTES", 1024 * 1024)?,
                allow_private_hosts: env.flag("RECEIPT_STAMP_ALLOW_PRIVATE_HOSTS", false)?,
            },
            notify_timeout: Duration::from_millis(env.parse("RECEIPT_NOTIFY_TIMEOUT_MS", 3_000)?),
            common,
        })
    }
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
