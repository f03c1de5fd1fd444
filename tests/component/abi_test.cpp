// The Canonical ABI on data, without an engine: layout, flattening, store/load and
// flat round trips through a VectorMemory, and every lifting check.
#include <gtest/gtest.h>

#include <cstring>

#include "component/abi.hpp"
#include "component/wit.hpp"

namespace sensorhost::component {
namespace {

TypeRef T(Kind k) { return primitive(k); }

TypeRef shape() {
  return make_variant({{"nothing", nullptr},
                       {"circle", T(Kind::f32)},
                       {"rect", make_record({{"x", T(Kind::s32)}, {"y", T(Kind::s32)}})},
                       {"big", T(Kind::u64)},
                       {"ratio", T(Kind::f64)}});
}

TEST(AbiLayout, SizesAndAlignmentsFollowTheSpecification) {
  EXPECT_EQ(abi_size(*T(Kind::bool_)), 1u);
  EXPECT_EQ(abi_align(*T(Kind::u64)), 8u);
  EXPECT_EQ(abi_size(*T(Kind::string)), 8u);
  EXPECT_EQ(abi_align(*T(Kind::string)), 4u);
  // record { a: u8, b: u32, c: u16 } -> offsets 0, 4, 8; size 12, align 4
  auto rec = make_record({{"a", T(Kind::u8)}, {"b", T(Kind::u32)}, {"c", T(Kind::u16)}});
  EXPECT_EQ(abi_size(*rec), 12u);
  EXPECT_EQ(abi_align(*rec), 4u);
  // variant: u8 discriminant, payload aligned to 8 (u64/f64), size 16
  EXPECT_EQ(abi_size(*shape()), 16u);
  EXPECT_EQ(variant_payload_offset(*shape()), 8u);
  EXPECT_EQ(abi_size(*make_option(T(Kind::u8))), 2u);
  EXPECT_EQ(abi_size(*make_result(nullptr, nullptr)), 1u);
  std::vector<std::string> labels;
  for (int i = 0; i < 9; ++i) labels.push_back("f" + std::to_string(i));
  EXPECT_EQ(abi_size(*make_flags(labels)), 2u);
  labels.resize(20, "x");
  EXPECT_EQ(abi_size(*make_flags(labels)), 4u);
  std::vector<std::string> many(300, "c");
  EXPECT_EQ(discriminant_size(many.size()), 2u);
}

TEST(AbiLayout, VariantFlatteningJoinsPayloadTypes) {
  // discriminant, then joined: f32|i32|u64|f64 -> i64 ; rect's y -> i32
  EXPECT_EQ(flatten(*shape()), (std::vector<CoreType>{CoreType::i32, CoreType::i64, CoreType::i32}));
  EXPECT_EQ(flatten(*make_option(T(Kind::f32))), (std::vector<CoreType>{CoreType::i32, CoreType::f32}));
  EXPECT_EQ(flatten(*make_result(T(Kind::f32), T(Kind::u32))), (std::vector<CoreType>{CoreType::i32, CoreType::i32}));
}

TEST(AbiLayout, SignaturesSpillPastTheLimits) {
  FuncType small;
  small.params = {{"a", T(Kind::u32)}, {"s", T(Kind::string)}};
  small.result = T(Kind::u64);
  EXPECT_EQ(wasm::to_string(core_signature(small, true)), wasm::to_string(wasm::FuncType{
      {wasm::ValueType::i32, wasm::ValueType::i32, wasm::ValueType::i32}, {wasm::ValueType::i64}}));
  FuncType big;
  for (int i = 0; i < 17; ++i) big.params.push_back({"p" + std::to_string(i), T(Kind::u8)});
  big.result = T(Kind::string);
  // lift: params through a pointer, result pointer returned
  EXPECT_EQ(core_signature(big, true), (wasm::FuncType{{wasm::ValueType::i32}, {wasm::ValueType::i32}}));
  // lower: params through a pointer, result written through an extra pointer parameter
  EXPECT_EQ(core_signature(big, false), (wasm::FuncType{{wasm::ValueType::i32, wasm::ValueType::i32}, {}}));
}

class AbiMemory : public ::testing::Test {
 protected:
  VectorMemory mem{64 * 1024};

