use platform::config::Env;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    if std::env::args().skip(1).eq(["config", "check"]) {
        // Loads the configuration as serving would and prints what it read
        // (platform::config::check_command); the deployment drift test uses it.
        let env = Env::process();
        let loaded = receipt_service::Config::from_env(&env).map(|c| c.common.http);
        return platform::config::check_command(&env, loaded);
    }
    platform::telemetry::init("receipt");
    let started = receipt_service::Application::from_env(&Env::process()).await;
    platform::server::serve_until_stopped("receipt", started).await
}
