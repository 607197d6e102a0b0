use platform::config::Env;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    platform::telemetry::init("scheduler");
    let args: Vec<String> = std::env::args().skip(1).collect();
    scheduler_service::cli::run(&args, &Env::process()).await
}
