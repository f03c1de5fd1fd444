// The conformance component (built by the real pipeline from tests/component/conformance)
// driven through the C++ API: every supported type as parameter and result, through an
// export that calls back into a host import, spilled parameters and results, traps.
#include <gtest/gtest.h>

#include <cmath>

#include "component/component.hpp"
#include "component/wit.hpp"
#include "component_test_support.hpp"

namespace sensorhost::component {
namespace {

using nlohmann::json;

class Conformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pkg = load_wit_dir("tests/component/conformance/wit");
    ASSERT_TRUE(pkg) << pkg.error();
    package_ = new WitPackage(std::move(*pkg));
    auto c = Component::load_file(test::conformance_component());
    ASSERT_TRUE(c) << c.error().message;
    component_ = new std::shared_ptr<const Component>(*c);
  }
  static void TearDownTestSuite() {
    delete package_;
    delete component_;
  }

  void SetUp() override {
    linker_ = test::echo_linker(**component_, host_calls_);
    auto inst = Instance::instantiate(*component_, linker_);
    ASSERT_TRUE(inst) << inst.error().message;
    instance_ = std::move(*inst);
  }

  // Calls guest#NAME with JSON arguments and returns the JSON result.
  json call(const std::string& name, const json& args) {
    const WitFunction* f = package_->find_interface("guest")->find_function(name);
    EXPECT_NE(f, nullptr) << name;
    std::vector<Value> values;
    for (std::size_t i = 0; i < args.size(); ++i) {
      auto v = from_json(f->type.params[i].type, args[i]);
      EXPECT_TRUE(v) << v.error();
      values.push_back(*v);
    }
    auto r = instance_->call("sensorhost:conformance/guest@0.1.0#" + name, values);
    if (!r) return json{{"trap", r.error().message}};
    return *r ? to_json(f->type.result, **r) : json();
  }

  json echo(const std::string& name, const json& v) { return call(name, json::array({v})); }

  static WitPackage* package_;
  static std::shared_ptr<const Component>* component_;
  std::vector<std::string> host_calls_;
  Linker linker_;
  std::unique_ptr<Instance> instance_;
};

WitPackage* Conformance::package_ = nullptr;
std::shared_ptr<const Component>* Conformance::component_ = nullptr;