  void round_trip(const TypeRef& t, const nlohmann::json& j) {
    auto v = from_json(t, j);
    ASSERT_TRUE(v) << v.error();
    ASSERT_TRUE(store(mem, t, *v, 64)) << j.dump();
    auto back = load(mem, t, 64);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(to_json(t, *back), j);
    CoreValues flat;
    ASSERT_TRUE(lower_flat(mem, t, *v, flat));
    EXPECT_EQ(flat.size(), flatten(*t).size());
    std::size_t pos = 0;
    auto lifted = lift_flat(mem, t, flat, pos);
    ASSERT_TRUE(lifted) << lifted.error();
    EXPECT_EQ(pos, flat.size());
    EXPECT_EQ(to_json(t, *lifted), j);
  }

  void poke32(std::uint32_t at, std::uint32_t v) { std::memcpy(mem.bytes().data() + at, &v, 4); }

  std::string load_error(const TypeRef& t, std::uint32_t at) {
    auto v = load(mem, t, at);
    return v ? "" : v.error();
  }
};

TEST_F(AbiMemory, EveryTypeRoundTripsThroughMemoryAndFlatValues) {
  round_trip(T(Kind::bool_), true);
  round_trip(T(Kind::s8), -100);
  round_trip(T(Kind::u16), 65000);
  round_trip(T(Kind::s32), -7);
  round_trip(T(Kind::s64), -1234567890123LL);
  round_trip(T(Kind::u64), 18446744073709551615ULL);
  round_trip(T(Kind::f32), 3.5);
  round_trip(T(Kind::f64), -0.125);
  round_trip(T(Kind::char_), "\xe2\x82\xac");
  round_trip(T(Kind::string), "hello");
  round_trip(make_list(T(Kind::u16)), {1, 2, 3});
  round_trip(make_list(T(Kind::string)), {"a", "bc"});
  round_trip(make_tuple({T(Kind::u8), T(Kind::string)}), {1, "x"});
  round_trip(make_enum({"a", "b", "c"}), "c");
  round_trip(make_flags({"r", "w", "x"}), {"r", "x"});
  round_trip(make_option(T(Kind::string)), nullptr);
  round_trip(make_option(T(Kind::string)), "v");
  round_trip(make_result(T(Kind::u32), T(Kind::string)), {{"err", "bad"}});
  round_trip(make_result(nullptr, T(Kind::string)), {{"ok", nullptr}});
  for (const nlohmann::json& j : {nlohmann::json{{"circle", 1.5}}, nlohmann::json{{"rect", {{"x", -1}, {"y", 2}}}},
                                  nlohmann::json{{"big", 1ULL << 40}}, nlohmann::json{{"ratio", 2.5}},
                                  nlohmann::json{{"nothing", nullptr}}})
    round_trip(shape(), j);
}

TEST_F(AbiMemory, LiftingRefusesBadUtf8) {
  poke32(0, 100);
  poke32(4, 2);
  mem.bytes()[100] = 0xc3;
  mem.bytes()[101] = 0x28;  // not a continuation byte
  EXPECT_NE(load_error(T(Kind::string), 0).find("not valid UTF-8"), std::string::npos);
  mem.bytes()[100] = 0xed;  // surrogate U+D800 encoded in UTF-8
  mem.bytes()[101] = 0xa0;
  mem.bytes()[102] = 0x80;
  poke32(4, 3);
  EXPECT_NE(load_error(T(Kind::string), 0).find("not valid UTF-8"), std::string::npos);
  mem.bytes()[100] = 0xc0;  // overlong '\0'
  mem.bytes()[101] = 0x80;
  poke32(4, 2);
  EXPECT_NE(load_error(T(Kind::string), 0).find("not valid UTF-8"), std::string::npos);
}

TEST_F(AbiMemory, LiftingRefusesOutOfBoundsAndOversizedStringsAndLists) {
  poke32(0, 65530);
  poke32(4, 10);
  EXPECT_NE(load_error(T(Kind::string), 0).find("outside linear memory"), std::string::npos);
  poke32(4, 1u << 28);
  EXPECT_NE(load_error(T(Kind::string), 0).find("exceeds 2^28-1"), std::string::npos);
  poke32(0, 0xfffffff0u);
  poke32(4, 0x20);
  EXPECT_NE(load_error(make_list(T(Kind::u64)), 0).find("outside linear memory"), std::string::npos);
  EXPECT_NE(load_error(T(Kind::u32), 65534).find("misaligned"), std::string::npos);
  EXPECT_NE(load_error(T(Kind::u8), 70000).find("outside linear memory"), std::string::npos);
}

TEST_F(AbiMemory, LiftingStopsAtTheElementBudget) {
  mem.max_lifted_elements = 1000;
  poke32(0, 1024);
  poke32(4, 1001);
  auto v = load(mem, make_list(T(Kind::u8)), 0);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().find("limit of 1000 lifted elements"), std::string::npos) << v.error();
  poke32(4, 600);
  EXPECT_TRUE(load(mem, make_list(T(Kind::u8)), 0));
  EXPECT_FALSE(load(mem, make_list(T(Kind::u8)), 0)) << "the budget spans the whole call";
}

TEST_F(AbiMemory, LiftingRefusesMisalignedLists) {
  poke32(0, 102);
  poke32(4, 1);
  EXPECT_NE(load_error(make_list(T(Kind::u32)), 0).find("not aligned"), std::string::npos);
}

TEST_F(AbiMemory, LiftingRefusesBadDiscriminantsAndChars) {
  mem.bytes()[0] = 5;
  EXPECT_NE(load_error(shape(), 0).find("out of range"), std::string::npos);
  EXPECT_NE(load_error(make_enum({"a", "b"}), 0).find("out of range"), std::string::npos);
  mem.bytes()[0] = 2;
  EXPECT_NE(load_error(make_option(T(Kind::u8)), 0).find("out of range"), std::string::npos);
  poke32(8, 0xd800);
  EXPECT_NE(load_error(T(Kind::char_), 8).find("Unicode scalar"), std::string::npos);
  poke32(8, 0x110000);
  EXPECT_NE(load_error(T(Kind::char_), 8).find("Unicode scalar"), std::string::npos);
  const CoreValues flat = {std::int32_t{9}, std::int64_t{0}, std::int32_t{0}};
  std::size_t pos = 0;
  EXPECT_FALSE(lift_flat(mem, shape(), flat, pos));
  const CoreValues wrong_type = {std::int64_t{1}};
  pos = 0;
  EXPECT_FALSE(lift_flat(mem, T(Kind::u32), wrong_type, pos));
}

TEST_F(AbiMemory, SpilledParamsAreAllocatedWithRealloc) {
  FuncType f;
  std::vector<Value> args;
  for (int i = 0; i < 17; ++i) {
    f.params.push_back({"p" + std::to_string(i), T(Kind::u32)});
    args.push_back(Value(static_cast<std::uint64_t>(i * 3)));
  }
  auto core = lower_params(mem, f, args);
  ASSERT_TRUE(core) << core.error();
  ASSERT_EQ(core->size(), 1u);
  EXPECT_EQ(mem.allocations(), 1u);
  auto back = lift_params(mem, f, *core);
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->size(), 17u);
  EXPECT_EQ(*(*back)[16].get<std::uint64_t>(), 48u);
}

