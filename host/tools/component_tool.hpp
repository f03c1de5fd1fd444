#pragma once
// sensorhost-plugin for Component Model components (the core-module commands are in
// plugin_tool.hpp; main.cpp dispatches on the file's preamble).
//   inspect: the component's world in WIT syntax.
//   invoke:  calls 'iface#func' with JSON arguments (mapping: component/value.hpp),
//            imports of sensorhost:plugin bound to simulated host services; the result
//            is printed as JSON on the last line of stdout. Logs and fuel go to stderr.
//            Imports from other packages are an error listing them, unless
//            `echo_imports` answers them with echo stubs (define_echo_stubs; for testing).
// Exit codes as for core modules: 0 result, 1 trap, 2 bad file or arguments.
#include <iosfwd>
#include <string>

#include "tools/plugin_tool.hpp"

namespace sensorhost::tools {

// True when `file` starts with the component preamble (00 61 73 6d 0d 00 01 00).
bool is_component_file(const std::string& file);

int inspect_component(const std::string& file, std::uint32_t max_memory_pages, std::ostream& out, std::ostream& err);
int invoke_component(const InvokeOptions& options, bool echo_imports, std::ostream& out, std::ostream& err);

}  // namespace sensorhost::tools
