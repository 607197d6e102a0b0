use platform::config::Env;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    platform::telemetry::init("scheduler");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["config", "check"] {
        // Loads the configuration as serving would and prints what it read
        // (platform::config::check_command); the deployment drift test uses it.
        let env = Env::process();
        let loaded = scheduler_service::Config::from_env(&env).map(|c| c.common.http);
        return platform::config::check_command(&env, loaded);
    }
    scheduler_service::cli::run(&args, &Env::process()).await
}
