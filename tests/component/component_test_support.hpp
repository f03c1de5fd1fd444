#pragma once
// Shared pieces of the component tests: where the built components are, and a linker
// whose host functions echo their argument.
#include <filesystem>
#include <string>
#include <vector>

#include "component/component.hpp"
#include "component/wit.hpp"

namespace sensorhost::component::test {

inline std::filesystem::path conformance_component() { return SENSORHOST_TEST_COMPONENT_DIR "/conformance.wasm"; }
inline std::filesystem::path plugin_component(const std::string& name) {
  return std::string(SENSORHOST_TEST_PLUGIN_DIR) + "/" + name + ".wasm";
}

// The simplest value of a type: zeros, empty strings and lists, first cases.
inline Value zero_value(const TypeRef& t) {
  switch (t->kind) {
    case Kind::bool_: return Value(false);
    case Kind::s8: case Kind::s16: case Kind::s32: case Kind::s64: return Value(std::int64_t{0});
    case Kind::u8: case Kind::u16: case Kind::u32: case Kind::u64: return Value(std::uint64_t{0});
    case Kind::f32: return Value(0.0f);
    case Kind::f64: return Value(0.0);
    case Kind::char_: return Value(char32_t{'a'});
    case Kind::string: return Value(std::string());
    case Kind::list: return Value(Value::List{});
    case Kind::flags: return Value(Value::Flags{});
    case Kind::record: {
      Value::List fields;
      for (const auto& f : t->fields) fields.push_back(zero_value(f.type));
      return Value(std::move(fields));
    }
    case Kind::tuple: {
      Value::List items;
      for (const auto& i : t->items) items.push_back(zero_value(i));
      return Value(std::move(items));
    }
    default: {
      const TypeRef first = case_payloads(*t)[0];
      return first ? Value::of_case(0, zero_value(first)) : Value::of_case(0);
    }
  }
}

// Host side of sensorhost:conformance/host: echo stubs (echo-* return their argument,
// many-params its arguments as a JSON array), except fail, which returns its message as
// an error. Every call is recorded in `calls` (by function name).
inline Linker echo_linker(const Component& component, std::vector<std::string>& calls) {
  Linker linker;
  linker.define("sensorhost:conformance/host@0.1.0", "fail", *parse_func_type("func(message: string)"),
                [&calls](std::span<const Value> args) -> Expected<std::optional<Value>, std::string> {
                  calls.push_back("fail");
                  return unexpected(*args[0].get<std::string>());
                });
  define_echo_stubs(linker, component,
                    [&calls](const std::string& full) { calls.push_back(full.substr(full.find('#') + 1)); });
  return linker;
}

}  // namespace sensorhost::component::test
