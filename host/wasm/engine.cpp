// engine.hpp on top of the C++17 WABT adapter (wabt_backend.hpp).
#include "wasm/engine.hpp"

#include <algorithm>
#include <exception>

#include "wasm/wabt_backend.hpp"

namespace sensorhost::wasm {

Expected<std::shared_ptr<const CompiledModule>, LoadError> compile(std::span<const std::uint8_t> bytes,
                                                                  std::string source, const Limits& limits) {
  return wabt_backend::compile(bytes.data(), bytes.size(), std::move(source), limits);
}

namespace {

class StoreImpl final : public Store {
 public:
  Extern host_function(const FuncType& type, HostCallback callback, std::string debug_name) override {
    auto body = [this, callback = std::move(callback)](const Value* args, std::size_t arg_count, Value* results,
                                                       std::size_t result_count) -> std::optional<std::string> {
      // Nothing may propagate into the interpreter's frames (libwabt has no exceptions).
      try {
        auto r = callback(*this, std::span(args, arg_count), std::span(results, result_count));
        if (r) return std::nullopt;
        return std::move(r).error();
      } catch (const std::exception& e) {
        return std::string("threw: ") + e.what();
      } catch (...) {
        return std::string("threw an exception");
      }
    };
    return runtime_.host_function(type, std::move(body), std::move(debug_name));
  }

  Expected<Instance, Trap> instantiate(const CompiledModule& module, std::span<const Extern> imports) override {
    return runtime_.instantiate(module, imports.data(), imports.size());
  }
  std::optional<Extern> export_of(Instance instance, std::string_view name) const override {
    return runtime_.export_of(instance, std::string(name));
  }
  std::optional<FuncType> func_type(Extern func) const override { return runtime_.func_type(func); }

  Expected<std::vector<Value>, Trap> call(Extern func, std::span<const Value> args) override {
    std::vector<Value> results(runtime_.result_count(func).value_or(0));
    auto r = runtime_.call(func, args.data(), args.size(), results.data(), results.size());
    if (!r) return unexpected(std::move(r).error());
    return results;
  }
  Expected<Ok, Trap> call_into(Extern func, std::span<const Value> args, std::span<Value> results) override {
    return runtime_.call(func, args.data(), args.size(), results.data(), results.size());
  }

  void set_fuel(std::uint64_t fuel) override { runtime_.set_fuel(fuel); }
  std::uint64_t fuel() const override { return runtime_.fuel(); }

  std::size_t memory_size(Extern memory) const override { return runtime_.memory_size(memory); }
  bool memory_read(Extern memory, std::uint64_t offset, std::span<std::uint8_t> out) const override {
    return runtime_.memory_read(memory, offset, out.data(), out.size());
  }
  bool memory_write(Extern memory, std::uint64_t offset, std::span<const std::uint8_t> in) override {
    return runtime_.memory_write(memory, offset, in.data(), in.size());
  }
  std::optional<Value> global_get(Extern global) const override { return runtime_.global_get(global); }
  bool global_set(Extern global, const Value& value) override { return runtime_.global_set(global, value); }

 private:
  mutable wabt_backend::Runtime runtime_;
};

}  // namespace

std::unique_ptr<Store> Store::create() { return std::make_unique<StoreImpl>(); }

void ImportMap::add(std::string module, std::string name, Extern value) {
  entries_.push_back(Entry{std::move(module), std::move(name), value});
}

Expected<std::vector<Extern>, Trap> ImportMap::resolve(const CompiledModule& module) const {
  std::vector<Extern> out;
  for (const ImportDesc& want : module.imports()) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.module == want.module && e.name == want.name; });
    if (it == entries_.end()) {
      return unexpected(Trap{TrapKind::link_error,
                             module.source() + ": missing import '" + want.module + "'.'" + want.name + "' (" +
                                 to_string(want.type) + ")",
                             {}});
    }
    out.push_back(it->value);
  }
  return out;
}

}  // namespace sensorhost::wasm
