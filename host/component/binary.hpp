#pragma once
// The Component Model binary format (Binary.md), parsed into a syntax tree that keeps
// every definition in section order with its byte offset. Indices are not resolved
// here: the linker (component.hpp) walks the tree, building the index spaces, which is
// how aliases, nested components and exports (which add an index too) get their
// meaning. Everything the format has is parsed; what we cannot run is refused by the
// parser (resources, async, streams, futures, error-context, values, start functions,
// string encodings other than UTF-8) with the feature's name and the offset.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/expected.hpp"
#include "component/types.hpp"

namespace sensorhost::component {

struct ParseError {
  std::string source;
  std::size_t offset = 0;
  std::string reason;
  std::string to_string() const;  // "plugin.wasm:0x1a: reason"
};

enum class Sort : std::uint8_t {
  core_func, core_table, core_memory, core_global, core_type, core_module, core_instance,
  func, value, type, component, instance,
};
std::string to_string(Sort sort);
inline bool is_core(Sort s) { return s <= Sort::core_instance; }

struct SortIdx {
  Sort sort = Sort::func;
  std::uint32_t index = 0;
};

// A value type reference: a primitive or an index into the type space.
struct ValTypeRef {
  bool is_primitive = true;
  Kind primitive = Kind::bool_;
  std::uint32_t index = 0;
};

struct DefValType {
  Kind kind = Kind::record;
  std::vector<std::pair<std::string, std::optional<ValTypeRef>>> members;  // record fields, variant cases
  std::vector<std::string> labels;                                         // enum, flags
  std::vector<ValTypeRef> items;                                           // tuple
  std::optional<ValTypeRef> first, second;  // list/option element; result ok, err
};

struct FuncTypeDef {
  std::vector<std::pair<std::string, ValTypeRef>> params;
  std::optional<ValTypeRef> result;
};

struct ExternDesc {
  enum Kind : std::uint8_t { core_module, func, value, type_eq, type_sub_resource, component, instance } kind = func;
  std::uint32_t index = 0;
};

struct Alias {
  Sort sort = Sort::func;
  enum Target : std::uint8_t { export_, core_export, outer } target = export_;
  std::uint32_t instance = 0;  // export_, core_export
  std::string name;            // export_, core_export
  std::uint32_t count = 0;     // outer
  std::uint32_t index = 0;     // outer
};

struct TypeDef;
// A declaration inside an instance or component type.
struct Decl {
  enum Kind : std::uint8_t { core_type_decl, type_decl, alias_decl, export_decl, import_decl } kind = type_decl;
  std::shared_ptr<const TypeDef> type;  // type
  Alias alias;                          // alias
  std::string name;                     // export_, import
  ExternDesc desc;                      // export_, import
};

struct InstanceTypeDef {
  std::vector<Decl> decls;
};
struct ComponentTypeDef {
  std::vector<Decl> decls;
};

struct TypeDef {
  std::variant<DefValType, FuncTypeDef, InstanceTypeDef, ComponentTypeDef> def;
  std::size_t offset = 0;
};

struct CanonOpts {
  std::optional<std::uint32_t> memory, realloc, post_return;
};

struct Canon {
  enum Kind : std::uint8_t { lift, lower } kind = lift;
  std::uint32_t func = 0;  // lift: core func; lower: component func
  CanonOpts opts;
  std::uint32_t type = 0;  // lift: the component function type
};

struct CoreModuleDef {
  std::vector<std::uint8_t> bytes;
};

struct CoreInstanceDef {
  bool instantiate = true;
  std::uint32_t module = 0;
  std::vector<std::pair<std::string, std::uint32_t>> args;   // name -> core instance
  std::vector<std::pair<std::string, SortIdx>> exports;     // inline exports (core sorts)
};

struct CoreTypeDef {};  // core func/module types: parsed and checked, not needed to run

struct InstanceDef {
  bool instantiate = true;
  std::uint32_t component = 0;
  std::vector<std::pair<std::string, SortIdx>> args;     // instantiate: with
  std::vector<std::pair<std::string, SortIdx>> exports;  // inline exports
};

struct ImportDef {
  std::string name;
  ExternDesc desc;
};

struct ExportDef {
  std::string name;
  SortIdx item;
  std::optional<ExternDesc> desc;
};

struct ComponentAst;
using Definition = std::variant<CoreModuleDef, CoreInstanceDef, CoreTypeDef, std::shared_ptr<const ComponentAst>,
                                InstanceDef, Alias, TypeDef, Canon, ImportDef, ExportDef>;

struct Item {
  Definition def;
  std::size_t offset = 0;  // in the outermost file
};

struct ComponentAst {
  std::vector<Item> items;  // in section order
};

Expected<std::shared_ptr<const ComponentAst>, ParseError> parse_component(std::span<const std::uint8_t> bytes,
                                                                          const std::string& source);

// Little helpers shared with the Canonical ABI and the tests.
bool is_component(std::span<const std::uint8_t> bytes);
bool is_core_module(std::span<const std::uint8_t> bytes);

}  // namespace sensorhost::component
