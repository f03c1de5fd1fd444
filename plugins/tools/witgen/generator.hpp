#pragma once
// Generates the C bindings of one WIT world: a header with the C types, the imported
// functions a plugin calls and the exported functions it implements, and a glue file
// that converts between C values and the Canonical ABI's flat core signatures.
//
// C types are laid out so that their memory layout IS the Canonical ABI layout on
// wasm32 (records are structs, variants are {tag; union}, strings and lists are
// {ptr; len}), so spilled parameters and results are plain structs in memory; only the
// flat (register) form needs generated conversion code.
#include <string>

#include "common/expected.hpp"
#include "component/wit.hpp"

namespace sensorhost::witgen {

struct Bindings {
  std::string header;  // <world>.h
  std::string source;  // <world>.c
};

Expected<Bindings, std::string> generate(const component::WitPackage& package, const std::string& world);

}  // namespace sensorhost::witgen
