#pragma once
// Internal: the WABT interpreter behind a C++17 interface without WABT types.
// engine.cpp (C++20) implements engine.hpp on top of this; only the adapter's own
// translation units (wabt_*.cpp, compiled as C++17) include WABT headers.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "wasm/types.hpp"

namespace sensorhost::wasm::wabt_backend {

// Validates, applies the limits and (when limits.metering) inserts fuel metering.
Expected<std::shared_ptr<const CompiledModule>, LoadError> compile(const std::uint8_t* data, std::size_t size,
                                                                  std::string source, const Limits& limits);

// A host function body as the adapter sees it: nullopt on success, else the error text.
using HostFn = std::function<std::optional<std::string>(const Value* args, std::size_t arg_count, Value* results,
                                                        std::size_t result_count)>;

// All runtime state of one plugin: the WABT store, its instances, the shared fuel
// counter and the interpreter threads. Not thread-safe (one plugin, one thread).
class Runtime {
 public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  Extern host_function(const FuncType& type, HostFn fn, std::string debug_name);
  Expected<Instance, Trap> instantiate(const CompiledModule& module, const Extern* imports, std::size_t count);
  std::optional<Extern> export_of(Instance instance, const std::string& name) const;
  std::optional<FuncType> func_type(Extern func) const;
  std::optional<std::size_t> result_count(Extern func) const;  // without building a FuncType
  Expected<Ok, Trap> call(Extern func, const Value* args, std::size_t arg_count, Value* results,
                          std::size_t result_count);

  void set_fuel(std::uint64_t fuel);
  std::uint64_t fuel() const;

  std::size_t memory_size(Extern memory) const;
  bool memory_read(Extern memory, std::uint64_t offset, std::uint8_t* out, std::size_t size) const;
  bool memory_write(Extern memory, std::uint64_t offset, const std::uint8_t* in, std::size_t size);
  std::optional<Value> global_get(Extern global) const;
  bool global_set(Extern global, const Value& value);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sensorhost::wasm::wabt_backend
