// dashboard: minimal HTML rendering (issue 5 gives it the real page). Its world has
// no LED or hardware access.
#include "dashboard.h"

#include <stdio.h>
#include <stdlib.h>

#include <sensorhost/log.h>

// Appends formatted text to a growing heap buffer.
typedef struct {
  char* data;
  size_t len, cap;
} buffer_t;

__attribute__((format(printf, 2, 3))) static void append(buffer_t* b, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  if (b->len + (size_t)n + 1 > b->cap) {
    b->cap = (b->len + (size_t)n + 1) * 2;
    b->data = cabi_realloc(b->data, b->len, 1, b->cap);
  }
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

result_string_string_t dashboard_render_render(dashboard_render_dashboard_input_t input) {
  buffer_t b = {0};
  append(&b, "<html><body><h1>sensorhost</h1><table>");
  for (size_t i = 0; i < input.readings.len; ++i) {
    const types_reading_t* r = &input.readings.ptr[i];
    for (size_t j = 0; j < r->values.len; ++j) {
      const types_measurement_t* m = &r->values.ptr[j];
      append(&b, "<tr><td>%.*s</td><td>%.*s</td><td>%.2f %.*s</td></tr>", (int)r->sensor.len, r->sensor.ptr,
             (int)m->quantity.len, m->quantity.ptr, m->value, (int)m->unit.len, m->unit.ptr);
    }
  }
  append(&b, "</table><ul>");
  for (size_t i = 0; i < input.plugins.len; ++i) {
    const types_plugin_status_t* p = &input.plugins.ptr[i];
    append(&b, "<li>%.*s: %s</li>", (int)p->name.len, p->name.ptr, p->healthy ? "ok" : "failing");
  }
  append(&b, "</ul></body></html>");
  sh_debug("rendered %zu bytes", b.len);
  result_string_string_t r = {0};
  r.val.ok.ptr = b.data;
  r.val.ok.len = b.len;
  return r;
}
