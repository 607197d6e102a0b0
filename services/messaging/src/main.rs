use platform::config::Env;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    platform::telemetry::init("messaging");
    let started = messaging_service::Application::from_env(&Env::process()).await;
    platform::server::serve_until_stopped("messaging", started).await
}
