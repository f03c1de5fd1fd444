// Helpers for the sensor worlds (dht22, bme680, pi-monitor): settings, readings, LED,
// alarms, versioned state. Include after the world's generated header:
//   #include "dht22.h"
//   #include <sensorhost/sensor_plugin.h>
#pragma once
#include <sensorhost/format.h>
#include <sensorhost/log.h>

// ---- Settings ([plugins.NAME.settings] in host.toml, read on every poll so that a
// reloaded config takes effect without recompiling) ----

// Logs `fmt` the first time it is called for `key` (a string literal), so a bad setting is
// reported once rather than on every poll.
static inline void sh_warn_once(const char* key, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void sh_warn_once(const char* key, const char* fmt, ...) {
  static const char* warned[16];
  for (size_t i = 0; i < sizeof warned / sizeof warned[0]; ++i) {
    if (warned[i] == key) return;
    if (!warned[i]) {
      warned[i] = key;
      break;
    }
  }
  va_list ap;
  va_start(ap, fmt);
  sh_vlogf(LOGGING_LEVEL_WARN, fmt, ap);
  va_end(ap);
}

// A numeric setting (integer or number) within [lo, hi]; `fallback` when it is unset.
// A value of another type or out of range also gives `fallback`, with a warning once.
static inline double sh_setting_in(const char* key, double fallback, double lo, double hi) {
  option_types_setting_value_t v = settings_get(wit_string_view(key));
  if (!v.is_some) return fallback;
  double out = fallback;
  bool numeric = true;
  if (v.val.tag == TYPES_SETTING_VALUE_NUMBER) out = v.val.val.number;
  else if (v.val.tag == TYPES_SETTING_VALUE_INTEGER) out = (double)v.val.val.integer;
  else numeric = false;
  types_setting_value_free(&v.val);
  // `!(out >= lo && out <= hi)` also catches NaN.
  if (!numeric || !(out >= lo && out <= hi)) {
    sh_warn_once(key, "setting %s: expected a number in %g..%g, using the default %g", key, lo, hi, fallback);
    return fallback;
  }
  return out;
}

// A numeric setting of any finite value; `fallback` when unset or not a number.
static inline double sh_setting_number(const char* key, double fallback) {
  return sh_setting_in(key, fallback, -1e300, 1e300);
}

// ---- Readings ----

// The value of `quantity` in a sample; false when the sample does not have it.
static inline bool sh_quantity(const types_reading_t* sample, const char* quantity, double* out) {
  for (size_t i = 0; i < sample->values.len; ++i)
    if (wit_string_equals(sample->values.ptr[i].quantity, quantity)) {
      *out = sample->values.ptr[i].value;
      return true;
    }
  return false;
}

// Why a sample must not be evaluated ("stale reading: ...", "sensor error: ..."), as an
// arena string; an empty string when its status is ok. Plugins keep their alarm state
// on such samples instead of flapping, and say so in their status line.
static inline wit_string_t sh_sample_problem(const types_reading_t* sample) {
  const char* what = sample->status == TYPES_STATUS_STALE ? "stale reading" : "sensor error";
  if (sample->status == TYPES_STATUS_OK) return (wit_string_t){NULL, 0};
  if (sample->error.len == 0) return wit_string_dup(what);
  return sh_format("%s: %.*s", what, (int)sample->error.len, sample->error.ptr);
}

// ---- Alarms and LEDs ----

// A latched alarm with hysteresis: an alarm that is off turns on when `trip`; one that
// is on turns off only when `clear` (a condition on the far side of the band).
static inline bool sh_latch(bool on, bool trip, bool clear) { return on ? !clear : trip; }

// Sets the plugin's LED (setting `led`, default `fallback_led`); a refusal is logged.
// The host adds `led = N` from [plugins.NAME] as this setting when the settings table
// does not define it.
static inline void sh_set_own_led(uint32_t fallback_led, bool on) {
  const uint32_t led = (uint32_t)sh_setting_in("led", fallback_led, 0, 4294967295.0);
  result_void_string_t r = leds_set_led(led, on);
  if (r.is_err) {
    sh_warn_once("led", "LED %u: %.*s", led, (int)r.val.err.len, r.val.err.ptr);
    wit_string_free(&r.val.err);
  }
}

// ---- Results ----

static inline result_string_string_t sh_ok(wit_string_t message) {
  result_string_string_t r = {0};
  r.val.ok = message;
  return r;
}

static inline result_string_string_t sh_err(wit_string_t message) {
  result_string_string_t r = {0};
  r.is_err = true;
  r.val.err = message;
  return r;
}

// The status line for a sample that was not evaluated: "stale reading: ...; alarm kept on".
static inline result_string_string_t sh_ok_kept(wit_string_t problem, bool alarm) {
  return sh_ok(sh_format("%.*s; alarm kept %s", (int)problem.len, problem.ptr, alarm ? "on" : "off"));
}

// An err for an ok sample that lacks a quantity the plugin needs: the plugin is most
// likely attached to the wrong sensor ([plugins.NAME] sensor = ...).
static inline result_string_string_t sh_err_missing(const types_reading_t* sample, const char* quantity) {
  return sh_err(sh_format("reading of sensor \"%.*s\" has no %s", (int)sample->sensor.len, sample->sensor.ptr, quantity));
}
