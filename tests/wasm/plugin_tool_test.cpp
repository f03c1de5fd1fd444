// Runs the real sensorhost-plugin binary and checks its output and exit codes
// (0 success, 1 trap, 2 bad module or bad arguments).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using ::testing::HasSubstr;

struct ToolRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string module(const std::string& name) { return std::string(SENSORHOST_TEST_MODULES) + "/" + name; }

// Arguments are test constants without shell metacharacters.
ToolRun tool(const std::string& args) {
  std::string base = ::testing::TempDir() + "plugin_tool_" + std::to_string(::getpid());
  std::string command = std::string(SENSORHOST_PLUGIN_TOOL) + " " + args + " >" + base + ".out 2>" + base + ".err";
  int status = std::system(command.c_str());
  ToolRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

TEST(PluginTool, InspectListsImportsAndExportsWithTypes) {
  ToolRun r = tool("inspect " + module("imports.wasm"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imports (3):"));
  EXPECT_THAT(r.out, HasSubstr("env.add: func (i32, i32) -> (i32)"));
  EXPECT_THAT(r.out, HasSubstr("env.scale: global const i32"));
  EXPECT_THAT(r.out, HasSubstr("add_scaled: func (i32, i32) -> (i32)"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("sensorhost:engine")));
}

TEST(PluginTool, InspectShowsTheMemoryCap) {
  ToolRun r = tool("inspect " + module("memory.wasm") + " --max-memory-pages 8");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("memory: memory [1, 8] pages"));
}

TEST(PluginTool, InspectOfABrokenModuleExitsTwoWithOffset) {
  ToolRun r = tool("inspect " + module("invalid_code.wasm"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("invalid_code.wasm:0x"));
  EXPECT_THAT(r.err, HasSubstr("type mismatch"));
  ToolRun missing = tool("inspect /nonexistent/plugin.wasm");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot open"));
}

TEST(PluginTool, InvokePrintsResults) {
  ToolRun r = tool("invoke " + module("exporter.wasm") + " double 21");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "i32:42\n");
  EXPECT_THAT(r.err, HasSubstr("fuel used: "));
  ToolRun negative = tool("invoke " + module("exporter.wasm") + " double -4");
  EXPECT_EQ(negative.exit_code, 0) << negative.err;
  EXPECT_EQ(negative.out, "i32:-8\n");
}

TEST(PluginTool, InvokeReportsTrapsWithExitOne) {
  ToolRun r = tool("invoke " + module("traps.wasm") + " div_zero 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("trap (integer divide by zero) in divide"));
}

TEST(PluginTool, InvokeStopsRunawayCodeWithFuel) {
  ToolRun r = tool("invoke " + module("traps.wasm") + " recurse 1 --fuel 500");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("fuel exhausted"));
  EXPECT_THAT(r.err, HasSubstr("fuel used: 500"));
}

TEST(PluginTool, InvokeAppliesTheMemoryCap) {
  ToolRun capped = tool("invoke " + module("memory.wasm") + " grow 2 --max-memory-pages 2");
  EXPECT_EQ(capped.exit_code, 0) << capped.err;
  EXPECT_EQ(capped.out, "i32:-1\n");
  ToolRun roomy = tool("invoke " + module("memory.wasm") + " grow 2 --max-memory-pages 3");
  EXPECT_EQ(roomy.out, "i32:1\n");
}

TEST(PluginTool, BadArgumentsExitTwo) {
  EXPECT_EQ(tool("").exit_code, 2);
  EXPECT_EQ(tool("frobnicate x").exit_code, 2);
  const std::string exporter = "invoke " + module("exporter.wasm");
  const std::pair<std::string, std::string> cases[] = {
      {exporter + " double", "takes 1 arguments (i32) -> (i32), got 0"},
      {exporter + " double twelve", "'twelve' is not an integer"},
      {exporter + " double 4294967296", "out of range"},
      {exporter + " triple 1", "exports no function 'triple'"},
      {"invoke " + module("imports.wasm") + " add_scaled 1 2", "imports env.add"},
  };
  for (const auto& [args, message] : cases) {
    ToolRun r = tool(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_THAT(r.err, HasSubstr(message)) << args;
  }
}

}  // namespace
