// sensorhost: the service binary. Parses the command line, validates the config
// (exit 2 on any error, before anything starts), then runs the Service.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "app/service.hpp"
#include "config/loader.hpp"
#include "platform/log.hpp"
#include "platform/signals.hpp"
#include "sensors/probe.hpp"

namespace {

constexpr int kExitConfigError = 2;

sensorhost::Expected<sensorhost::config::Config, int> load_or_report(const std::string& path) {
  auto config = sensorhost::config::load_config_file(path);
  if (!config) {
    std::fputs(sensorhost::config::format_errors(config.error()).c_str(), stderr);
    std::fprintf(stderr, "sensorhost: %s: configuration refused (%zu error%s)\n", path.c_str(),
                 config.error().size(), config.error().size() == 1 ? "" : "s");
    return sensorhost::unexpected(kExitConfigError);
  }
  return std::move(*config);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sensorhost;
  CLI::App cli{"sensorhost: reads sensors, runs WebAssembly plugins, drives LEDs"};
  std::string config_path = "/etc/sensorhost/host.toml";
  std::string check_path;
  app::ServiceOptions options;
  bool probe = false;
  cli.add_option("--config", config_path, "configuration file (host.toml)")->capture_default_str();
  cli.add_option("--cycles", options.max_cycles, "stop after N cycles (tests, benchmarks)");
  cli.add_flag("--sim", options.force_sim, "simulate every sensor and the LEDs");
  cli.add_option("--check-config", check_path, "validate FILE, print the effective configuration, exit");
  cli.add_flag("--probe", probe, "list the sensor hardware found, read each sensor once, exit");
  cli.set_version_flag("--version", "sensorhost 0.1.0");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : kExitConfigError;
  }

  if (!check_path.empty()) {
    auto config = load_or_report(check_path);
    if (!config) return config.error();
    std::cout << config::render_config(*config);
    return 0;
  }
  auto config = load_or_report(config_path);
  if (!config) return config.error();
  log::use_default_sink();
  if (probe) {
    std::cout << sensors::probe_hardware(config->dht22, config->bme680, config->cpu);
    return 0;
  }

  options.config_path = config_path;
  app::Service service(std::move(*config), options);
  // Before any other thread exists, so every thread inherits the blocked signals.
  platform::SignalWatcher signals([&service](platform::SignalEvent event) {
    if (event == platform::SignalEvent::stop) service.request_stop();
    else service.request_reload();
  });
  return service.run();
}
