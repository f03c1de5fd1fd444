// sensorhost-plugin: a developer tool for plugin authors (inspect, invoke).
// Exit codes: 0 success, 1 the guest trapped, 2 bad module or bad arguments.
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/component_tool.hpp"
#include "tools/plugin_tool.hpp"

int main(int argc, char** argv) {
  using namespace sensorhost::tools;
  CLI::App app{"sensorhost plugin developer tool"};
  app.require_subcommand(1);

  std::string inspect_file;
  std::uint32_t inspect_pages = sensorhost::wasm::Limits{}.max_memory_pages;
  auto* inspect_cmd = app.add_subcommand("inspect", "Print a module's imports and exports with their types");
  inspect_cmd->add_option("file", inspect_file, "Module (.wasm)")->required();
  inspect_cmd->add_option("--max-memory-pages", inspect_pages, "Memory cap in 64 KiB pages");

  InvokeOptions invoke_options;
  std::uint64_t fuel = 0;
  auto* invoke_cmd = app.add_subcommand("invoke", "Call an exported function with numeric arguments");
  invoke_cmd->add_option("file", invoke_options.file, "Module (.wasm)")->required();
  invoke_cmd->add_option("export", invoke_options.export_name, "Exported function")->required();
  invoke_cmd->add_option("args", invoke_options.args, "Arguments, parsed by the parameter types");
  auto* fuel_opt = invoke_cmd->add_option("--fuel", fuel, "Fuel budget (default: unlimited)");
  bool echo_imports = false;
  invoke_cmd->add_flag("--echo-imports", echo_imports,
                       "Components: answer imports from other packages with echo stubs (testing)");
  invoke_cmd->add_option("--max-memory-pages", invoke_options.max_memory_pages, "Memory cap in 64 KiB pages");
  // Negative numbers are arguments, not options.
  invoke_cmd->positionals_at_end(false);
  invoke_cmd->allow_extras(false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kBadInput;
  }
  if (*inspect_cmd) {
    if (is_component_file(inspect_file)) return inspect_component(inspect_file, inspect_pages, std::cout, std::cerr);
    return inspect(inspect_file, inspect_pages, std::cout, std::cerr);
  }
  if (*fuel_opt) invoke_options.fuel = fuel;
  if (is_component_file(invoke_options.file)) return invoke_component(invoke_options, echo_imports, std::cout, std::cerr);
  return invoke(invoke_options, std::cout, std::cerr);
}
