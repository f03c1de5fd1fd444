#pragma once
// A parser for the subset of WIT that sensorhost uses: one package spread over several
// files, interfaces with `use`, records, variants, enums, flags, type aliases and
// functions, and worlds that import and export interfaces. wit/ is the single source
// of truth: the bindings generator and the host's own signatures are read from it.
// Unsupported WIT (resources, futures, streams, world-level functions) is an error that
// names the construct and its file:line.
#include <filesystem>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "component/types.hpp"

namespace sensorhost::component {

struct WitFunction {
  std::string name;
  FuncType type;
  std::string docs;
};

struct WitInterface {
  std::string name;                    // "leds"
  std::string qualified;               // "sensorhost:plugin/leds@0.1.0"
  std::string docs;
  std::vector<TypeRef> types;          // declared here, in source order
  std::vector<TypeRef> used;           // brought in with `use`
  std::vector<WitFunction> functions;  // in source order

  const WitFunction* find_function(std::string_view name) const;
};

struct WitWorld {
  std::string name;
  std::string docs;
  std::vector<std::string> imports;  // qualified interface names, in source order
  std::vector<std::string> exports;
};

struct WitPackage {
  std::string ns, name, version;  // sensorhost, plugin, 0.1.0
  std::vector<WitInterface> interfaces;
  std::vector<WitWorld> worlds;

  // By short ("leds") or qualified ("sensorhost:plugin/leds@0.1.0") name.
  const WitInterface* find_interface(std::string_view name) const;
  const WitWorld* find_world(std::string_view name) const;
};

struct WitSource {
  std::string name;  // file name, for errors
  std::string text;
};

Expected<WitPackage, std::string> parse_wit(const std::vector<WitSource>& sources);
// Every *.wit file of `dir`, in name order.
Expected<WitPackage, std::string> load_wit_dir(const std::filesystem::path& dir);
// One function signature, e.g. "func(index: u32, on: bool) -> result<_, string>",
// with named types looked up in `scope` (the interface it belongs to).
Expected<FuncType, std::string> parse_func_type(std::string_view text, const WitInterface* scope = nullptr);

}  // namespace sensorhost::component
