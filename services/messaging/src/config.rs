//! The messaging service's configuration, from the environment (documented in
//! `.env.example`). Everything has a working default except the SENS keys,
//! which are required only when `SMS_PROVIDER=sens`.

use crate::provider::SensConfig;
use crate::template::Template;
use domain::PhoneNumber;
use platform::config::{ConfigError, Env};
use platform::server::CommonConfig;
use std::time::Duration;

pub const DEFAULT_PORT: u16 = 8082;

#[derive(Debug, Clone)]
pub enum ProviderConfig {
    Record,
    Sens(SensConfig),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `/v1/verifications` codes to one phone per hour (sends through
    /// `/v1/sms` have their own bucket, see `per_recipient`).
    pub verifications_per_phone: u32,
    /// Verification codes requested from one client address per hour.
    pub verifications_per_ip: u32,
    /// Verification codes requested by all clients together per hour.
    pub verifications_total: u32,
    /// Wrong guesses allowed per code.
    pub max_code_attempts: i32,
    pub code_ttl: Duration,
    /// `/v1/sms` sends of each template to one recipient per hour.
    pub per_recipient: PerRecipient,
}

/// One hourly per-recipient limit for each template, in `Template::ALL` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerRecipient([u32; Template::ALL.len()]);

impl PerRecipient {
    pub fn of(&self, template: Template) -> u32 {
        let index = Template::ALL.iter().position(|t| *t == template);
        index.map_or(0, |i| self.0[i])
    }

    /// `SMS_PER_RECIPIENT_PER_HOUR` for every template, unless the
    /// template's own variable says otherwise. Verification codes default
    /// lower: a stranger's number is all it takes to ask for one through core.
    fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let all = env.parse("SMS_PER_RECIPIENT_PER_HOUR", 30)?;
        let mut limits = [all; Template::ALL.len()];
        for (slot, template) in limits.iter_mut().zip(Template::ALL) {
            let default = if template == Template::Verification {
                5
            } else {
                all
            };
            *slot = env.parse(per_recipient_var(template), default)?;
        }
        Ok(PerRecipient(limits))
    }
}

/// The variable that overrides one template's per-recipient limit.
pub fn per_recipient_var(template: Template) -> &'static str {
    match template {
        Template::Default => "SMS_PER_RECIPIENT_PER_HOUR_DEFAULT",
        Template::Verification => "SMS_PER_RECIPIENT_PER_HOUR_VERIFICATION",
        Template::ApplyBizConnection => "SMS_PER_RECIPIENT_PER_HOUR_APPLY_BIZ_CONNECTION",
        Template::ConfirmBizConnection => "SMS_PER_RECIPIENT_PER_HOUR_CONFIRM_BIZ_CONNECTION",
        Template::RejectBizConnection => "SMS_PER_RECIPIENT_PER_HOUR_REJECT_BIZ_CONNECTION",
        Template::IssueOrderSheetReceipt => "SMS_PER_RECIPIENT_PER_HOUR_ISSUE_ORDER_SHEET_RECEIPT",
        Template::OrderPlaced => "SMS_PER_RECIPIENT_PER_HOUR_ORDER_PLACED",
        Template::OrderPriced => "SMS_PER_RECIPIENT_PER_HOUR_ORDER_PRICED",
        Template::ChangeRequestAccepted => "SMS_PER_RECIPIENT_PER_HOUR_CHANGE_REQUEST_ACCEPTED",
        Template::ChangeRequestDeclined => "SMS_PER_RECIPIENT_PER_HOUR_CHANGE_REQUEST_DECLINED",
    }
}

#[derive(Clone)]
pub struct Config {
    pub common: CommonConfig,
    pub provider: ProviderConfig,
    pub limits: Limits,
    /// Recipients that may receive messages; empty = everyone (production).
    pub allowlist: Vec<PhoneNumber>,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy
    /// that sets it); otherwise the TCP peer address.
    pub trust_forwarded_for: bool,
    /// Key of the HMAC over verification codes.
    pub code_secret: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("http", &self.common.http)
            .field("database", &self.common.database)
            .field("provider", &self.provider)
            .field("limits", &self.limits)
            .field("allowlist_len", &self.allowlist.len())
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .finish_non_exhaustive()
    }
}

