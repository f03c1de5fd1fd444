// dashboard: renders the dashboard page from one cycle's snapshot. Its world has no LED
// or hardware access (logging, settings and clock only).
//
// The page shows the readings without JavaScript; /assets/dashboard.js then updates it in
// place from the live events. The markup contract the script relies on (data-* attributes)
// is described in host/web/assets/README.md; the host's fallback page follows it too.
//
// The host calls it when the page is requested (at most once per cycle, the page is
// cached), in WABT's interpreter under a fuel budget, so no printf: the page is appended
// piecewise into one arena buffer sized from the previous render. Three sensors and four
// plugins: about 250 000 fuel (of the 50 M configured) and 0.7 ms, a 6 KB page.
//
// Readings are grouped by node (this node first, then a hub's remote nodes by name), each
// group headed by the node's name and state; silent and offline nodes are greyed.
#include "dashboard.h"

#include <math.h>

typedef struct {
  char* data;
  size_t len, cap;
} page_t;

// The previous page's size: the next buffer starts big enough, so it is rarely regrown.
static size_t size_hint = 8192;

static void reserve(page_t* p, size_t extra) {
  if (p->len + extra <= p->cap) return;
  size_t cap = p->cap ? p->cap * 2 : size_hint;
  while (cap < p->len + extra) cap *= 2;
  p->data = cabi_realloc(p->data, p->len, 1, cap);
  p->cap = cap;
}

// memory.copy is one instruction for the interpreter, libc's memcpy a loop of dozens per
// 16 bytes; the plugin build does not enable bulk memory, so this function asks for it.
__attribute__((target("bulk-memory"))) static void copy_bytes(char* to, const char* from, size_t n) {
  __builtin_memcpy(to, from, n);
}

static void put_n(page_t* p, const char* s, size_t n) {
  reserve(p, n);
  copy_bytes(p->data + p->len, s, n);
  p->len += n;
}

static void put(page_t* p, const char* s) { put_n(p, s, strlen(s)); }

// A string literal, its length known at compile time (no strlen loop in the interpreter).
#define PUT(p, literal) put_n(p, "" literal, sizeof(literal) - 1)

// Text from readings, plugins and settings, escaped for element content and for
// double-quoted attribute values alike. Runs of plain text are copied at once.
static void put_text(page_t* p, wit_string_t s) {
  size_t run = 0;
  for (size_t i = 0; i < s.len; ++i) {
    const char c = s.ptr[i];
    if ((unsigned char)c > '>' || (c != '&' && c != '<' && c != '>' && c != '"' && c != '\'')) continue;
    put_n(p, s.ptr + run, i - run);
    run = i + 1;
    switch (c) {
      case '&': PUT(p, "&amp;"); break;
      case '<': PUT(p, "&lt;"); break;
      case '>': PUT(p, "&gt;"); break;
      case '"': PUT(p, "&quot;"); break;
      default: PUT(p, "&#39;");
    }
  }
  put_n(p, s.ptr + run, s.len - run);
}

// ` name="value"`, the value escaped.
static inline __attribute__((always_inline)) void put_attr(page_t* p, const char* name, wit_string_t value) {
  PUT(p, " ");
  put(p, name);
  PUT(p, "=\"");
  put_text(p, value);
  PUT(p, "\"");
}

// <p class="cls" data-field="field">text</p>, hidden unless `shown` (dashboard.js
// fills and shows it later).
static inline __attribute__((always_inline)) void put_field_paragraph(page_t* p, const char* cls, const char* field, wit_string_t text, bool shown) {
  PUT(p, "<p");
  put_attr(p, "class", wit_string_view(cls));
  put_attr(p, "data-field", wit_string_view(field));
  if (!shown) PUT(p, " hidden");
  PUT(p, ">");
  if (shown) put_text(p, text);
  PUT(p, "</p>");
}

// A quantity's label: "gas_resistance" -> "gas resistance".
static void put_label(page_t* p, wit_string_t s) {
  const size_t start = p->len;
  put_text(p, s);
  for (size_t i = start; i < p->len; ++i)
    if (p->data[i] == '_') p->data[i] = ' ';
}

static void put_u64(page_t* p, uint64_t v) {
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  reserve(p, n);
  while (n) p->data[p->len++] = digits[--n];
}

static void put_padded2(page_t* p, uint64_t v) {
  if (v < 10) put_n(p, "0", 1);
  put_u64(p, v);
}

// A value as the page shows it (dashboard.js formats the same way): one decimal below
// 100, none above; "–" for a value that is not a number.
static void put_value(page_t* p, double v) {
  if (!isfinite(v)) {
    PUT(p, "\xe2\x80\x93");
    return;
  }
  const bool decimal = fabs(v) < 100.0;
  const double scaled = round(fabs(v) * (decimal ? 10.0 : 1.0));
  const uint64_t n = (uint64_t)scaled;
  if (v < 0 && n != 0) put_n(p, "-", 1);
  put_u64(p, decimal ? n / 10 : n);
  if (decimal) {
    put_n(p, ".", 1);
    put_u64(p, n % 10);
  }
}

