use platform::config::Env;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["config", "check"] {
        // The deployment drift test runs this against docker-compose.yml's
        // and the Kubernetes overlays' environments (tests/e2e/tests/compose.rs).
        let env = Env::process();
        let loaded = core_service::Config::from_env(&env).map(|c| c.common.http);
        return platform::config::check_command(&env, loaded);
    }
    if let Some(code) = core_service::cli::run(&args).await {
        return code;
    }
    platform::telemetry::init("core");
    let started = core_service::Application::from_env(&Env::process()).await;
    platform::server::serve_until_stopped("core", started).await
}