const SENS_HINT: &str = "required when SMS_PROVIDER=sens (from the Naver Cloud console)";

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let common = CommonConfig::from_env(env, "MESSAGING_PORT", DEFAULT_PORT)?;
        let provider = match env.string("SMS_PROVIDER", "record").trim() {
            "record" => ProviderConfig::Record,
            "sens" => ProviderConfig::Sens(sens_from_env(env)?),
            other => {
                return Err(ConfigError::Invalid {
                    name: "SMS_PROVIDER",
                    reason: format!("expected `record` or `sens`, got `{other}`"),
                });
            }
        };
        let limits = Limits {
            verifications_per_phone: env.parse("SMS_VERIFICATIONS_PER_PHONE_PER_HOUR", 5)?,
            verifications_per_ip: env.parse("SMS_VERIFICATIONS_PER_IP_PER_HOUR", 20)?,
            verifications_total: env.parse("SMS_VERIFICATIONS_PER_HOUR", 500)?,
            max_code_attempts: env.parse("VERIFICATION_MAX_ATTEMPTS", 5)?,
            code_ttl: Duration::from_secs(env.parse("VERIFICATION_TTL_SECONDS", 180)?),
            per_recipient: PerRecipient::from_env(env)?,
        };
        // Without its own secret the code HMAC is keyed from the service
        // credential, which every deployment already keeps secret.
        let code_secret = env
            .get("VERIFICATION_CODE_SECRET")
            .unwrap_or_else(|| format!("verification-code:{}", common.service_token));
        Ok(Config {
            provider,
            limits,
            allowlist: allowlist_from_env(env)?,
            trust_forwarded_for: env.flag("TRUST_FORWARDED_FOR", false)?,
            code_secret,
            common,
        })
    }
}

fn sens_from_env(env: &Env) -> Result<SensConfig, ConfigError> {
    let millis = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
        env.parse(name, default).map(Duration::from_millis)
    };
    Ok(SensConfig {
        host: env
            .string("SENS_HOST", crate::provider::sens::DEFAULT_HOST)
            .trim_end_matches('/')
            .to_owned(),
        service_id: env.required("SENS_SERVICE_ID", SENS_HINT)?,
        access_key_id: env.required("SENS_ACCESS_KEY_ID", SENS_HINT)?,
        secret_key: env.required("SENS_SECRET_KEY", SENS_HINT)?,
        sender: env.required("SENS_SENDER", SENS_HINT)?,
        timeout: millis("SENS_TIMEOUT_MS", 5000)?,
        max_attempts: env.parse("SENS_MAX_ATTEMPTS", 3)?,
        retry_base_delay: millis("SENS_RETRY_BASE_MS", 500)?,
    })
}