TEST_F(AbiMemory, SpilledResultsGoThroughTheReturnPointer) {
  FuncType f;
  f.result = make_tuple({T(Kind::string), T(Kind::u64)});
  const CoreValues args = {std::int32_t{256}};
  std::vector<wasm::Value> none;
  auto v = from_json(f.result, nlohmann::json::array({"res", 5}));
  ASSERT_TRUE(lower_results(mem, f, *v, args, none));
  auto lifted = lift_results(mem, f, CoreValues{std::int32_t{256}});
  ASSERT_TRUE(lifted) << lifted.error();
  EXPECT_EQ(to_json(f.result, **lifted), nlohmann::json::array({"res", 5}));
  // A misaligned or out-of-bounds return pointer is refused.
  EXPECT_FALSE(lower_results(mem, f, *v, CoreValues{std::int32_t{3}}, none));
  EXPECT_FALSE(lower_results(mem, f, *v, CoreValues{std::int32_t{65532}}, none));
}

TEST_F(AbiMemory, HostValuesOfTheWrongShapeAreErrors) {
  CoreValues flat;
  EXPECT_FALSE(lower_flat(mem, T(Kind::u8), Value(std::uint64_t{300}), flat));
  EXPECT_FALSE(lower_flat(mem, T(Kind::string), Value(true), flat));
  EXPECT_FALSE(store(mem, make_enum({"a"}), Value::of_case(3), 0));
  EXPECT_FALSE(store(mem, T(Kind::char_), Value(char32_t{0xdfff}), 0));
}

