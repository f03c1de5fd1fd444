// sensorhost-plugin on components: through the C++ entry points and the real binary.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <sys/wait.h>

#include "component_test_support.hpp"
#include "tools/component_tool.hpp"

namespace sensorhost::tools {
namespace {

namespace ct = component::test;

const std::string kPoll = "sensorhost:plugin/sensor-logic@0.1.0#poll";
const std::string kReading =
    R"({"sensor":"dht22","source":"sim","status":"ok","timestamp-ms":5,)"
    R"("values":[{"quantity":"temperature","value":31,"unit":"C"}],"error":""})";

struct ToolRun {
  int code;
  std::string out, err;
};

ToolRun invoke(const std::string& file, const std::string& name, std::vector<std::string> args,
              bool echo_imports = false) {
  InvokeOptions o;
  o.file = file;
  o.export_name = name;
  o.args = std::move(args);
  std::ostringstream out, err;
  int code = invoke_component(o, echo_imports, out, err);
  return {code, out.str(), err.str()};
}

std::string last_line(const std::string& s) {
  auto end = s.find_last_not_of('\n');
  auto start = s.rfind('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

TEST(ComponentTool, RecognisesComponents) {
  EXPECT_TRUE(is_component_file(ct::plugin_component("dht22")));
  EXPECT_FALSE(is_component_file("wit/types.wit"));
  EXPECT_FALSE(is_component_file("no/such/file"));
}

TEST(ComponentTool, InspectPrintsTheWorldInWit) {
  for (const char* name : {"dht22", "bme680", "pi-monitor", "dashboard"}) {
    std::ostringstream out, err;
    ASSERT_EQ(inspect_component(ct::plugin_component(name), 256, out, err), kOk) << err.str();
    EXPECT_NE(out.str().find("world " + std::string(name) + " {"), std::string::npos) << out.str();
  }
  std::ostringstream out, err;
  inspect_component(ct::plugin_component("dht22"), 256, out, err);
  EXPECT_NE(out.str().find("export sensorhost:plugin/sensor-logic@0.1.0;"), std::string::npos);
  EXPECT_NE(out.str().find("poll: func(sample: reading) -> result<string, string>;"), std::string::npos);
  EXPECT_NE(out.str().find("record reading { sensor: string, source: source"), std::string::npos);
}

TEST(ComponentTool, InvokeCallsAnExportWithJson) {
  ToolRun r = invoke(ct::plugin_component("dht22"), kPoll, {kReading});
  ASSERT_EQ(r.code, kOk) << r.err;
  EXPECT_EQ(last_line(r.out), R"j({"ok":"ALARM: 31.0 C above 28.0"})j");
  EXPECT_NE(r.err.find("fuel used:"), std::string::npos);
}

const std::string kGuest = "sensorhost:conformance/guest@0.1.0#";

// The conformance component through invoke: JSON in, through the guest's export and its
// import (answered by the echo stubs), JSON out.
const std::pair<std::string, std::string> kEchoes[] = {
    {"echo-bool", "true"},
    {"echo-s8", "-128"},
    {"echo-u64", "18446744073709551615"},
    {"echo-f32", "1.5"},
    {"echo-f64", "\"-Infinity\""},
    {"echo-char", "\"\u00e9\""},
    {"echo-string", "\"h\u00e9llo\""},
    {"echo-list", "[1,2,3]"},
    {"echo-strings", "[\"a\",\"\"]"},
    {"echo-point", R"j({"x":-1,"y":2})j"},
    {"echo-tuple", R"j([7,"seven",7.5])j"},
    {"echo-shape", R"j({"ratio":0.25})j"},
    {"echo-color", "\"green\""},
    {"echo-option", "null"},
    {"echo-result", R"j({"err":"no"})j"},
    {"echo-unit-result", R"j({"ok":null})j"},
    {"echo-perms", R"j(["read","write"])j"},
    {"echo-many", R"j(["f1","f18"])j"},
    {"echo-everything",
     R"j({"b":false,"byte":1,"bytes":[],"c":"c","co":"red","double":2.5,"int":-1,"long":-2,"m":[],"o":null,)j"
     R"j("p":{"x":0,"y":0},"pe":[],"r":{"ok":3},"s":"","sh":{"nothing":null},"short":-3,"single":0.5,)j"
     R"j("small":-4,"t":[1,"",0.0],"uint":5,"ulong":6,"ushort":7,"words":["w"]})j"},
};

TEST(ComponentTool, InvokeDrivesTheConformanceComponent) {
  for (const auto& [func, arg] : kEchoes) {
    ToolRun r = invoke(ct::conformance_component(), kGuest + func, {arg}, true);
    ASSERT_EQ(r.code, kOk) << func << ": " << r.err;
    EXPECT_EQ(nlohmann::json::parse(last_line(r.out)), nlohmann::json::parse(arg)) << func;
  }
  // 14 parameters, 18 flat values: spilled on the way in and on the way to the host.
  const std::vector<std::string> many = {"1", "-2", "3", "-4", "0.5", "0.25", "z", "true", "str", "[7,8]",
                                         R"j({"x":1,"y":2})j", "red", "99", "12345"};
  ToolRun r = invoke(ct::conformance_component(), kGuest + "many-params", many, true);
  ASSERT_EQ(r.code, kOk) << r.err;
  EXPECT_EQ(nlohmann::json::parse(nlohmann::json::parse(last_line(r.out)).get<std::string>()),
            nlohmann::json::parse(R"j([1,-2,3,-4,0.5,0.25,"z",true,"str",[7,8],{"x":1,"y":2},"red",99,12345])j"));
}

TEST(ComponentTool, InvokeReportsLiftingViolationsAsTraps) {
  for (const char* bad : {"bad-utf8", "bad-char", "bad-enum", "bad-variant", "bad-pointer", "bad-alignment"}) {
    ToolRun r = invoke(ct::conformance_component(), kGuest + bad, {}, true);
    EXPECT_EQ(r.code, kTrapped) << bad << ": " << r.out;
    EXPECT_NE(r.err.find("canonical ABI"), std::string::npos) << bad << ": " << r.err;
  }
}

TEST(ComponentTool, ForeignImportsAreListedWithoutEchoStubs) {
  ToolRun r = invoke(ct::conformance_component(), kGuest + "echo-u8", {"5"});
  EXPECT_EQ(r.code, kBadInput);
  EXPECT_NE(r.err.find("sensorhost:conformance/host@0.1.0"), std::string::npos) << r.err;
}

TEST(ComponentTool, BadArgumentsAndFilesExitWithTwo) {
  EXPECT_EQ(invoke(ct::plugin_component("dht22"), kPoll, {}).code, kBadInput);
  EXPECT_EQ(invoke(ct::plugin_component("dht22"), kPoll, {R"({"sensor": 1})"}).code, kBadInput);
  EXPECT_EQ(invoke(ct::plugin_component("dht22"), "nope#nope", {}).code, kBadInput);
  ToolRun missing = invoke("no/such.wasm", kPoll, {});
  EXPECT_EQ(missing.code, kBadInput);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos);
}

TEST(ComponentTool, FuelExhaustionIsATrap) {
  InvokeOptions o;
  o.file = ct::plugin_component("dht22");
  o.export_name = kPoll;
  o.args = {kReading};
  o.fuel = 1000;
  std::ostringstream out, err;
  EXPECT_EQ(invoke_component(o, false, out, err), kTrapped) << err.str();
  EXPECT_NE(err.str().find("fuel"), std::string::npos) << err.str();
}

// ---- the real binary

ToolRun run_tool(const std::string& args) {
  const std::string cmd = std::string(SENSORHOST_TEST_TOOL) + " " + args + " 2>/tmp/sensorhost-component-tool-test.err";
  std::array<char, 4096> buf;
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = p ? pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, ""};
}

TEST(ComponentToolBinary, InspectAndInvokeThroughTheCommandLine) {
  const std::string dht22 = ct::plugin_component("dht22").string();
  ToolRun inspect = run_tool("inspect " + dht22);
  EXPECT_EQ(inspect.code, 0);
  EXPECT_NE(inspect.out.find("world dht22 {"), std::string::npos) << inspect.out;
  ToolRun poll = run_tool("invoke " + dht22 + " '" + kPoll + "' '" + kReading + "'");
  EXPECT_EQ(poll.code, 0);
  EXPECT_EQ(last_line(poll.out), R"j({"ok":"ALARM: 31.0 C above 28.0"})j");
  EXPECT_EQ(run_tool("invoke " + dht22 + " '" + kPoll + "' '{}'").code, 2);
  EXPECT_EQ(run_tool("invoke " + dht22 + " '" + kPoll + "' '" + kReading + "' --fuel 100").code, 1);
  EXPECT_EQ(run_tool("inspect wit/types.wit").code, 2);
  const std::string conformance = ct::conformance_component().string();
  ToolRun echo = run_tool("invoke --echo-imports " + conformance + " '" + kGuest + "echo-point' '{\"x\":3,\"y\":-4}'");
  EXPECT_EQ(echo.code, 0);
  EXPECT_EQ(last_line(echo.out), R"j({"x":3,"y":-4})j");
  EXPECT_EQ(run_tool("invoke --echo-imports " + conformance + " '" + kGuest + "bad-utf8'").code, 1);
  EXPECT_EQ(run_tool("invoke " + conformance + " '" + kGuest + "echo-u8' 1").code, 2);
}

TEST(ComponentToolBinary, InspectOutputIsWitThatWasmToolsAccepts) {
  const std::pair<std::filesystem::path, std::string> components[] = {
      {ct::plugin_component("dht22"), "dht22"},
      {ct::plugin_component("dashboard"), "dashboard"},
      {ct::conformance_component(), "conformance"}};
  for (const auto& [file, name] : components) {
    const std::string wit = "/tmp/sensorhost-component-inspect-" + name + ".wit";
    ASSERT_EQ(run_tool("inspect " + file.string() + " > " + wit).code, 0);
    const std::string check = std::string(SENSORHOST_TEST_NODE) + " tests/component/check_wit.mjs " + wit + " " + name;
    EXPECT_EQ(std::system(check.c_str()), 0) << name << ": see " << wit;
  }
}

}  // namespace
}  // namespace sensorhost::tools
