//! `make bench-receipt`: renders and stores statements of 1, 20 and 200 lines
//! to a local directory (release build) and prints p50/p99 latency,
//! statements per second on one core and on all cores, and PDF sizes.
//! `--out FILE` also writes the 20-line statement there, to look at.

use chrono::Utc;
use domain::TaxKind;
use receipt_service::pdf::{Fonts, render};
use receipt_service::stamp::{StampImage, decode};
use receipt_service::statement::{Buyer, BuyerBusiness, LineInput, Statement, Supplier};
use receipt_service::storage::Storage;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const VARIETIES: [(&str, &str); 6] = [
    ("장미", "블론디"),
    ("국화", "테데오옐로우"),
    ("카네이션", "돈페드로"),
    ("수국", "앤틱블루그린스페셜에디션"),
    ("리시안셔스", "셀레브리티화이트"),
    ("튤립", "퍼플프린스"),
];

fn statement(lines: usize) -> Statement {
    let mut inputs: Vec<LineInput> = (0..lines.saturating_sub(1))
        .map(|i| {
            let (item_type, variety) = VARIETIES[i % VARIETIES.len()];
            LineInput {
                item_type: item_type.to_owned(),
                variety: format!("{variety}{}", i + 1),
                grade: Some(["상", "중", "하"][i % 3].to_owned()),
                quantity: (i % 7 + 1) as i64 * 10,
                unit_price: Some(1_000 + (i as i64 % 9) * 550),
                tax: TaxKind::Exempt,
            }
        })
        .collect();
    inputs.push(LineInput {
        item_type: String::new(),
        variety: "배송비".to_owned(),
        grade: None,
        quantity: 1,
        unit_price: Some(5_000),
        tax: TaxKind::Taxable,
    });
    Statement::new(
        "261125M00042".to_owned(),
        Utc::now(),
        Supplier {
            business_no: "123-45-67890".to_owned(),
            company_name: "(주)양재꽃도매 본점".to_owned(),
            employer_name: "김도매".to_owned(),
            address: "서울특별시 서초구 강남대로 27 양재꽃시장 가동 101호".to_owned(),
            phone: "02-579-0000".to_owned(),
            main_category: "도소매".to_owned(),
            sub_category: "화훼".to_owned(),
            bank_account: "농협 301-0000-0000-00 (주)양재꽃도매".to_owned(),
        },
        Buyer {
            name: "행복한꽃집".to_owned(),
            business: Some(BuyerBusiness {
                business_no: "987-65-43210".to_owned(),
                company_name: "행복한꽃집".to_owned(),
                employer_name: "이소매".to_owned(),
                address: "서울특별시 강남구 테헤란로 1".to_owned(),
                main_category: "소매".to_owned(),
                sub_category: "꽃".to_owned(),
            }),
        },
        inputs,
    )
    .unwrap_or_else(|e| panic!("sample statement: {e}"))
}

/// A 64×64 red seal with a transparent background.
fn stamp() -> StampImage {
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, 64, 64);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .unwrap_or_else(|e| panic!("png: {e}"));
        let mut data = Vec::with_capacity(64 * 64 * 4);
        for y in 0..64i32 {
            for x in 0..64i32 {
                let d = (x - 32).pow(2) + (y - 32).pow(2);
                let ring = (26 * 26..=31 * 31).contains(&d) || (x - 32).abs() < 3 && d < 26 * 26;
                data.extend_from_slice(if ring {
                    &[200, 30, 30, 230]
                } else {
                    &[0, 0, 0, 0]
                });
            }
        }
        writer
            .write_image_data(&data)
            .unwrap_or_else(|e| panic!("png: {e}"));
    }
    decode(&png_bytes).unwrap_or_else(|e| panic!("stamp: {e:?}"))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn main() {
    let out: Option<PathBuf> = std::env::args()
        .skip_while(|a| a != "--out")
        .nth(1)
        .map(PathBuf::from);
    let font_dir = std::env::var("RECEIPT_FONT_DIR")
        .unwrap_or_else(|_| receipt_service::config::DEFAULT_FONT_DIR.to_owned());
    let fonts = Fonts::load(Path::new(&font_dir)).unwrap_or_else(|e| panic!("{e}"));
    let stamp = stamp();
    let dir = std::env::temp_dir().join(format!("bench-receipt-{}", std::process::id()));
    let storage = Storage::Local(dir.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let mut counter = 0u64;
    let once = |statement: &Statement, counter: &mut u64| -> usize {
        let rendered = render(statement, &fonts, Some(&stamp)).unwrap_or_else(|e| panic!("{e}"));
        let size = rendered.bytes.len();
        *counter += 1;
        let key = format!("receipts/bench/{counter}.pdf");
        runtime
            .block_on(storage.put(&key, rendered.bytes))
            .unwrap_or_else(|e| panic!("{e}"));
        size
    };

    println!(
        "receipt bench: render (krilla, NanumGothic subset, RGBA stamp) + store (local dir, fsync)"
    );
    println!(
        "{:>6} {:>6} {:>9} {:>9} {:>10}",
        "lines", "runs", "p50 ms", "p99 ms", "PDF bytes"
    );
    for (lines, runs) in [(1usize, 200usize), (20, 200), (200, 40)] {
        let s = statement(lines);
        for _ in 0..5 {
            once(&s, &mut counter);
        }
        let mut times = Vec::with_capacity(runs);
        let mut size = 0;
        for _ in 0..runs {
            let started = Instant::now();
            size = once(&s, &mut counter);
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "{lines:>6} {runs:>6} {:>9.2} {:>9.2} {size:>10}",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
    }

    // Throughput on the 20-line statement.
    let twenty = statement(20);
    let window = Duration::from_secs(3);
    let started = Instant::now();
    let mut done = 0u64;
    while started.elapsed() < window {
        once(&twenty, &mut counter);
        done += 1;
    }
    let one_core = done as f64 / started.elapsed().as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    let total: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..cores)
            .map(|t| {
                let (fonts, stamp, storage, twenty) = (&fonts, &stamp, &storage, &twenty);
                scope.spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap_or_else(|e| panic!("runtime: {e}"));
                    let mut n = 0u64;
                    while started.elapsed() < window {
                        let r =
                            render(twenty, fonts, Some(stamp)).unwrap_or_else(|e| panic!("{e}"));
                        rt.block_on(storage.put(&format!("receipts/par/{t}-{n}.pdf"), r.bytes))
                            .unwrap_or_else(|e| panic!("{e}"));
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let all_cores = total as f64 / started.elapsed().as_secs_f64();
    println!(
        "20-line statements/s: {one_core:.0} on one core, {all_cores:.0} on all {cores} cores"
    );

    if let Some(out) = out {
        let rendered = render(&twenty, &fonts, Some(&stamp)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&out, rendered.bytes).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
        println!("wrote {}", out.display());
    }
    let _ = std::fs::remove_dir_all(dir);
}
