// pi-monitor: SoC temperature thresholds with hysteresis; drives the system-health LED.
//
// Polls the "cpu" sensor ([plugins.pi-monitor] sensor = "cpu"). The warning turns on
// above `warn_c` and off below `warn_c - hysteresis`; stale and error samples keep it
// as it is and the status line says why.
//
// Settings ([plugins.pi-monitor.settings], read every poll; defaults in plugins/README.md).
#include "pi-monitor.h"

#include <sensorhost/sensor_plugin.h>
#include <sensorhost/state.h>

enum { kDefaultLed = 2 };

typedef struct {
  double warn_c, hysteresis;
} settings_t;

static settings_t load_settings(void) {
  settings_t s;
  s.warn_c = sh_setting_in("warn_c", 70.0, 0.0, 125.0);
  s.hysteresis = sh_setting_in("hysteresis", 3.0, 0.0, 50.0);
  return s;
}

// What survives between calls and, through snapshot/restore, a hot reload.
typedef struct {
  uint32_t polls;      // every call of poll
  uint32_t evaluated;  // ok samples (max_c is valid when > 0)
  uint32_t warnings;   // times the warning turned on
  uint8_t warn;        // 0 or 1
  uint8_t pad[3];
  double max_c;        // hottest SoC temperature seen
} state_t;

static state_t state;

static const char* check_state(const void* p) { return ((const state_t*)p)->warn > 1 ? "warn flag is neither 0 nor 1" : NULL; }

static const sh_state_format_t kFormat = {"PIMO", 1, sizeof(state_t), check_state};

static wit_string_t status_line(double soc, const settings_t* cfg) {
  if (!state.warn) return sh_format("SoC %.1f C ok (warn above %.1f, max %.1f)", soc, cfg->warn_c, state.max_c);
  if (soc > cfg->warn_c) return sh_format("WARN: SoC %.1f C above %.1f", soc, cfg->warn_c);
  return sh_format("WARN: SoC %.1f C, clears below %.1f", soc, cfg->warn_c - cfg->hysteresis);
}

static result_string_string_t evaluate(const types_reading_t* sample) {
  const wit_string_t problem = sh_sample_problem(sample);
  if (problem.len) return sh_ok_kept(problem, state.warn);
  double soc = 0;
  if (!sh_quantity(sample, "temperature", &soc)) return sh_err_missing(sample, "temperature");
  if (state.evaluated++ == 0 || soc > state.max_c) state.max_c = soc;

  const settings_t cfg = load_settings();
  const bool was = state.warn;
  state.warn = sh_latch(was, soc > cfg.warn_c, soc < cfg.warn_c - cfg.hysteresis);
  if (state.warn && !was) {
    ++state.warnings;
    sh_warn("SoC at %.1f C, above %.1f", soc, cfg.warn_c);
  }
  if (was && !state.warn) sh_info("SoC back to %.1f C", soc);
  return sh_ok(status_line(soc, &cfg));
}

result_string_string_t sensor_logic_poll(types_reading_t sample) {
  ++state.polls;
  const result_string_string_t r = evaluate(&sample);
  sh_set_own_led(kDefaultLed, state.warn);
  return r;
}

list_u8_t state_snapshot(void) { return sh_state_snapshot(&kFormat, &state); }

result_void_string_t state_restore(list_u8_t data) { return sh_state_restore(&kFormat, data, &state); }
