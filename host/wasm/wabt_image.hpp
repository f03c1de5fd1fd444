#pragma once
// Internal to the C++17 WABT adapter: what compile() hands to Runtime::instantiate.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wabt/interp/interp.h"
#include "wasm/types.hpp"

namespace sensorhost::wasm::wabt_backend {

// Names of the imports the fuel rewrite appends; the store supplies them, so they are
// left out of CompiledModule::imports().
inline constexpr const char* kFuelModule = "sensorhost:engine";
inline constexpr const char* kFuelGlobal = "fuel";
inline constexpr const char* kFuelHandler = "out_of_fuel";

class ModuleImage final : public CompiledModule, public std::enable_shared_from_this<ModuleImage> {
 public:
  const std::string& source() const override { return source_; }
  const std::vector<ImportDesc>& imports() const override { return imports_; }
  const std::vector<ExportDesc>& exports() const override { return exports_; }
  const Limits& limits() const override { return limits_; }
  const std::vector<std::uint8_t>& rewritten_bytes() const override { return bytes_; }

  std::string source_;
  Limits limits_;
  std::vector<ImportDesc> imports_;  // user-visible: desc_.imports minus the hidden tail
  std::vector<ExportDesc> exports_;
  std::vector<std::uint8_t> bytes_;
  // Start section removed from desc_: the runtime calls it itself so that it runs on
  // the store's thread, with fuel and named traps.
  wabt::interp::ModuleDesc desc_;
  std::optional<wabt::interp::Index> start_;
  std::vector<std::string> func_names_;  // by function index; empty when unnamed
  std::size_t hidden_imports_ = 0;       // fuel global + handler, at the end of desc_.imports
  std::optional<wabt::interp::Index> handler_func_;  // index of the fuel handler when metered
};

}  // namespace sensorhost::wasm::wabt_backend
