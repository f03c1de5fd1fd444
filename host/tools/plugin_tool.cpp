#include "tools/plugin_tool.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <ostream>

namespace sensorhost::tools {
namespace {

using wasm::ValueType;

Expected<std::vector<std::uint8_t>, std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(path + ": cannot open the file");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return unexpected(path + ": read error");
  return bytes;
}

Expected<std::shared_ptr<const wasm::CompiledModule>, std::string> load(const std::string& path,
                                                                       const wasm::Limits& limits) {
  auto bytes = read_file(path);
  if (!bytes) return unexpected(std::move(bytes).error());
  auto module = wasm::compile(*bytes, path, limits);
  if (!module) return unexpected(module.error().to_string());
  return std::move(*module);
}

Expected<std::int64_t, std::string> parse_integer(const std::string& text, std::int64_t min, std::uint64_t max) {
  if (text.empty()) return unexpected(std::string("empty number"));
  errno = 0;
  char* end = nullptr;
  bool negative = text[0] == '-';
  std::int64_t value = 0;
  if (negative) {
    long long v = std::strtoll(text.c_str(), &end, 0);
    if (errno == 0 && v < min) errno = ERANGE;
    value = v;
  } else {
    unsigned long long v = std::strtoull(text.c_str(), &end, 0);
    if (errno == 0 && v > max) errno = ERANGE;
    value = static_cast<std::int64_t>(v);  // two's complement bit pattern for large unsigned
  }
  if (end == text.c_str() || *end != '\0') return unexpected("'" + text + "' is not an integer");
  if (errno == ERANGE) return unexpected("'" + text + "' is out of range");
  return value;
}

Expected<double, std::string> parse_float(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || *end != '\0') return unexpected("'" + text + "' is not a number");
  return v;
}

void print_interface(const wasm::CompiledModule& module, std::ostream& out) {
  out << "module " << module.source() << "\n";
  out << "imports (" << module.imports().size() << "):\n";
  for (const auto& i : module.imports()) out << "  " << i.module << "." << i.name << ": " << to_string(i.type) << "\n";
  out << "exports (" << module.exports().size() << "):\n";
  for (const auto& e : module.exports()) out << "  " << e.name << ": " << to_string(e.type) << "\n";
}

const wasm::FuncType* exported_func(const wasm::CompiledModule& module, const std::string& name) {
  for (const auto& e : module.exports()) {
    if (e.name == name) return std::get_if<wasm::FuncType>(&e.type);
  }
  return nullptr;
}

Expected<std::vector<wasm::Value>, std::string> parse_args(const InvokeOptions& o, const wasm::FuncType& type) {
  if (o.args.size() != type.params.size()) {
    return unexpected("'" + o.export_name + "' takes " + std::to_string(type.params.size()) + " arguments " +
                      to_string(type) + ", got " + std::to_string(o.args.size()));
  }
  std::vector<wasm::Value> values;
  for (std::size_t i = 0; i < o.args.size(); ++i) {
    auto v = parse_value(o.args[i], type.params[i]);
    if (!v) return unexpected("argument " + std::to_string(i + 1) + ": " + v.error());
    values.push_back(*v);
  }
  return values;
}

}  // namespace

Expected<wasm::Value, std::string> parse_value(const std::string& text, ValueType type) {
  switch (type) {
    case ValueType::i32: {
      auto v = parse_integer(text, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::uint32_t>::max());
      if (!v) return unexpected(v.error() + " for i32");
      return wasm::Value{static_cast<std::int32_t>(static_cast<std::uint32_t>(*v))};
    }
    case ValueType::i64: {
      auto v = parse_integer(text, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::uint64_t>::max());
      if (!v) return unexpected(v.error() + " for i64");
      return wasm::Value{*v};
    }
    case ValueType::f32:
    case ValueType::f64: {
      auto v = parse_float(text);
      if (!v) return unexpected(v.error());
      if (type == ValueType::f32) return wasm::Value{static_cast<float>(*v)};
      return wasm::Value{*v};
    }
  }
  return unexpected(std::string("unknown type"));
}

int inspect(const std::string& file, std::uint32_t max_memory_pages, std::ostream& out, std::ostream& err) {
  wasm::Limits limits;
  limits.max_memory_pages = max_memory_pages;
  limits.metering = false;
  auto module = load(file, limits);
  if (!module) {
    err << "error: " << module.error() << "\n";
    return kBadInput;
  }
  print_interface(**module, out);
  return kOk;
}

int invoke(const InvokeOptions& o, std::ostream& out, std::ostream& err) {
  wasm::Limits limits;
  limits.max_memory_pages = o.max_memory_pages;
  auto module = load(o.file, limits);
  if (!module) {
    err << "error: " << module.error() << "\n";
    return kBadInput;
  }
  const wasm::FuncType* type = exported_func(**module, o.export_name);
  if (!type) {
    err << "error: " << o.file << " exports no function '" << o.export_name << "'\n";
    return kBadInput;
  }
  auto args = parse_args(o, *type);
  if (!args) {
    err << "error: " << args.error() << "\n";
    return kBadInput;
  }
  if (!(*module)->imports().empty()) {
    const auto& first = (*module)->imports().front();
    err << "error: " << o.file << " imports " << first.module << "." << first.name
        << "; invoke runs only modules without imports\n";
    return kBadInput;
  }
  auto store = wasm::Store::create();
  std::uint64_t budget = o.fuel.value_or(std::numeric_limits<std::uint64_t>::max());
  store->set_fuel(budget);  // the start function runs on it too
  auto instance = store->instantiate(**module, {});
  if (!instance) {
    err << instance.error().to_string() << "\n";
    return instance.error().kind == wasm::TrapKind::link_error ? kBadInput : kTrapped;
  }
  auto func = store->export_of(*instance, o.export_name);
  auto results = store->call(*func, *args);
  err << "fuel used: " << budget - store->fuel() << "\n";
  if (!results) {
    err << results.error().to_string() << "\n";
    return kTrapped;
  }
  for (const auto& v : *results) out << wasm::to_string(v) << "\n";
  return kOk;
}

}  // namespace sensorhost::tools