TEST(ValueJson, MappingOfTheIssue) {
  auto rec = make_record({{"a", T(Kind::u8)}, {"b", make_option(T(Kind::string))}});
  auto v = from_json(rec, {{"a", 1}, {"b", nullptr}});
  ASSERT_TRUE(v);
  EXPECT_EQ(to_json(rec, *v), (nlohmann::json{{"a", 1}, {"b", nullptr}}));
  EXPECT_FALSE(from_json(rec, {{"a", 1}}));                            // missing field
  EXPECT_FALSE(from_json(rec, {{"a", 1}, {"b", nullptr}, {"c", 2}}));  // unknown field
  EXPECT_FALSE(from_json(T(Kind::u8), 256));
  EXPECT_FALSE(from_json(T(Kind::s8), -129));
  EXPECT_FALSE(from_json(T(Kind::u32), -1));
  EXPECT_FALSE(from_json(T(Kind::char_), "ab"));
  EXPECT_FALSE(from_json(make_enum({"x"}), "y"));
  EXPECT_FALSE(from_json(make_flags({"x"}), {"y"}));
  EXPECT_FALSE(from_json(make_tuple({T(Kind::u8)}), {1, 2}));
  auto err = from_json(T(Kind::u8), "x");
  ASSERT_FALSE(err);
  EXPECT_NE(err.error().find("expected u8"), std::string::npos) << err.error();
  auto var = make_variant({{"none", nullptr}, {"some", T(Kind::u8)}});
  EXPECT_EQ(to_json(var, *from_json(var, "none")), (nlohmann::json{{"none", nullptr}}));
  EXPECT_EQ(to_json(var, *from_json(var, {{"some", 3}})), (nlohmann::json{{"some", 3}}));
  EXPECT_FALSE(from_json(var, {{"some", nullptr}}));
  EXPECT_EQ(to_json(T(Kind::f64), *from_json(T(Kind::f64), "NaN")), "NaN");
}

TEST(WitText, TheProjectPackageHasTheFourWorlds) {
  auto pkg = load_wit_dir("wit");
  ASSERT_TRUE(pkg) << pkg.error();
  EXPECT_EQ(pkg->ns + ":" + pkg->name + "@" + pkg->version, "sensorhost:plugin@0.1.0");
  for (const char* w : {"dht22", "bme680", "pi-monitor", "dashboard"}) EXPECT_NE(pkg->find_world(w), nullptr) << w;
  const WitWorld* dash = pkg->find_world("dashboard");
  for (const auto& i : dash->imports) {
    EXPECT_EQ(i.find("leds"), std::string::npos) << "the dashboard has no LED access";
    EXPECT_EQ(i.find("sensors"), std::string::npos) << "the dashboard has no hardware access";
  }
  const WitFunction* poll = pkg->find_interface("sensor-logic")->find_function("poll");
  ASSERT_NE(poll, nullptr);
  EXPECT_EQ(to_wit(poll->type), "func(sample: reading) -> result<string, string>");
  EXPECT_EQ(poll->type.params[0].type->owner, "types");
}

TEST(WitText, ErrorsNameFileLineAndConstruct) {
  auto bad = parse_wit({{"a.wit", "package a:b;\ninterface i {\n  f: func(x: nope);\n}\n"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("a.wit:3"), std::string::npos) << bad.error();
  EXPECT_NE(bad.error().find("unknown type 'nope'"), std::string::npos) << bad.error();
  auto res = parse_wit({{"r.wit", "package a:b;\ninterface i {\n  resource r;\n}\n"}});
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().find("resources are not supported"), std::string::npos) << res.error();
  auto syntax = parse_wit({{"s.wit", "package a:b;\ninterface i {\n  f func();\n}\n"}});
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().find("s.wit:3: expected ':'"), std::string::npos) << syntax.error();
  auto cyc = parse_wit({{"c.wit", "package a:b;\ninterface i { record r { x: r } }\n"}});
  ASSERT_FALSE(cyc);
  EXPECT_NE(cyc.error().find("refers to itself"), std::string::npos) << cyc.error();
}

TEST(WitText, SignaturesParseAgainstAnInterfaceScope) {
  auto pkg = load_wit_dir("wit");
  ASSERT_TRUE(pkg);
  auto f = parse_func_type("func(s: setting-value) -> option<u32>", pkg->find_interface("settings"));
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->params[0].type->kind, Kind::variant);
  EXPECT_FALSE(parse_func_type("func(s: setting-value)"));
}

}  // namespace
}  // namespace sensorhost::component
