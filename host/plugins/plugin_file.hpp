#pragma once
// The plugin's .wasm file as the hot-reload watcher sees it: a cheap identity (mtime and
// size, one stat per cycle) and, once read, a content hash that names the version.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"

namespace sensorhost::plugins {

struct FileIdentity {
  std::int64_t mtime_ns = 0;
  std::uint64_t size = 0;
  bool operator==(const FileIdentity&) const = default;
};

// nullopt when the file does not exist or cannot be stat'ed.
std::optional<FileIdentity> stat_file(const std::filesystem::path& path);

// The whole file; the error names the file and the reason.
Expected<std::vector<std::uint8_t>, std::string> read_file(const std::filesystem::path& path);

// 64-bit FNV-1a of the bytes as 16 hex digits: the plugin's version in status and logs.
std::string content_hash(const std::vector<std::uint8_t>& bytes);

}  // namespace sensorhost::plugins
