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
#include "wasm/types.hpp"

namespace sensorhost::wasm {

// The types (Value, FuncType, ExternType, LoadError, Trap, Limits, CompiledModule,
// Extern, Instance) live in types.hpp, which the C++17 WABT adapter shares.

// Validates `bytes`, applies the limits (memory clamp, fuel rewrite) and returns a
// module that can be instantiated in any store. `source` names the bytes in errors.
Expected<std::shared_ptr<const CompiledModule>, LoadError> compile(std::span<const std::uint8_t> bytes,
                                                                  std::string source, const Limits& limits);

class Store;
// A host function's body. `args` match the declared params; `results` arrive set to
// zeros of the declared result types: overwrite them (same types). Returning an error
// string, writing a result of the wrong type or throwing traps the calling guest with
// TrapKind::host_error (the exception never reaches the interpreter).
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
  // call() without the result vector: `results` must hold exactly as many values as the
  // function returns (their types are overwritten). For hot paths.
  virtual Expected<Ok, Trap> call_into(Extern func, std::span<const Value> args, std::span<Value> results) = 0;

  // Fuel shared by every instance of the store. Set before a call, read after it.
  // A new store has none: set it before instantiating (start functions are metered)
  // and before calling metered code, or the first charge traps with fuel_exhausted.
  // Metered code charges at each function entry and loop iteration the number of
  // instructions that entry/iteration guards; when the budget cannot cover a charge the
  // call traps with TrapKind::fuel_exhausted and fuel() is 0. After any other trap fuel()
  // is too high by the work the trapping function did since it started or last called
  // out (a function with loops keeps the counter in a local): do not bill from it.
  virtual void set_fuel(std::uint64_t fuel) = 0;
  virtual std::uint64_t fuel() const = 0;

  // Linear memory access, bounds-checked: false when [offset, offset+size) is outside
  // or the handle is not a memory of this store. Never keep pointers into guest memory:
  // any guest call may grow (move) it.
  virtual std::size_t memory_size(Extern memory) const = 0;  // bytes; 0 for a bad handle
  virtual bool memory_read(Extern memory, std::uint64_t offset, std::span<std::uint8_t> out) const = 0;
  virtual bool memory_write(Extern memory, std::uint64_t offset, std::span<const std::uint8_t> in) = 0;

  virtual std::optional<Value> global_get(Extern global) const = 0;
  virtual bool global_set(Extern global, const Value& value) = 0;
};

// Binds imports by (module, name) instead of by position: add what the host offers,
// then resolve() a module's imports in its order. A missing import is a link_error
// naming it and the type the module expects; types are checked by instantiate().
class ImportMap {
 public:
  void add(std::string module, std::string name, Extern value);
  Expected<std::vector<Extern>, Trap> resolve(const CompiledModule& module) const;

 private:
  struct Entry {
    std::string module;
    std::string name;
    Extern value;
  };
  std::vector<Entry> entries_;
};

}  // namespace sensorhost::wasm
