#pragma once
// The one WebAssembly engine interface of the project. Everything above it (the
// component layer, the plugin runtime, the developer tool) speaks only these types;
// the WABT interpreter backend lives behind it in a C++17 adapter and no WABT type
// appears here. A later native tier (wasm2c) would implement the same interface.
//
// Shape:
//   compile()  bytes -> validated, limit- and fuel-rewritten CompiledModule (no store)
//   Store      everything one plugin owns: instances, host functions, memories, the
//              fuel counter. Core instances inside one store link to each other through
//              Extern handles (a component is several core instances in one store).
//   call()     runs an exported or linked function; traps come back as values.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/expected.hpp"

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
  bool operator==(const FuncType&) const = default;
};
std::string to_string(const FuncType& t);  // "(i32, i64) -> (f32)"

struct MemoryType {
  std::uint32_t min_pages = 0;
  std::optional<std::uint32_t> max_pages;
};
struct TableType {
  std::uint32_t min = 0;
  std::optional<std::uint32_t> max;
};
struct GlobalType {
  ValueType type = ValueType::i32;
  bool is_mutable = false;
};
using ExternType = std::variant<FuncType, TableType, MemoryType, GlobalType>;
std::string to_string(const ExternType& t);

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
  table_out_of_bounds,
  stack_exhausted,
  fuel_exhausted,
  host_error,           // a host function reported failure
  link_error,           // instantiation: missing or mistyped import
  other,
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
  // Insert fuel metering. When off, fuel is neither charged nor checked.
  bool metering = true;
};

class CompiledModule;  // validated and rewritten bytes plus their description

// Validates `bytes`, applies the limits (memory clamp, fuel rewrite) and returns a
// module that can be instantiated in any store. `source` names the bytes in errors.
Expected<std::shared_ptr<const CompiledModule>, LoadError> compile(std::span<const std::uint8_t> bytes,
                                                                  std::string source, const Limits& limits);

class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
  virtual const std::string& source() const = 0;
  virtual const std::vector<ImportDesc>& imports() const = 0;
  virtual const std::vector<ExportDesc>& exports() const = 0;
  virtual const Limits& limits() const = 0;
};

// An opaque handle to a function, table, memory or global inside one Store.
struct Extern {
  enum class Kind : std::uint8_t { func, table, memory, global } kind = Kind::func;
  std::uint64_t handle = 0;
};

struct Instance {
  std::uint64_t handle = 0;
};

class Store;
// A host function's body. `args` match the declared params; write `results`.
// Returning an error string traps the calling guest with TrapKind::host_error.
using HostCallback = std::function<Expected<Ok, std::string>(Store& store, std::span<const Value> args,
                                                             std::span<Value> results)>;

class Store {
 public:
  static std::unique_ptr<Store> create();
  virtual ~Store() = default;

  virtual Extern host_function(const FuncType& type, HostCallback callback, std::string debug_name) = 0;

  // Instantiates `module` with one Extern per import, in the module's import order.
  // Kinds and types are checked; a mismatch is a Trap of kind link_error naming the
  // import (module/name) and both signatures. A trap in the start function is returned too.
  virtual Expected<Instance, Trap> instantiate(const CompiledModule& module, std::span<const Extern> imports) = 0;
  virtual std::optional<Extern> export_of(Instance instance, std::string_view name) const = 0;
  virtual std::optional<FuncType> func_type(Extern func) const = 0;

  // Calls a function. Re-entrant: a host callback may call back into the guest
  // (the Canonical ABI calls realloc that way); nested calls draw on the same fuel.
  virtual Expected<std::vector<Value>, Trap> call(Extern func, std::span<const Value> args) = 0;

  // Fuel shared by every instance of the store. Set before a call, read after it.
  virtual void set_fuel(std::uint64_t fuel) = 0;
  virtual std::uint64_t fuel() const = 0;

  // Linear memory access, bounds-checked: false when [offset, offset+size) is outside.
  virtual std::size_t memory_size(Extern memory) const = 0;  // bytes
  virtual bool memory_read(Extern memory, std::uint64_t offset, std::span<std::uint8_t> out) const = 0;
  virtual bool memory_write(Extern memory, std::uint64_t offset, std::span<const std::uint8_t> in) = 0;

  virtual std::optional<Value> global_get(Extern global) const = 0;
  virtual bool global_set(Extern global, const Value& value) = 0;
};

}  // namespace sensorhost::wasm
