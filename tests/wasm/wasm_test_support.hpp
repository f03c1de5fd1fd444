#pragma once
// Shared helpers for the engine tests: test modules are .wat files assembled at build
// time into SENSORHOST_TEST_MODULES (see CMakeLists.txt).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "wasm/engine.hpp"

namespace sensorhost::wasm::test {

inline std::string module_path(const std::string& name) { return std::string(SENSORHOST_TEST_MODULES) + "/" + name; }

inline std::vector<std::uint8_t> module_bytes(const std::string& name) {
  std::ifstream in(module_path(name), std::ios::binary);
  EXPECT_TRUE(in) << "missing test module " << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::shared_ptr<const CompiledModule> compile_module(const std::string& name, const Limits& limits = {}) {
  auto m = compile(module_bytes(name), name, limits);
  EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
  return m ? *m : nullptr;
}

inline constexpr std::uint64_t kTestFuel = 10'000'000;

// Instantiates and looks up one export; fails the test on any error.
struct Loaded {
  std::unique_ptr<Store> store = Store::create();
  std::shared_ptr<const CompiledModule> module;
  Instance instance;

  Extern get(std::string_view name) const {
    auto e = store->export_of(instance, name);
    EXPECT_TRUE(e.has_value()) << "no export " << name;
    return e.value_or(Extern{});
  }
  Expected<std::vector<Value>, Trap> call(std::string_view name, std::vector<Value> args = {}) {
    return store->call(get(name), args);
  }
};

inline Loaded load(const std::string& name, const Limits& limits = {}, std::vector<Extern> imports = {},
                   std::unique_ptr<Store> store = nullptr) {
  Loaded l;
  if (store) l.store = std::move(store);
  l.module = compile_module(name, limits);
  if (!l.module) return l;
  l.store->set_fuel(kTestFuel);  // a new store has none; start functions run on it
  auto inst = l.store->instantiate(*l.module, imports);
  EXPECT_TRUE(inst) << (inst ? "" : inst.error().to_string());
  if (inst) l.instance = *inst;
  return l;
}

inline Limits unmetered() {
  Limits l;
  l.metering = false;
  return l;
}

}  // namespace sensorhost::wasm::test
