#pragma once
// Component Model value and function types, shared by the WIT parser, the binary
// parser, the Canonical ABI and the bindings generator. Types are immutable trees;
// a named type (a WIT `record reading`) is a node with `name` set, and equality is
// structural (names of types do not matter, names of fields and cases do), as the
// Component Model's subtyping-free MVP requires.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sensorhost::component {

enum class Kind : std::uint8_t {
  bool_, s8, u8, s16, u16, s32, u32, s64, u64, f32, f64, char_, string,
  list, record, tuple, variant, enum_, option, result, flags,
};

struct Type;
using TypeRef = std::shared_ptr<const Type>;

struct Field {
  std::string name;
  TypeRef type;
};
struct Case {
  std::string name;
  TypeRef type;  // null: no payload
};

struct Type {
  Kind kind = Kind::bool_;
  std::string name;                 // set for named (exported/declared) types
  std::string owner;                // WIT interface that declares it (from WIT text only)
  TypeRef element;                  // list, option
  std::vector<Field> fields;        // record
  std::vector<TypeRef> items;       // tuple
  std::vector<Case> cases;          // variant
  std::vector<std::string> labels;  // enum, flags
  TypeRef ok, err;                  // result (each may be null)
  // Nesting depth and node count with shared subtrees counted every time they appear:
  // set by the make_* functions so untrusted types can be bounded before any recursion.
  std::uint32_t depth = 1;
  std::uint64_t weight = 1;

  bool is_primitive() const { return kind <= Kind::string; }
};

// A type from its parts (computes depth and weight).
TypeRef make_type(Type t);
TypeRef primitive(Kind kind);
TypeRef make_list(TypeRef element);
TypeRef make_option(TypeRef element);
TypeRef make_result(TypeRef ok, TypeRef err);
TypeRef make_tuple(std::vector<TypeRef> items);
TypeRef make_record(std::vector<Field> fields, std::string name = {});
TypeRef make_variant(std::vector<Case> cases, std::string name = {});
TypeRef make_enum(std::vector<std::string> labels, std::string name = {});
TypeRef make_flags(std::vector<std::string> labels, std::string name = {});
// The same type under another name (a WIT type export or alias).
TypeRef with_name(const TypeRef& type, std::string name);
// The same type, marked as declared by interface `owner` (for printing `use`).
TypeRef with_owner(const TypeRef& type, std::string owner);

bool same_type(const TypeRef& a, const TypeRef& b);

// Variants, enums, options and results share the ABI of a variant: their cases.
// Returns the case payloads (null = none) of any of the four kinds.
std::vector<TypeRef> case_payloads(const Type& t);
std::size_t case_count(const Type& t);

struct Param {
  std::string name;
  TypeRef type;
};

struct FuncType {
  std::vector<Param> params;
  TypeRef result;  // null: no result
};
bool same_signature(const FuncType& a, const FuncType& b);

// WIT syntax: "u32", "list<string>", the name of a named type.
std::string to_wit(const TypeRef& type);
// The definition of a named type: "record reading { sensor: string, ... }".
std::string to_wit_definition(const TypeRef& type);
std::string to_wit(const FuncType& func);  // "func(index: u32, on: bool) -> result<_, string>"
std::string kind_name(Kind kind);

// ---- Canonical ABI layout (CanonicalABI.md: alignment, elem_size, flatten) ----
enum class CoreType : std::uint8_t { i32, i64, f32, f64 };
std::uint32_t abi_align(const Type& t);
std::uint32_t abi_size(const Type& t);
std::uint32_t align_to(std::uint32_t offset, std::uint32_t align);
// Byte size of a variant-like's discriminant (1, 2 or 4).
std::uint32_t discriminant_size(std::size_t cases);
std::uint32_t flags_size(std::size_t labels);
void flatten(const Type& t, std::vector<CoreType>& out);
std::vector<CoreType> flatten(const Type& t);
// Joined flat payload of a variant-like (without the discriminant).
std::vector<CoreType> variant_join(const Type& t);
// Offset of a variant-like's payload from its start.
std::uint32_t variant_payload_offset(const Type& t);

inline constexpr std::size_t max_flat_params = 16;
inline constexpr std::size_t max_flat_results = 1;

// Layout of a parameter list stored in memory (spilled): a tuple of the params.
TypeRef params_tuple(const FuncType& func);
std::vector<CoreType> flat_params(const FuncType& func);   // before spilling
std::vector<CoreType> flat_results(const FuncType& func);  // before spilling

}  // namespace sensorhost::component
