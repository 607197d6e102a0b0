use platform::config::Env;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(code) = core_service::cli::run(&args).await {
        return code;
    }
    platform::telemetry::init("core");
    let started = core_service::Application::from_env(&Env::process()).await;
    platform::server::serve_until_stopped("core", started).await
}
