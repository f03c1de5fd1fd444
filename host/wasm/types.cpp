#include "wasm/types.hpp"

#include <cinttypes>
#include <cstdio>

namespace sensorhost::wasm {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string join(const std::vector<ValueType>& types) {
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i != 0) out += ", ";
    out += to_string(types[i]);
  }
  return out;
}

std::string limits_text(std::uint32_t min, const std::optional<std::uint32_t>& max) {
  return "[" + std::to_string(min) + ", " + (max ? std::to_string(*max) : std::string("unbounded")) + "]";
}

}  // namespace

ValueType type_of(const Value& v) { return static_cast<ValueType>(v.index()); }

std::string to_string(ValueType t) {
  switch (t) {
    case ValueType::i32: return "i32";
    case ValueType::i64: return "i64";
    case ValueType::f32: return "f32";
    case ValueType::f64: return "f64";
  }
  return "?";
}

std::string to_string(const Value& v) {
  char buf[64];
  std::visit(Overloaded{
                 [&](std::int32_t x) { std::snprintf(buf, sizeof buf, "%" PRId32, x); },
                 [&](std::int64_t x) { std::snprintf(buf, sizeof buf, "%" PRId64, x); },
                 [&](float x) { std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(x)); },
                 [&](double x) { std::snprintf(buf, sizeof buf, "%.17g", x); },
             },
             v);
  return to_string(type_of(v)) + ":" + buf;
}

std::string to_string(const FuncType& t) { return "(" + join(t.params) + ") -> (" + join(t.results) + ")"; }

std::string to_string(const ExternType& t) {
  return std::visit(Overloaded{
                        [](const FuncType& f) { return "func " + to_string(f); },
                        [](const TableType& tt) {
                          return std::string("table ") + (tt.element == RefType::funcref ? "funcref " : "externref ") +
                                 limits_text(tt.min, tt.max);
                        },
                        [](const MemoryType& m) { return "memory " + limits_text(m.min_pages, m.max_pages) + " pages"; },
                        [](const GlobalType& g) {
                          return std::string("global ") + (g.is_mutable ? "mut " : "const ") + to_string(g.type);
                        },
                    },
                    t);
}

std::string LoadError::to_string() const {
  std::string out = source;
  if (offset) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ":0x%zx", *offset);
    out += buf;
  }
  return out + ": " + reason;
}

std::string to_string(TrapKind k) {
  switch (k) {
    case TrapKind::unreachable: return "unreachable";
    case TrapKind::memory_out_of_bounds: return "memory out of bounds";
    case TrapKind::integer_divide_by_zero: return "integer divide by zero";
    case TrapKind::integer_overflow: return "integer overflow";
    case TrapKind::invalid_conversion: return "invalid conversion to integer";
    case TrapKind::indirect_call: return "indirect call";
    case TrapKind::table_out_of_bounds: return "table out of bounds";
    case TrapKind::stack_exhausted: return "stack exhausted";
    case TrapKind::fuel_exhausted: return "fuel exhausted";
    case TrapKind::host_error: return "host error";
    case TrapKind::link_error: return "link error";
    case TrapKind::other: return "other";
  }
  return "?";
}

std::string Trap::to_string() const {
  std::string out = "trap (" + wasm::to_string(kind) + ")";
  if (!function.empty()) out += " in " + function;
  return out + ": " + message;
}

}  // namespace sensorhost::wasm
