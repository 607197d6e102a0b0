use platform::config::Env;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    platform::telemetry::init("scheduler");
    let started = scheduler_service::Application::from_env(&Env::process()).await;
    platform::server::serve_until_stopped("scheduler", started).await
}
