//! Rebuild when a migration changes (they are embedded into the binary), and
//! fingerprint them in the same step: the test databases' template is named
//! after the migrations this build embeds, never after files that appeared on
//! disk since (a template built without them would be reused under their name).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
    let root = Path::new("../../migrations");
    let mut files = Vec::new();
    collect_files(root, &mut files);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.strip_prefix(root).unwrap_or(&file).hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=MARKETBILL_MIGRATIONS_FINGERPRINT={:016x}",
        hasher.finish()
    );
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
