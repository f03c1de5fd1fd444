#pragma once
// The dashboard's browser assets (JavaScript, CSS, the chart library), embedded in the
// binary at build time, and the page the host shows when the dashboard plugin cannot.
// The markup both pages share with dashboard.js is described in README.md.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sensorhost::web::assets {

struct Asset {
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;          // static storage: valid for the program's lifetime
};

// The asset at a URL path ("/assets/dashboard.js", "/assets/dashboard.css",
// "/assets/uplot.js", "/assets/uplot.css", "/assets/icon.svg"); nullopt otherwise.
std::optional<Asset> find(std::string_view path);

// The URL paths of every embedded asset.
std::span<const std::string_view> paths();

// The host-rendered page for when the dashboard plugin is disabled or failing: the same
// assets and markup as the plugin's page (dashboard.js fills it from the API), plus a
// visible notice saying why. The notice is HTML-escaped.
std::string fallback_page(const std::string& notice);

// Text escaped for HTML element content and quoted attribute values.
std::string html_escape(std::string_view text);

}  // namespace sensorhost::web::assets
