//! What tests take from the machine they run on: a free port for a stand-in
//! server or a spawned service, a scratch directory.

use std::net::TcpListener;
use std::path::PathBuf;

/// A port nothing listens on right now (the OS picks it; the listener is
/// closed again, so the caller binds it next).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind a free port")
        .port()
}

/// A new, empty directory under the system's temporary directory, named
/// after `tag`; the caller removes it.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "marketbill-{tag}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}