// Units as people write them; anything else is shown as the sensor gives it.
static void put_unit(page_t* p, wit_string_t unit) {
  if (wit_string_equals(unit, "C"))
    PUT(p, "\xc2\xb0" "C");
  else if (wit_string_equals(unit, "ohm"))
    PUT(p, "\xce\xa9");
  else
    put_text(p, unit);
}

// "HH:MM:SS UTC" (the plugin has no time zone; dashboard.js shows local time).
static void put_time(page_t* p, uint64_t ms) {
  const uint64_t s = ms / 1000;
  put_padded2(p, s / 3600 % 24);
  put_n(p, ":", 1);
  put_padded2(p, s / 60 % 60);
  put_n(p, ":", 1);
  put_padded2(p, s % 60);
  PUT(p, " UTC");
}

static void put_time_element(page_t* p, const char* field, uint64_t ms) {
  PUT(p, "<time data-field=\"");
  put(p, field);
  PUT(p, "\" data-ms=\"");
  put_u64(p, ms);
  PUT(p, "\">");
  put_time(p, ms);
  PUT(p, "</time>");
}

static const char* status_name(types_status_t s) {
  return s == TYPES_STATUS_OK ? "ok" : s == TYPES_STATUS_STALE ? "stale" : "error";
}

static const char* source_name(types_source_t s) {
  static const char* const names[] = {"sim", "gpiod", "iio", "i2c", "sysfs"};
  return s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

// A text setting, or `fallback` when it is unset or not text.
static wit_string_t text_setting(const char* key, const char* fallback) {
  option_types_setting_value_t v = settings_get(wit_string_view(key));
  if (v.is_some && v.val.tag == TYPES_SETTING_VALUE_TEXT) return v.val.val.text;
  return wit_string_view(fallback);
}

static void put_head(page_t* p, wit_string_t title, uint64_t generated_ms, wit_string_t history) {
  PUT(p,
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
  put_text(p, title);
  PUT(p,
      "</title>\n<link rel=\"icon\" href=\"/assets/icon.svg\">\n"
      "<link rel=\"stylesheet\" href=\"/assets/uplot.css\">\n"
      "<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">\n"
      "<script src=\"/assets/uplot.js\" defer></script>\n"
      "<script src=\"/assets/dashboard.js\" defer></script>\n</head>\n"
      "<body data-dashboard data-generated-ms=\"");
  put_u64(p, generated_ms);
  PUT(p, "\"");
  put_attr(p, "data-history", history);
  PUT(p,
      ">\n<header class=\"topbar\">\n<div class=\"brand\"><span class=\"logo\" aria-hidden=\"true\"></span><h1>");
  put_text(p, title);
  PUT(p,
      "</h1></div>\n<div class=\"status\"><span class=\"conn\" data-conn=\"static\" role=\"status\">"
      "<span class=\"dot\" aria-hidden=\"true\"></span><span data-field=\"conn\">snapshot</span></span>"
      "<span class=\"updated\">updated ");
  put_time_element(p, "updated", generated_ms);
  PUT(p, "</span></div>\n</header>\n<main class=\"grid\">\n");
}

// A flag such as the BME680's heat_stable: shown as yes/no, not charted.
static bool is_flag(const types_measurement_t* m) { return wit_string_equals(m->unit, "bool"); }

static void put_measurement(page_t* p, wit_string_t sensor, const types_measurement_t* m) {
  PUT(p, "<div class=\"value\"");
  put_attr(p, "data-sensor", sensor);
  put_attr(p, "data-quantity", m->quantity);
  PUT(p, "><dt>");
  put_label(p, m->quantity);
  PUT(p, "</dt><dd><span class=\"number\" data-field=\"value\">");
  if (is_flag(m))
    put(p, m->value != 0.0 ? "yes" : "no");
  else
    put_value(p, m->value);
  PUT(p, "</span> <span class=\"unit\" data-field=\"unit\">");
  if (!is_flag(m)) put_unit(p, m->unit);
  PUT(p, "</span></dd></div>");
}

static void put_reading(page_t* p, const types_reading_t* r) {
  const char* status = status_name(r->status);
  PUT(p, "<article class=\"sensor\"");
  put_attr(p, "data-sensor", r->sensor);
  put_attr(p, "data-status", wit_string_view(status));
  PUT(p, ">\n<header><h4>");
  put_text(p, r->sensor);
  PUT(p, "</h4><span class=\"badge\" data-field=\"status\">");
  put(p, status);
  PUT(p, "</span></header>\n<dl class=\"values\">");
  for (size_t j = 0; j < r->values.len; ++j) put_measurement(p, r->sensor, &r->values.ptr[j]);
  PUT(p, "</dl>\n");
  put_field_paragraph(p, "error", "error", r->error, r->error.len > 0);
  PUT(p, "\n<footer><span data-field=\"source\">");
  put(p, source_name(r->source));
  PUT(p, "</span> \xc2\xb7 ");
  put_time_element(p, "time", r->timestamp_ms);
  PUT(p, "</footer>\n</article>\n");
}

// The page shows every node's readings, this node's first. Without a node list (a host
// that does not send one) the readings form one group without a heading.
static size_t group_count(const dashboard_render_dashboard_input_t* in) { return in->nodes.len ? in->nodes.len : 1; }

static const list_types_reading_t* group_readings(const dashboard_render_dashboard_input_t* in, size_t i) {
  return in->nodes.len ? &in->nodes.ptr[i].readings : &in->readings;
}

static const char* node_state_name(types_node_state_t s) {
  static const char* const names[] = {"online", "silent", "offline", "unknown"};
  return s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

// Silent and offline nodes are shown greyed, their readings being the last ones heard.
static bool node_down(types_node_state_t s) { return s == TYPES_NODE_STATE_SILENT || s == TYPES_NODE_STATE_OFFLINE; }

static bool starts_with(wit_string_t s, const char* prefix) {
  const size_t n = strlen(prefix);
  return s.len > n && memcmp(s.ptr, prefix, n) == 0;
}

// The node's name, its state as a badge, "this node" or a link to its own dashboard (an
// http(s) address only: the address comes from the network), and when it was last heard.
static void put_node_head(page_t* p, const types_node_info_t* n) {
  PUT(p, "<header class=\"node-head\"><h3 data-field=\"node-name\">");
  put_text(p, n->name);
  PUT(p, "</h3><span class=\"badge node-state\" data-field=\"node-state\">");
  put(p, node_state_name(n->state));
  PUT(p, "</span>");
  if (n->local) {
    PUT(p, "<span class=\"node-local\">this node</span>");
  } else {
    if (starts_with(n->address, "http://") || starts_with(n->address, "https://")) {
      PUT(p, "<a class=\"node-link\" data-field=\"node-link\"");
      put_attr(p, "href", n->address);
      PUT(p, ">dashboard</a>");
    }
    PUT(p, "<span class=\"node-seen\">last heard ");
    put_time_element(p, "node-seen", n->last_seen_ms);
    PUT(p, "</span>");
  }
  PUT(p, "</header>\n");
}

static void put_group(page_t* p, const types_node_info_t* n, const list_types_reading_t* readings) {
  PUT(p, "<section class=\"node");
  if (n && node_down(n->state)) PUT(p, " node-down");
  PUT(p, "\"");
  put_attr(p, "data-node", n ? n->name : wit_string_view(""));
  if (n) {
    put_attr(p, "data-state", wit_string_view(node_state_name(n->state)));
    put_attr(p, "data-local", wit_string_view(n->local ? "true" : "false"));
  }
  PUT(p, ">\n");
  if (n) put_node_head(p, n);
  PUT(p, "<div class=\"sensors\" data-node-sensors>\n");
  for (size_t i = 0; i < readings->len; ++i) put_reading(p, &readings->ptr[i]);
  if (readings->len == 0) PUT(p, "<p class=\"empty\" data-empty>No readings yet.</p>\n");
  PUT(p, "</div>\n</section>\n");
}

static void put_readings(page_t* p, const dashboard_render_dashboard_input_t* in) {
  PUT(p, "<section class=\"panel readings\" aria-labelledby=\"h-readings\">\n<h2 id=\"h-readings\">Sensors</h2>\n"
         "<div class=\"nodes\" data-readings>\n");
  for (size_t i = 0; i < group_count(in); ++i)
    put_group(p, in->nodes.len ? &in->nodes.ptr[i].node : NULL, group_readings(in, i));
  PUT(p, "</div>\n</section>\n");
}

// The LED bank: lamps for the labels of the `led_labels` setting ("comfort, air, system");
// dashboard.js adds any further LEDs and lights them from the live readings.
static void put_leds(page_t* p, wit_string_t labels) {
  PUT(p, "<section class=\"panel leds\" aria-labelledby=\"h-leds\">\n<h2 id=\"h-leds\">LEDs</h2>\n"
         "<div class=\"ledbank\" data-leds>");
  size_t index = 0, start = 0;
  for (size_t i = 0; labels.len && i <= labels.len; ++i) {
    if (i < labels.len && labels.ptr[i] != ',') continue;
    size_t a = start, b = i;
    while (a < b && labels.ptr[a] == ' ') ++a;
    while (b > a && labels.ptr[b - 1] == ' ') --b;
    PUT(p, "<div class=\"led\" data-led=\"");
    put_u64(p, index++);
    PUT(p, "\" data-on=\"unknown\"><span class=\"lamp\" aria-hidden=\"true\"></span><span class=\"label\">");
    put_text(p, (wit_string_t){labels.ptr + a, b - a});
    PUT(p, "</span></div>");
    start = i + 1;
  }
  PUT(p, "</div>\n</section>\n");
}

static void put_plugins(page_t* p, const list_types_plugin_status_t* plugins) {
  PUT(p, "<section class=\"panel plugins\" aria-labelledby=\"h-plugins\">\n<h2 id=\"h-plugins\">Plugins</h2>\n"
         "<ul class=\"plugin-list\" data-plugins>\n");
  for (size_t i = 0; i < plugins->len; ++i) {
    const types_plugin_status_t* s = &plugins->ptr[i];
    PUT(p, "<li class=\"plugin\"");
    put_attr(p, "data-plugin", s->name);
    put_attr(p, "data-healthy", wit_string_view(s->healthy ? "true" : "false"));
    PUT(p, "><span class=\"lamp\" aria-hidden=\"true\"></span><span class=\"name\">");
    put_text(p, s->name);
    PUT(p, "</span><span class=\"state\" data-field=\"state\">");
    put(p, s->healthy ? "running" : "failing");
    PUT(p, "</span><span class=\"counts\" data-field=\"counts\"></span>");
    // A healthy plugin's message is its status line, a failing one's is its last error.
    put_field_paragraph(p, "message", "message", s->message, s->healthy);
    put_field_paragraph(p, "error", "last-error", s->message, !s->healthy);
    PUT(p, "</li>\n");
  }
  PUT(p, "</ul>\n</section>\n");
}

// The quantities that have a chart so far: a handful, so a scan beats a set.
typedef struct {
  wit_string_t* items;
  size_t len, cap;
} quantities_t;

// False when `q` was there already; otherwise adds it.
static bool add_quantity(quantities_t* seen, wit_string_t q) {
  for (size_t i = 0; i < seen->len; ++i)
    if (seen->items[i].len == q.len && memcmp(seen->items[i].ptr, q.ptr, q.len) == 0) return false;
  if (seen->len == seen->cap) {
    const size_t cap = seen->cap ? seen->cap * 2 : 8;
    seen->items = cabi_realloc(seen->items, seen->cap * sizeof *seen->items, _Alignof(wit_string_t), cap * sizeof *seen->items);
    seen->cap = cap;
  }
  seen->items[seen->len++] = q;
  return true;
}

// One chart per quantity (of every node); dashboard.js draws them from /api/history and
// the live events, one line per node and sensor.
static void put_charts(page_t* p, const dashboard_render_dashboard_input_t* in) {
  PUT(p, "<section class=\"panel history\" aria-labelledby=\"h-history\">\n<h2 id=\"h-history\">History</h2>\n"
         "<div class=\"charts\" data-charts>\n");
  quantities_t seen = {0};
  for (size_t g = 0; g < group_count(in); ++g) {
    const list_types_reading_t* readings = group_readings(in, g);
    for (size_t i = 0; i < readings->len; ++i)
      for (size_t j = 0; j < readings->ptr[i].values.len; ++j) {
        const types_measurement_t* m = &readings->ptr[i].values.ptr[j];
        if (is_flag(m) || !add_quantity(&seen, m->quantity)) continue;
        PUT(p, "<figure class=\"chart\"");
        put_attr(p, "data-chart", m->quantity);
        PUT(p, "><figcaption>");
        put_label(p, m->quantity);
        PUT(p, " <span class=\"unit\">");
        put_unit(p, m->unit);
        PUT(p, "</span></figcaption><div class=\"plot\" data-plot></div></figure>\n");
      }
  }
  PUT(p, "</div>\n</section>\n");
}

result_string_string_t dashboard_render_render(dashboard_render_dashboard_input_t input) {
  page_t p = {0};
  put_head(&p, text_setting("title", "sensorhost"), input.generated_ms, text_setting("history", "1h"));
  put_readings(&p, &input);
  put_leds(&p, text_setting("led_labels", ""));
  put_plugins(&p, &input.plugins);
  put_charts(&p, &input);
  PUT(&p, "</main>\n<footer class=\"foot\">sensorhost \xc2\xb7 page rendered by the dashboard plugin</footer>\n"
          "</body>\n</html>\n");
  size_hint = p.len + p.len / 4;
  result_string_string_t r = {0};
  r.val.ok.ptr = p.data;
  r.val.ok.len = p.len;
  return r;
}
