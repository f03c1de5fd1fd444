// dht22: comfort logic for temperature and humidity, with a latched alarm that drives
// the plugin's LED.
//
// The alarm turns on when the temperature is above `temperature_high_c` or the humidity
// above `humidity_high_pct`, and off only when both are below their threshold minus
// `hysteresis`: a value hovering at a threshold does not make the LED flicker. Stale and
// error samples keep the alarm as it is (a DHT22 misses reads now and then; that is no
// reason to switch the LED) and the status line says why.
//
// Settings ([plugins.dht22.settings], read every poll; defaults in plugins/README.md).
#include "dht22.h"

#include <sensorhost/sensor_plugin.h>
#include <sensorhost/state.h>

enum { kDefaultLed = 0 };

typedef struct {
  double temperature_high_c, humidity_high_pct, hysteresis;
} settings_t;

static settings_t load_settings(void) {
  settings_t s;
  s.temperature_high_c = sh_setting_in("temperature_high_c", 28.0, -40.0, 80.0);
  s.humidity_high_pct = sh_setting_in("humidity_high_pct", 70.0, 0.0, 100.0);
  s.hysteresis = sh_setting_in("hysteresis", 1.0, 0.0, 50.0);
  return s;
}

// What survives between calls and, through snapshot/restore, a hot reload.
typedef struct {
  uint32_t polls;      // every call of poll
  uint32_t evaluated;  // ok samples the alarm logic saw (t_min/t_max are valid when > 0)
  uint32_t humid_samples;  // of those, samples with a humidity (h_min/h_max valid when > 0)
  uint32_t alarms;     // times the alarm turned on
  uint8_t alarm;       // 0 or 1
  uint8_t pad[7];
  double t_min, t_max, h_min, h_max;
} state_t;

static state_t state;

static const char* check_state(const void* p) {
  const state_t* s = p;
  if (s->alarm > 1) return "alarm flag is neither 0 nor 1";
  if (s->evaluated && !(s->t_min <= s->t_max)) return "temperature min above max";
  if (s->humid_samples && !(s->h_min <= s->h_max)) return "humidity min above max";
  return NULL;
}

static const sh_state_format_t kFormat = {"DHT2", 1, sizeof(state_t), check_state};

// A sample's values; a reading without humidity (a temperature-only sensor) is judged
// on its temperature alone.
typedef struct {
  double t, h;
  bool has_h;
} sample_t;

static void widen(double v, bool first, double* lo, double* hi) {
  if (first || v < *lo) *lo = v;
  if (first || v > *hi) *hi = v;
}

static void record_range(const sample_t* v) {
  widen(v->t, state.evaluated++ == 0, &state.t_min, &state.t_max);
  if (v->has_h) widen(v->h, state.humid_samples++ == 0, &state.h_min, &state.h_max);
}

static wit_string_t status_line(const sample_t* v, const settings_t* cfg) {
  const bool hot = v->t > cfg->temperature_high_c, humid = v->has_h && v->h > cfg->humidity_high_pct;
  const wit_string_t values = v->has_h ? sh_format("%.1f C %.0f %%RH", v->t, v->h) : sh_format("%.1f C", v->t);
  const int n = (int)values.len;
  if (!state.alarm) return sh_format("%.*s comfortable (seen %.1f..%.1f C)", n, values.ptr, state.t_min, state.t_max);
  if (hot && humid)
    return sh_format("ALARM: %.1f C above %.1f, %.0f %%RH above %.1f", v->t, cfg->temperature_high_c, v->h,
                     cfg->humidity_high_pct);
  if (hot) return sh_format("ALARM: %.1f C above %.1f", v->t, cfg->temperature_high_c);
  if (humid) return sh_format("ALARM: %.0f %%RH above %.1f", v->h, cfg->humidity_high_pct);
  const double t_clear = cfg->temperature_high_c - cfg->hysteresis, h_clear = cfg->humidity_high_pct - cfg->hysteresis;
  if (!v->has_h) return sh_format("ALARM: %.*s, clears below %.1f C", n, values.ptr, t_clear);
  return sh_format("ALARM: %.*s, clears below %.1f C and %.1f %%RH", n, values.ptr, t_clear, h_clear);
}

static result_string_string_t evaluate(const types_reading_t* sample) {
  const wit_string_t problem = sh_sample_problem(sample);
  if (problem.len) return sh_ok_kept(problem, state.alarm);
  sample_t v = {0, 0, false};
  if (!sh_quantity(sample, "temperature", &v.t)) return sh_err_missing(sample, "temperature");
  v.has_h = sh_quantity(sample, "humidity", &v.h);
  record_range(&v);

  const settings_t cfg = load_settings();
  const bool trip = v.t > cfg.temperature_high_c || (v.has_h && v.h > cfg.humidity_high_pct);
  const bool clear =
      v.t < cfg.temperature_high_c - cfg.hysteresis && (!v.has_h || v.h < cfg.humidity_high_pct - cfg.hysteresis);
  const bool was = state.alarm;
  state.alarm = sh_latch(was, trip, clear);
  const wit_string_t line = status_line(&v, &cfg);
  if (state.alarm && !was) {
    ++state.alarms;
    sh_warn("%.*s", (int)line.len, line.ptr);
  }
  if (was && !state.alarm) sh_info("alarm cleared: %.*s", (int)line.len, line.ptr);
  return sh_ok(line);
}

result_string_string_t sensor_logic_poll(types_reading_t sample) {
  ++state.polls;
  const result_string_string_t r = evaluate(&sample);
  // Every poll writes the LED, so it shows the alarm whatever the sample was.
  sh_set_own_led(kDefaultLed, state.alarm);
  return r;
}

list_u8_t state_snapshot(void) { return sh_state_snapshot(&kFormat, &state); }

result_void_string_t state_restore(list_u8_t data) { return sh_state_restore(&kFormat, data, &state); }
