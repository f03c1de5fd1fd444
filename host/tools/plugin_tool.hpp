#pragma once
// The sensorhost-plugin developer tool's commands, callable without a process so the
// CLI in main.cpp stays a thin argument parser.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "wasm/engine.hpp"

namespace sensorhost::tools {

// Exit codes of every command.
enum Exit : int { kOk = 0, kTrapped = 1, kBadInput = 2 };

struct InvokeOptions {
  std::string file;
  std::string export_name;
  std::vector<std::string> args;
  std::optional<std::uint64_t> fuel;  // unset: unlimited (still metered and reported)
  std::uint32_t max_memory_pages = wasm::Limits{}.max_memory_pages;
};

// Prints imports and exports with their types.
int inspect(const std::string& file, std::uint32_t max_memory_pages, std::ostream& out, std::ostream& err);
// Calls an export with numbers parsed by its parameter types; prints the results.
int invoke(const InvokeOptions& options, std::ostream& out, std::ostream& err);

// "42", "-1", "0x2a", "4294967295" (as i32 bit pattern), "1.5", "nan", "-inf".
Expected<wasm::Value, std::string> parse_value(const std::string& text, wasm::ValueType type);

}  // namespace sensorhost::tools
