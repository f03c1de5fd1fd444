#pragma once
// The Canonical ABI (CanonicalABI.md), generic and driven by types: loading and storing
// values in a guest's linear memory, flattening them to core values, and whole
// signatures with spilling past MAX_FLAT_PARAMS / MAX_FLAT_RESULTS.
//
// Every check the specification makes when lifting (bad UTF-8, string/list out of
// bounds or misaligned, length past 2^28-1, bad discriminant, char out of range or a
// surrogate, core value of the wrong type) is an error string here; the caller turns it
// into a trap of the plugin. Nothing in here trusts guest memory or guest core values.
// Lowering host values checks their shape too (a host bug becomes an error, not UB).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "component/types.hpp"
#include "component/value.hpp"
#include "wasm/types.hpp"

namespace sensorhost::component {

// A guest's linear memory and allocator, as the Canonical ABI needs them.
class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  virtual std::uint64_t size() const = 0;
  virtual bool read(std::uint64_t offset, std::span<std::uint8_t> out) const = 0;
  virtual bool write(std::uint64_t offset, std::span<const std::uint8_t> in) = 0;
  // The component's cabi_realloc. An error when it traps or there is none.
  virtual Expected<std::uint32_t, std::string> realloc(std::uint32_t old_ptr, std::uint32_t old_size,
                                                       std::uint32_t align, std::uint32_t new_size) = 0;

  // List elements lifted through this memory so far. Lifting refuses to go past
  // max_lifted_elements, so a guest cannot make the host allocate without bound
  // (element sizes are small: a 16 MiB memory could describe 16 M one-byte values).
  mutable std::uint64_t lifted_elements = 0;
  std::uint64_t max_lifted_elements = 1u << 22;
};

inline constexpr std::uint32_t max_string_bytes = (1u << 28) - 1;

using CoreValues = std::vector<wasm::Value>;

Expected<Value, std::string> load(const GuestMemory& mem, const TypeRef& type, std::uint32_t ptr);
Expected<Ok, std::string> store(GuestMemory& mem, const TypeRef& type, const Value& value, std::uint32_t ptr);
// Lifts one value from flat core values starting at `pos` (advanced past it).
Expected<Value, std::string> lift_flat(const GuestMemory& mem, const TypeRef& type, std::span<const wasm::Value> flat,
                                       std::size_t& pos);
Expected<Ok, std::string> lower_flat(GuestMemory& mem, const TypeRef& type, const Value& value, CoreValues& out);

wasm::ValueType core_value_type(CoreType t);
// The core signature of a function: `lift` (an export: spilled results are returned
// as a pointer) or lower (an import: spilled results are written through a pointer
// passed as an extra last parameter).
wasm::FuncType core_signature(const FuncType& func, bool lift);

// Host calling a guest export.
Expected<CoreValues, std::string> lower_params(GuestMemory& mem, const FuncType& func, std::span<const Value> args);
Expected<std::optional<Value>, std::string> lift_results(const GuestMemory& mem, const FuncType& func,
                                                         std::span<const wasm::Value> core_results);
// Guest calling a host import.
Expected<std::vector<Value>, std::string> lift_params(const GuestMemory& mem, const FuncType& func,
                                                      std::span<const wasm::Value> core_args);
Expected<Ok, std::string> lower_results(GuestMemory& mem, const FuncType& func, const std::optional<Value>& result,
                                        std::span<const wasm::Value> core_args, std::span<wasm::Value> core_results);

// A GuestMemory over a plain byte vector with a bump allocator, for tests and tools.
class VectorMemory : public GuestMemory {
 public:
  explicit VectorMemory(std::size_t size, std::uint32_t heap_start = 1024) : bytes_(size), next_(heap_start) {}
  std::uint64_t size() const override { return bytes_.size(); }
  bool read(std::uint64_t offset, std::span<std::uint8_t> out) const override;
  bool write(std::uint64_t offset, std::span<const std::uint8_t> in) override;
  Expected<std::uint32_t, std::string> realloc(std::uint32_t old_ptr, std::uint32_t old_size, std::uint32_t align,
                                               std::uint32_t new_size) override;
  std::vector<std::uint8_t>& bytes() { return bytes_; }
  // Forgets every allocation (the bytes stay as they are).
  void reset(std::uint32_t heap_start = 1024) { next_ = heap_start; }
  std::size_t allocations() const { return allocations_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::uint32_t next_;
  std::size_t allocations_ = 0;
};

}  // namespace sensorhost::component