TEST_F(Conformance, PrimitivesRoundTripThroughExportAndImport) {
  EXPECT_EQ(echo("echo-bool", true), true);
  EXPECT_EQ(echo("echo-bool", false), false);
  EXPECT_EQ(echo("echo-s8", -128), -128);
  EXPECT_EQ(echo("echo-u8", 255), 255);
  EXPECT_EQ(echo("echo-s16", -32768), -32768);
  EXPECT_EQ(echo("echo-u16", 65535), 65535);
  EXPECT_EQ(echo("echo-s32", -2147483648LL), -2147483648LL);
  EXPECT_EQ(echo("echo-u32", 4294967295ULL), 4294967295ULL);
  EXPECT_EQ(echo("echo-s64", INT64_MIN), INT64_MIN);
  EXPECT_EQ(echo("echo-u64", UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(echo("echo-f32", 1.5), 1.5);
  EXPECT_EQ(echo("echo-f64", -2.25e300), -2.25e300);
  EXPECT_EQ(echo("echo-f64", "Infinity"), "Infinity");
  EXPECT_EQ(echo("echo-char", "\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(echo("echo-string", "gr\xc3\xbc\xc3\x9f" "e"), "gr\xc3\xbc\xc3\x9f" "e");
  EXPECT_EQ(echo("echo-string", ""), "");
  EXPECT_EQ(host_calls_.size(), 16u) << "every echo went through the host import";
}

TEST_F(Conformance, CompoundTypesRoundTrip) {
  const json list = json::array({1, 2, 4294967295ULL});
  EXPECT_EQ(echo("echo-list", list), list);
  EXPECT_EQ(echo("echo-list", json::array()), json::array());
  const json strings = json::array({"a", "", "long string with spaces"});
  EXPECT_EQ(echo("echo-strings", strings), strings);
  const json point = {{"x", -5}, {"y", 7}};
  EXPECT_EQ(echo("echo-point", point), point);
  const json tuple = json::array({9, "nine", 9.5});
  EXPECT_EQ(echo("echo-tuple", tuple), tuple);
  EXPECT_EQ(echo("echo-color", "blue"), "blue");
  EXPECT_EQ(echo("echo-option", nullptr), nullptr);
  EXPECT_EQ(echo("echo-option", "some"), "some");
  EXPECT_EQ(echo("echo-result", json{{"ok", 42}}), (json{{"ok", 42}}));
  EXPECT_EQ(echo("echo-result", json{{"err", "bad"}}), (json{{"err", "bad"}}));
  EXPECT_EQ(echo("echo-unit-result", json{{"err", nullptr}}), (json{{"err", nullptr}}));
  EXPECT_EQ(echo("echo-perms", json::array({"read", "exec"})), json::array({"read", "exec"}));
  EXPECT_EQ(echo("echo-many", json::array({"f0", "f17", "f19"})), json::array({"f0", "f17", "f19"}));
}

TEST_F(Conformance, VariantPayloadsOfEveryCoreType) {
  for (const json& v : {json{{"nothing", nullptr}}, json{{"circle", 2.5}}, json{{"rect", {{"x", 1}, {"y", -2}}}},
                        json{{"label", "tag"}}, json{{"big", 18446744073709551615ULL}}, json{{"ratio", 0.125}},
                        json{{"small", 200}}})
    EXPECT_EQ(echo("echo-shape", v), v) << v.dump();
}

TEST_F(Conformance, SpilledRecordAsParameterAndResult) {
  const json everything = {
      {"b", true}, {"small", -3}, {"byte", 250}, {"short", -300}, {"ushort", 60000}, {"int", -70000},
      {"uint", 4000000000ULL}, {"long", -5000000000LL}, {"ulong", 10000000000ULL}, {"single", 0.5},
      {"double", 1e-10}, {"c", "x"}, {"s", "text"}, {"bytes", json::array({0, 1, 255})},
      {"p", {{"x", 3}, {"y", 4}}}, {"t", json::array({1, "one", 1.0})}, {"sh", {{"label", "L"}}},
      {"co", "green"}, {"o", "opt"}, {"r", {{"err", "e"}}}, {"pe", json::array({"write"})},
      {"m", json::array({"f3", "f16"})}, {"words", json::array({"w1", "w2"})}};
  EXPECT_EQ(echo("echo-everything", everything), everything);
}

TEST_F(Conformance, SpilledParameterList) {
  const json args = json::array({1, -2, 3, -4, 0.5, 0.25, "z", true, "str", json::array({7, 8}),
                                 {{"x", 1}, {"y", 2}}, "red", 99, 12345678901234ULL});
  const json r = call("many-params", args);
  ASSERT_TRUE(r.is_string()) << r.dump();
  EXPECT_EQ(json::parse(r.get<std::string>()), args);
}

TEST_F(Conformance, StateLivesBetweenCalls) {
  EXPECT_EQ(call("counter", json::array()), 1);
  EXPECT_EQ(call("counter", json::array()), 2);
}

TEST_F(Conformance, HostErrorTrapsTheGuest) {
  const json r = call("fail", json::array({"host says no"}));
  ASSERT_TRUE(r.contains("trap")) << r.dump();
  EXPECT_NE(r["trap"].get<std::string>().find("host says no"), std::string::npos) << r.dump();
  // The instance is still usable afterwards.
  EXPECT_EQ(echo("echo-u8", 7), 7);
}

TEST_F(Conformance, LiftingViolationsTrap) {
  const std::pair<const char*, const char*> cases[] = {
      {"bad-utf8", "not valid UTF-8"},    {"bad-char", "not a Unicode scalar value"},
      {"bad-enum", "out of range"},       {"bad-variant", "out of range"},
      {"bad-pointer", "outside linear memory"}, {"bad-alignment", "not aligned"}};
  for (const auto& [fn, message] : cases) {
    const json r = call(fn, json::array());
    ASSERT_TRUE(r.contains("trap")) << fn << ": " << r.dump();
    EXPECT_NE(r["trap"].get<std::string>().find(message), std::string::npos) << fn << ": " << r.dump();
  }
}

TEST_F(Conformance, ArgumentsOfTheWrongShapeAreRefused) {
  auto r = instance_->call("sensorhost:conformance/guest@0.1.0#echo-u8", std::vector<Value>{Value(std::string("x"))});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("echo-u8"), std::string::npos);
  auto missing = instance_->call("sensorhost:conformance/guest@0.1.0#nope", {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no exported function"), std::string::npos);
}

TEST_F(Conformance, ReenteringTheInstanceTraps) {
  Linker linker = test::echo_linker(**component_, host_calls_);
  Instance* self = nullptr;
  const WitFunction* f = package_->find_interface("host")->find_function("echo-u32");
  linker.define("sensorhost:conformance/host@0.1.0", "echo-u32", f->type,
                [&](std::span<const Value>) -> Expected<std::optional<Value>, std::string> {
                  auto inner = self->call("sensorhost:conformance/guest@0.1.0#counter", {});
                  if (inner) return unexpected(std::string("re-entry was allowed"));
                  return unexpected(inner.error().message);
                });
  auto inst = Instance::instantiate(*component_, linker);
  ASSERT_TRUE(inst) << inst.error().message;
  self = inst->get();
  auto r = self->call("sensorhost:conformance/guest@0.1.0#echo-u32", std::vector<Value>{Value(std::uint64_t{1})});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("re-entered"), std::string::npos) << r.error().message;
}

TEST_F(Conformance, WrongHostSignatureIsALinkError) {
  Linker linker = test::echo_linker(**component_, host_calls_);
  linker.define("sensorhost:conformance/host@0.1.0", "echo-u8", *parse_func_type("func(v: u16) -> u16"),
                [](std::span<const Value> a) -> Expected<std::optional<Value>, std::string> { return std::optional<Value>(a[0]); });
  auto inst = Instance::instantiate(*component_, linker);
  ASSERT_FALSE(inst);
  const std::string& m = inst.error().message;
  EXPECT_NE(m.find("sensorhost:conformance/host@0.1.0"), std::string::npos) << m;
  EXPECT_NE(m.find("echo-u8"), std::string::npos) << m;
  EXPECT_NE(m.find("func(v: u16) -> u16"), std::string::npos) << m;
  EXPECT_NE(m.find("func(v: u8) -> u8"), std::string::npos) << m;
}

TEST_F(Conformance, MissingImportsAreListed) {
  Linker empty;
  auto inst = Instance::instantiate(*component_, empty);
  ASSERT_FALSE(inst);
  EXPECT_NE(inst.error().message.find("sensorhost:conformance/host@0.1.0#echo-bool"), std::string::npos);
  EXPECT_NE(inst.error().message.find("sensorhost:conformance/host@0.1.0#fail"), std::string::npos);
}

TEST_F(Conformance, WorldListsImportsAndExportsWithTypes) {
  const World& w = (*component_)->world();
  ASSERT_EQ(w.exports.size(), 1u);
  EXPECT_EQ(w.exports[0].first, "sensorhost:conformance/guest@0.1.0");
  const std::string wit = to_wit(w);
  EXPECT_NE(wit.find("import sensorhost:conformance/host@0.1.0;"), std::string::npos) << wit;
  EXPECT_NE(wit.find("echo-everything: func(v: everything) -> everything;"), std::string::npos) << wit;
  EXPECT_NE(wit.find("variant shape { nothing, circle(f32), rect(point)"), std::string::npos) << wit;
}

}  // namespace
}  // namespace sensorhost::component
