#pragma once
// Small file helpers for sysfs-style trees (IIO devices, thermal zones, /dev listings).
// They never throw: errors name the file and the system's reason, because sysfs reports
// sensor failures as read errors (the DHT IIO driver returns EIO/ETIMEDOUT).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace sensorhost::sensors {

// The file's text without trailing whitespace.
Expected<std::string, std::string> read_text(const std::filesystem::path& file);
// A file holding an integer in milli-units (47236 -> 47.236).
Expected<double, std::string> read_milli(const std::filesystem::path& file);
// Entries of `dir` whose name starts with `prefix`, sorted naturally (zone2 before zone10);
// empty when the folder is missing.
std::vector<std::filesystem::path> list_entries(const std::filesystem::path& dir, std::string_view prefix);

}  // namespace sensorhost::sensors
