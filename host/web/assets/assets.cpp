#include "web/assets/assets.hpp"

#include <vector>

#include "web/assets/embedded.hpp"

namespace sensorhost::web::assets {
namespace {

std::string_view content_type_of(std::string_view path) {
  struct Type {
    std::string_view extension, content_type;
  };
  static constexpr Type kTypes[] = {
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".html", "text/html; charset=utf-8"},
  };
  for (const auto& t : kTypes)
    if (path.ends_with(t.extension)) return t.content_type;
  return "application/octet-stream";
}

std::string_view body_of(const embedded::File& f) { return {reinterpret_cast<const char*>(f.data), f.size}; }

// The page skeleton both pages share is the dashboard plugin's (plugins/dashboard/
// dashboard.c); this one has empty panels that dashboard.js fills from /api/readings and
// /api/plugins, and the notice.
constexpr std::string_view kFallbackHead = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>sensorhost</title>
<link rel="icon" href="/assets/icon.svg">
<link rel="stylesheet" href="/assets/uplot.css">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/uplot.js" defer></script>
<script src="/assets/dashboard.js" defer></script>
</head>
<body data-dashboard data-fallback data-history="1h">
<header class="topbar">
<div class="brand"><span class="logo" aria-hidden="true"></span><h1>sensorhost</h1></div>
<div class="status"><span class="conn" data-conn="connecting" role="status"><span class="dot" aria-hidden="true"></span><span data-field="conn">connecting</span></span><span class="updated">updated <time data-field="updated">&ndash;</time></span></div>
</header>
<div class="notice" role="alert" data-notice><strong>Showing the built-in page</strong><span data-field="notice">)";

constexpr std::string_view kFallbackBody = R"(</span></div>
<main class="grid">
<section class="panel readings" aria-labelledby="h-readings">
<h2 id="h-readings">Sensors</h2>
<div class="nodes" data-readings><p class="empty" data-empty>Waiting for readings&hellip;<noscript> This page needs JavaScript; the readings are at <a href="/api/readings">/api/readings</a>.</noscript></p></div>
</section>
<section class="panel leds" aria-labelledby="h-leds">
<h2 id="h-leds">LEDs</h2>
<div class="ledbank" data-leds></div>
</section>
<section class="panel plugins" aria-labelledby="h-plugins">
<h2 id="h-plugins">Plugins</h2>
<ul class="plugin-list" data-plugins></ul>
</section>
<section class="panel history" aria-labelledby="h-history">
<h2 id="h-history">History</h2>
<div class="charts" data-charts></div>
</section>
</main>
<footer class="foot">sensorhost &middot; page rendered by the host</footer>
</body>
</html>
)";

}  // namespace

std::optional<Asset> find(std::string_view path) {
  for (const auto& f : embedded::files())
    if (path == f.url) return Asset{content_type_of(path), body_of(f)};
  return std::nullopt;
}

std::span<const std::string_view> paths() {
  static const std::vector<std::string_view> all = [] {
    std::vector<std::string_view> out;
    for (const auto& f : embedded::files()) out.emplace_back(f.url);
    return out;
  }();
  return all;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fallback_page(const std::string& notice) {
  std::string page;
  page.reserve(kFallbackHead.size() + kFallbackBody.size() + notice.size() * 2);
  page += kFallbackHead;
  page += html_escape(notice);
  page += kFallbackBody;
  return page;
}

}  // namespace sensorhost::web::assets
