// Logging helpers for worlds that import sensorhost:plugin/logging. Include after the
// world's generated header:  #include "dht22.h"  then  #include <sensorhost/log.h>
#pragma once
#include <stdarg.h>
#include <stdio.h>

static inline void sh_vlogf(logging_level_t level, const char* fmt, va_list ap) {
  char buf[256];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  if (n < 0) return;
  wit_string_t s = {buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1};
  logging_log(level, s);
}

__attribute__((format(printf, 2, 3))) static inline void sh_logf(logging_level_t level, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sh_vlogf(level, fmt, ap);
  va_end(ap);
}

#define sh_debug(...) sh_logf(LOGGING_LEVEL_DEBUG, __VA_ARGS__)
#define sh_info(...) sh_logf(LOGGING_LEVEL_INFO, __VA_ARGS__)
#define sh_warn(...) sh_logf(LOGGING_LEVEL_WARN, __VA_ARGS__)
#define sh_error(...) sh_logf(LOGGING_LEVEL_ERROR, __VA_ARGS__)
