// A plugin-sized guest for the engine benchmarks: the kind of code sensor plugins run
// (filtering, checksums, float formulas, string formatting), built with clang-19 for
// wasm32-wasi as a reactor (about 24 KB). It imports one host function; snprintf links
// in stdio, which imports three WASI fd functions that the benchmark stubs.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SAMPLES 64

__attribute__((import_module("host"), import_name("read_sensor"))) extern float read_sensor(int id);

static float samples[SAMPLES];
static uint32_t seed = 1;
static char text[64];

static uint32_t next_random(void) {
  seed = seed * 1664525u + 1013904223u;
  return seed >> 8;
}

static void fill(void) {
  for (int i = 0; i < SAMPLES; ++i) samples[i] = 20.0f + (float)(next_random() % 1000) / 100.0f;
}

static float median(void) {
  float sorted[SAMPLES];
  memcpy(sorted, samples, sizeof sorted);
  for (int i = 1; i < SAMPLES; ++i) {
    float v = sorted[i];
    int j = i - 1;
    while (j >= 0 && sorted[j] > v) {
      sorted[j + 1] = sorted[j];
      --j;
    }
    sorted[j + 1] = v;
  }
  return (sorted[SAMPLES / 2 - 1] + sorted[SAMPLES / 2]) / 2.0f;
}

static uint32_t crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

__attribute__((export_name("add"))) int add(int a, int b) { return a + b; }

__attribute__((export_name("poll"))) float poll(int id) { return read_sensor(id) * 2.0f; }

__attribute__((export_name("dew_point"))) double dew_point(double celsius, double humidity) {
  double gamma = log(humidity / 100.0) + 17.62 * celsius / (243.12 + celsius);
  return 243.12 * gamma / (17.62 - gamma);
}

__attribute__((export_name("format_reading"))) int format_reading(double value) {
  return snprintf(text, sizeof text, "temperature=%.2f dew=%.1f", value, dew_point(value, 55.0));
}

// The loop-heavy program: refill, median-filter and checksum the samples `rounds` times.
__attribute__((export_name("work"))) uint32_t work(int rounds) {
  uint32_t acc = 0;
  for (int r = 0; r < rounds; ++r) {
    fill();
    acc += (uint32_t)(median() * 100.0f);
    acc ^= crc32((const uint8_t*)samples, sizeof samples);
  }
  return acc;
}
