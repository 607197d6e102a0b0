//! Where statement PDFs live: a local directory (the zero-config default) or
//! an S3-compatible bucket. Objects are written once under a key that
//! contains the receipt id and are never overwritten.

use aws_sdk_s3::primitives::ByteStream;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The store could not be reached or refused the write: retrying later may help.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("object not found")]
    NotFound,
    /// A key that would escape the store or overwrite an object (a bug).
    #[error("invalid object key: {0}")]
    InvalidKey(String),
}

#[derive(Clone)]
pub enum StorageConfig {
    Local {
        dir: PathBuf,
    },
    S3 {
        bucket: String,
        endpoint: Option<String>,
        region: String,
        path_style: bool,
        /// Static keys when given; otherwise the SDK's default chain
        /// (environment, profile, web identity, instance metadata).
        credentials: Option<(String, String)>,
    },
}

/// The static keys never show: only whether there are any.
impl std::fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageConfig::Local { dir } => f.debug_struct("Local").field("dir", dir).finish(),
            StorageConfig::S3 {
                bucket,
                endpoint,
                region,
                path_style,
                credentials,
            } => f
                .debug_struct("S3")
                .field("bucket", bucket)
                .field("endpoint", endpoint)
                .field("region", region)
                .field("path_style", path_style)
                .field(
                    "credentials",
                    &if credentials.is_some() {
                        "<static, redacted>"
                    } else {
                        "<default chain>"
                    },
                )
                .finish(),
        }
    }
}

#[derive(Clone)]
pub enum Storage {
    Local(PathBuf),
    S3 {
        client: aws_sdk_s3::Client,
        bucket: String,
    },
}

impl Storage {
    pub async fn from_config(config: &StorageConfig) -> Storage {
        match config {
            StorageConfig::Local { dir } => Storage::Local(dir.clone()),
            StorageConfig::S3 {
                bucket,
                endpoint,
                region,
                path_style,
                credentials,
            } => {
                use aws_config::BehaviorVersion;
                use aws_sdk_s3::config::{Credentials, Region};
                let mut loader = aws_config::defaults(BehaviorVersion::latest())
                    .region(Region::new(region.clone()))
                    .timeout_config(
                        aws_config::timeout::TimeoutConfig::builder()
                            .connect_timeout(Duration::from_secs(3))
                            .operation_timeout(Duration::from_secs(20))
                            .build(),
                    )
                    .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2));
                if let Some(endpoint) = endpoint {
                    loader = loader.endpoint_url(endpoint);
                }
                if let Some((key, secret)) = credentials {
                    loader = loader.credentials_provider(Credentials::new(
                        key,
                        secret,
                        None,
                        None,
                        "receipt-config",
                    ));
                }
                let shared = loader.load().await;
                let conf = aws_sdk_s3::config::Builder::from(&shared)
                    .force_path_style(*path_style)
                    .build();
                Storage::S3 {
                    client: aws_sdk_s3::Client::from_conf(conf),
                    bucket: bucket.clone(),
                }
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Storage::Local(_) => "local",
            Storage::S3 { .. } => "s3",
        }
    }

    /// Writes a new statement PDF; an existing object under `key` is never replaced.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.put_object(key, bytes, "application/pdf").await
    }

    /// Writes a new object of any type (seal stamps are images).
    pub async fn put_object(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        match self {
            Storage::Local(root) => {
                let path = local_path(root, key)?;
                put_local(path, bytes).await
            }
            Storage::S3 { client, bucket } => {
                let length = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                client
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .content_type(content_type)
                    .content_length(length)
                    .body(ByteStream::from(bytes))
                    .send()
                    .await
                    .map_err(|e| {
                        StorageError::Unavailable(
                            aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
                        )
                    })?;
                Ok(())
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        match self {
            Storage::Local(root) => {
                let path = local_path(root, key)?;
                match tokio::fs::read(&path).await {
                    Ok(bytes) => Ok(bytes),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        Err(StorageError::NotFound)
                    }
                    Err(e) => Err(StorageError::Unavailable(e.to_string())),
                }
            }
            Storage::S3 { client, bucket } => {
                let output = client
                    .get_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                    .map_err(|e| {
                        if e.as_service_error().is_some_and(|s| s.is_no_such_key()) {
                            StorageError::NotFound
                        } else {
                            StorageError::Unavailable(
                                aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
                            )
                        }
                    })?;
                let data = output
                    .body
                    .collect()
                    .await
                    .map_err(|e| StorageError::Unavailable(e.to_string()))?;
                Ok(data.into_bytes().to_vec())
            }
        }
    }

    /// Removes an object that no row refers to (a failed issue).
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self {
            Storage::Local(root) => {
                let path = local_path(root, key)?;
                match tokio::fs::remove_file(&path).await {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(e) => Err(StorageError::Unavailable(e.to_string())),
                }
            }
            Storage::S3 { client, bucket } => {
                client
                    .delete_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                    .map_err(|e| {
                        StorageError::Unavailable(
                            aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
                        )
                    })?;
                Ok(())
            }
        }
    }
}

/// Keys are generated by this service (`receipts/<sheet>/<id>-<nonce>.pdf`),
/// but the check keeps any key inside the directory.
fn local_path(root: &Path, key: &str) -> Result<PathBuf, StorageError> {
    let relative = Path::new(key);
    let safe = !key.is_empty()
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        return Err(StorageError::InvalidKey(key.to_owned()));
    }
    Ok(root.join(relative))
}

async fn put_local(path: PathBuf, bytes: Vec<u8>) -> Result<(), StorageError> {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let unavailable = |e: std::io::Error| StorageError::Unavailable(e.to_string());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(unavailable)?;
        }
        // create_new: an existing object is an error, never overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    StorageError::InvalidKey(format!("{} already exists", path.display()))
                } else {
                    unavailable(e)
                }
            })?;
        // A half-written file must not stay behind under a final name.
        let written = file.write_all(&bytes).and_then(|()| file.sync_data());
        if let Err(e) = written {
            let _ = std::fs::remove_file(&path);
            return Err(unavailable(e));
        }
        Ok(())
    })
    .await
    .map_err(|e| StorageError::Unavailable(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_leave_the_directory() {
        let root = Path::new("/srv/receipts");
        assert!(local_path(root, "receipts/1/2-ab.pdf").is_ok());
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../b", ""] {
            assert!(local_path(root, bad).is_err(), "{bad}");
        }
    }

    #[actix_web::test]
    async fn local_objects_are_written_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("receipt-store-{}", uuid::Uuid::new_v4()));
        let storage = Storage::Local(dir.clone());
        storage
            .put("receipts/1/7-x.pdf", b"%PDF-1".to_vec())
            .await
            .expect("put");
        assert_eq!(
            storage.get("receipts/1/7-x.pdf").await.expect("get"),
            b"%PDF-1"
        );
        let again = storage.put("receipts/1/7-x.pdf", b"other".to_vec()).await;
        assert!(matches!(again, Err(StorageError::InvalidKey(_))));
        assert_eq!(
            storage.get("receipts/1/7-x.pdf").await.expect("get"),
            b"%PDF-1"
        );
        storage.delete("receipts/1/7-x.pdf").await.expect("delete");
        assert!(matches!(
            storage.get("receipts/1/7-x.pdf").await,
            Err(StorageError::NotFound)
        ));
        let _ = std::fs::remove_dir_all(dir);
    }
}
