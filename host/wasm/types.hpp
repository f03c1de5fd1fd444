#pragma once
// The value, type, error and trap vocabulary of the engine interface (engine.hpp).
// Kept C++17-compatible on purpose: the WABT adapter (compiled as C++17, see
// CMakeLists.txt) speaks the same types, so nothing has to be converted twice.
// Include "wasm/engine.hpp", not this header, from host code.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sensorhost::wasm {

enum class ValueType : std::uint8_t { i32, i64, f32, f64 };
// A core value; the active alternative is its type.
using Value = std::variant<std::int32_t, std::int64_t, float, double>;
ValueType type_of(const Value& v);
std::string to_string(ValueType t);
std::string to_string(const Value& v);

struct FuncType {
  std::vector<ValueType> params;
  std::vector<ValueType> results;
  friend bool operator==(const FuncType& a, const FuncType& b) {
    return a.params == b.params && a.results == b.results;
  }
  friend bool operator!=(const FuncType& a, const FuncType& b) { return !(a == b); }
};
std::string to_string(const FuncType& t);  // "(i32, i64) -> (f32)"

struct MemoryType {
  std::uint32_t min_pages = 0;
  std::optional<std::uint32_t> max_pages;
};
enum class RefType : std::uint8_t { funcref, externref };
struct TableType {
  std::uint32_t min = 0;
  std::optional<std::uint32_t> max;
  RefType element = RefType::funcref;
};
struct GlobalType {
  ValueType type = ValueType::i32;
  bool is_mutable = false;
};
using ExternType = std::variant<FuncType, TableType, MemoryType, GlobalType>;
std::string to_string(const ExternType& t);  // "func (i32) -> ()", "memory [1, 16]", ...

struct ImportDesc {
  std::string module;
  std::string name;
  ExternType type;
};
struct ExportDesc {
  std::string name;
  ExternType type;
};

// Why a module could not be loaded: names the source, the byte offset when known and
// what was expected, in words a plugin author can act on.
struct LoadError {
  std::string source;               // file name or description of the bytes
  std::optional<std::size_t> offset;
  std::string reason;
  std::string to_string() const;    // "plugin.wasm:0x1a: ..."
};

enum class TrapKind {
  unreachable,
  memory_out_of_bounds,
  integer_divide_by_zero,
  integer_overflow,
  invalid_conversion,
  indirect_call,        // null entry or signature mismatch in call_indirect
  table_out_of_bounds,  // table access or call_indirect index past the table's end
  stack_exhausted,      // call depth (guest recursion or host/guest re-entry)
  fuel_exhausted,
  host_error,           // a host function reported failure
  link_error,           // instantiation: missing or mistyped import
  other,                // bad arguments to call(), invalid handles, uncaught exceptions
};
std::string to_string(TrapKind k);

struct Trap {
  TrapKind kind = TrapKind::other;
  std::string message;
  std::string function;  // from the name section when present, else "func[N]" or empty
  std::string to_string() const;
};

struct Limits {
  // Cap on each linear memory, in 64 KiB pages. memory.grow past it returns -1;
  // a module whose initial memory is larger is refused at compile().
  std::uint32_t max_memory_pages = 256;  // 16 MiB
  // Cap on each table's element count (table.grow past it returns -1). Tables are
  // host memory too: without a cap one table.grow could ask for gigabytes.
  std::uint32_t max_table_elements = 65536;
  // Insert fuel metering. When off, fuel is neither charged nor checked.
  bool metering = true;
};

// Validated and rewritten bytes plus their description. Created by compile()
// (engine.hpp); instantiable in any store. The fuel plumbing of the rewrite is not
// visible in imports(): the store supplies it.
class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
  virtual const std::string& source() const = 0;
  virtual const std::vector<ImportDesc>& imports() const = 0;
  virtual const std::vector<ExportDesc>& exports() const = 0;
  virtual const Limits& limits() const = 0;
  // The module as instantiated: validated, memory/table caps applied, fuel metering
  // inserted when limits().metering. A second backend (wasm2c) would start from these.
  virtual const std::vector<std::uint8_t>& rewritten_bytes() const = 0;
};

// An opaque handle to a function, table, memory or global inside one Store.
struct Extern {
  enum class Kind : std::uint8_t { func, table, memory, global } kind = Kind::func;
  std::uint64_t handle = 0;
};

struct Instance {
  std::uint64_t handle = 0;
};

}  // namespace sensorhost::wasm
