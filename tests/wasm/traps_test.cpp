// Every trap kind comes back as a value with its kind and the function's name.
#include <gmock/gmock.h>

#include "wasm_test_support.hpp"

namespace sensorhost::wasm::test {
namespace {

using ::testing::HasSubstr;

struct TrapCase {
  const char* export_name;
  std::vector<Value> args;
  TrapKind kind;
  const char* function;  // expected name, "" when only the kind matters
};

class Traps : public ::testing::TestWithParam<std::tuple<TrapCase, bool>> {};

TEST_P(Traps, ComeBackWithKindAndFunction) {
  const auto& [c, metered] = GetParam();
  auto l = load("traps.wasm", metered ? Limits{} : unmetered());
  l.store->set_fuel(10'000'000);
  auto r = l.call(c.export_name, c.args);
  ASSERT_FALSE(r) << c.export_name << " did not trap";
  EXPECT_EQ(r.error().kind, c.kind) << r.error().to_string();
  if (*c.function) {
    EXPECT_EQ(r.error().function, c.function);
  }
  // The store stays usable after a trap.
  auto div = l.store->call(l.get("div_zero"), std::vector<Value>{std::int32_t{7}});
  ASSERT_TRUE(div) << div.error().to_string();
  EXPECT_EQ(std::get<std::int32_t>((*div)[0]), 1);
}

const TrapCase kCases[] = {
    {"unreachable", {}, TrapKind::unreachable, "do_unreachable"},
    {"memory_oob", {}, TrapKind::memory_out_of_bounds, "load_past_end"},
    {"div_zero", {std::int32_t{0}}, TrapKind::integer_divide_by_zero, "divide"},
    {"overflow", {}, TrapKind::integer_overflow, ""},
    {"bad_conversion", {}, TrapKind::invalid_conversion, ""},
    {"null_entry", {}, TrapKind::indirect_call, ""},
    {"signature_mismatch", {}, TrapKind::indirect_call, ""},
    {"table_oob", {}, TrapKind::table_out_of_bounds, ""},
    {"recurse", {std::int32_t{1}}, TrapKind::stack_exhausted, "recurse"},
    {"nested_div_zero", {}, TrapKind::integer_divide_by_zero, "helper"},
};

INSTANTIATE_TEST_SUITE_P(Wasm, Traps, ::testing::Combine(::testing::ValuesIn(kCases), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).export_name) +
                                  (std::get<1>(info.param) ? "_metered" : "_unmetered");
                         });

TEST(TrapNames, UnnamedFunctionsAreNumberedAsInTheOriginalModule) {
  for (bool metered : {true, false}) {
    auto l = load("unnamed.wasm", metered ? Limits{} : unmetered());
    auto r = l.call("boom", {std::int32_t{0}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().function, "func[0]") << "metered=" << metered;
  }
}

TEST(TrapNames, ToStringShowsKindFunctionAndMessage) {
  auto l = load("traps.wasm");
  auto r = l.call("unreachable");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string(), "trap (unreachable) in do_unreachable: unreachable executed");
}

Trap instantiation_trap(const std::string& name) {
  auto module = compile_module(name);
  auto store = Store::create();
  store->set_fuel(kTestFuel);
  auto r = store->instantiate(*module, {});
  EXPECT_FALSE(r) << name << " instantiated";
  return r ? Trap{} : r.error();
}

TEST(StartTraps, TrapInStartFunctionFailsInstantiation) {
  Trap t = instantiation_trap("start_trap.wasm");
  EXPECT_EQ(t.kind, TrapKind::unreachable);
  EXPECT_EQ(t.function, "init_fails");
}

TEST(StartTraps, DataSegmentOutOfBoundsFailsInstantiation) {
  Trap t = instantiation_trap("data_oob.wasm");
  EXPECT_EQ(t.kind, TrapKind::memory_out_of_bounds);
  EXPECT_THAT(t.message, HasSubstr("data segment"));
}

}  // namespace
}  // namespace sensorhost::wasm::test