fn allowlist_from_env(env: &Env) -> Result<Vec<PhoneNumber>, ConfigError> {
    let Some(raw) = env.get("SMS_RECIPIENT_ALLOWLIST") else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .enumerate()
        .map(|(i, entry)| {
            // The error names the position, never the number.
            PhoneNumber::parse(entry).map_err(|_| ConfigError::Invalid {
                name: "SMS_RECIPIENT_ALLOWLIST",
                reason: format!("entry {} is not a mobile number", i + 1),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![("JWT_PUBLIC_KEY", "k"), ("SERVICE_TOKEN", "s")]
    }

    #[test]
    fn record_is_the_default_and_limits_have_defaults() {
        let config = Config::from_env(&Env::from_pairs(base())).unwrap();
        assert!(matches!(config.provider, ProviderConfig::Record));
        assert_eq!(config.limits.verifications_per_phone, 5);
        assert_eq!(config.limits.verifications_per_ip, 20);
        assert_eq!(config.limits.verifications_total, 500);
        for template in Template::ALL {
            let expected = if template == Template::Verification {
                5
            } else {
                30
            };
            assert_eq!(config.limits.per_recipient.of(template), expected);
        }
        assert_eq!(config.limits.max_code_attempts, 5);
        assert_eq!(config.limits.code_ttl, Duration::from_secs(180));
        assert!(config.allowlist.is_empty());
        assert!(!config.trust_forwarded_for);
    }

    #[test]
    fn each_template_limit_can_be_set_on_its_own() {
        let mut pairs = base();
        pairs.extend([
            ("SMS_PER_RECIPIENT_PER_HOUR", "12"),
            ("SMS_PER_RECIPIENT_PER_HOUR_ISSUE_ORDER_SHEET_RECEIPT", "40"),
            ("SMS_PER_RECIPIENT_PER_HOUR_VERIFICATION", "3"),
        ]);
        let limits = Config::from_env(&Env::from_pairs(pairs)).unwrap().limits;
        assert_eq!(
            limits.per_recipient.of(Template::IssueOrderSheetReceipt),
            40
        );
        assert_eq!(limits.per_recipient.of(Template::Verification), 3);
        assert_eq!(limits.per_recipient.of(Template::ApplyBizConnection), 12);
        assert_eq!(limits.per_recipient.of(Template::Default), 12);
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let mut pairs = vec![
            ("JWT_PUBLIC_KEY", "k"),
            ("SMS_PROVIDER", "sens"),
            ("SENS_SERVICE_ID", "ncp:sms:kr:1:p"),
            ("SENS_SENDER", "0212345678"),
            ("SENS_ACCESS_KEY_ID", "AKIA-ACCESS-7781"),
            ("SENS_SECRET_KEY", "sens-secret-6613"),
            ("VERIFICATION_CODE_SECRET", "code-secret-2290"),
            ("SERVICE_TOKEN", "service-token-5521"),
            ("DATABASE_URL", "postgres://app:db-password-4417@db:5432/mb"),
        ];
        let config = Config::from_env(&Env::from_pairs(pairs.drain(..))).unwrap();
        let shown = format!("{config:?} {config:#?}");
        for secret in [
            "AKIA-ACCESS-7781",
            "sens-secret-6613",
            "code-secret-2290",
            "service-token-5521",
            "db-password-4417",
        ] {
            assert!(!shown.contains(secret), "{secret} shows in {shown}");
        }
        assert!(shown.contains("ncp:sms:kr:1:p"), "{shown}");
    }

    #[test]
    fn sens_needs_its_keys() {
        let mut pairs = base();
        pairs.push(("SMS_PROVIDER", "sens"));
        let err = Config::from_env(&Env::from_pairs(pairs.clone())).unwrap_err();
        assert!(err.to_string().starts_with("SENS_SERVICE_ID is required"));
        pairs.extend([
            ("SENS_SERVICE_ID", "ncp:sms:kr:1:p"),
            ("SENS_ACCESS_KEY_ID", "ak"),
            ("SENS_SECRET_KEY", "sk"),
            ("SENS_SENDER", "0212345678"),
        ]);
        let config = Config::from_env(&Env::from_pairs(pairs)).unwrap();
        let ProviderConfig::Sens(sens) = config.provider else {
            panic!("expected sens");
        };
        assert_eq!(sens.host, "https://sens.apigw.ntruss.com");
        assert_eq!(sens.max_attempts, 3);
    }

    #[test]
    fn unknown_provider_and_bad_allowlist_entries_are_refused() {
        let mut pairs = base();
        pairs.push(("SMS_PROVIDER", "twilio"));
        assert!(Config::from_env(&Env::from_pairs(pairs)).is_err());
        let mut pairs = base();
        pairs.push(("SMS_RECIPIENT_ALLOWLIST", "010-1234-5678, 02-555-1234"));
        let err = Config::from_env(&Env::from_pairs(pairs))
            .unwrap_err()
            .to_string();
        assert!(err.contains("entry 2"), "{err}");
        assert!(!err.contains("555"), "{err}");
    }

    #[test]
    fn allowlist_entries_are_normalised() {
        let mut pairs = base();
        pairs.push(("SMS_RECIPIENT_ALLOWLIST", "010-1234-5678,,01198765432 "));
        let config = Config::from_env(&Env::from_pairs(pairs)).unwrap();
        let numbers: Vec<_> = config.allowlist.iter().map(PhoneNumber::as_str).collect();
        assert_eq!(numbers, ["01012345678", "01198765432"]);
    }
}
