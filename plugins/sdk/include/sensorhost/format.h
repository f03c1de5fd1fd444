// sh_format: printf for status lines at a fraction of the cost. In the interpreter, one
// wasi-libc (musl) vsnprintf call costs ~11k instructions whatever the format (it walks
// the format twice and goes through a FILE), more for %f, which musl computes in long
// double (software-emulated on wasm32). A sensor plugin's poll is a few of them, so they
// were most of its time. sh_format handles the conversions status lines use itself:
//   %%  %s  %.*s  %d %u %ld %lu %lld %llu %zu  %.Nf (N = 0..9)
// and hands any other format to vsnprintf (same result, full price).
// Difference from printf: %.Nf rounds halves away from zero (printf rounds the exact
// binary value, so 48.25 -> "48.2" there and "48.3" here).
#pragma once
#include <stdarg.h>
#include <stdio.h>

#include <sensorhost/wit.h>

typedef struct sh_fmt_buf_t {
  char text[512];
  size_t len;
} sh_fmt_buf_t;

static inline bool sh_fmt_put(sh_fmt_buf_t* b, const char* s, size_t n) {
  if (n > sizeof b->text - 1 - b->len) return false;
  memcpy(b->text + b->len, s, n);
  b->len += n;
  return true;
}

// Digits of `u` (right-aligned into at least `min_digits`), with a '-' when `negative`.
static inline bool sh_fmt_uint(sh_fmt_buf_t* b, unsigned long long u, bool negative, int min_digits) {
  char digits[24];
  int n = 0;
  do digits[sizeof digits - 1 - n++] = (char)('0' + u % 10);
  while ((u /= 10) > 0 || n < min_digits);
  if (negative) digits[sizeof digits - 1 - n++] = '-';
  return sh_fmt_put(b, digits + sizeof digits - n, (size_t)n);
}

static inline bool sh_fmt_fixed(sh_fmt_buf_t* b, double v, int decimals) {
  static const double kScale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  const double a = v < 0 ? -v : v;
  if (!(a < 1e9)) return false;  // NaN, infinities and huge values: printf's business
  const unsigned long long scaled = (unsigned long long)(a * kScale[decimals] + 0.5);
  const unsigned long long unit = (unsigned long long)kScale[decimals];
  if (!sh_fmt_uint(b, scaled / unit, v < 0 && scaled != 0, 1)) return false;
  return decimals == 0 || (sh_fmt_put(b, ".", 1) && sh_fmt_uint(b, scaled % unit, false, decimals));
}

static inline bool sh_fmt_signed(sh_fmt_buf_t* b, long long v) {
  return sh_fmt_uint(b, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0, 1);
}

// One conversion at `*f` (just after the '%'); false when sh_format does not handle it.
static inline bool sh_fmt_conversion(sh_fmt_buf_t* b, const char** f, va_list* ap) {
  const char* p = *f;
  bool ok = true;
  if (*p == '%') ok = sh_fmt_put(b, "%", 1);
  else if (*p == 's') {
    const char* s = va_arg(*ap, const char*);
    ok = sh_fmt_put(b, s, strlen(s));
  } else if (p[0] == '.' && p[1] == '*' && p[2] == 's') {
    const int n = va_arg(*ap, int);
    const char* s = va_arg(*ap, const char*);
    ok = sh_fmt_put(b, s, n > 0 ? (size_t)n : 0);
    p += 2;
  } else if (p[0] == '.' && p[1] >= '0' && p[1] <= '9' && p[2] == 'f') {
    ok = sh_fmt_fixed(b, va_arg(*ap, double), p[1] - '0');
    p += 2;
  } else if (*p == 'd') ok = sh_fmt_signed(b, va_arg(*ap, int));
  else if (*p == 'u') ok = sh_fmt_uint(b, va_arg(*ap, unsigned), false, 1);
  else if (p[0] == 'l' && p[1] == 'd') ok = sh_fmt_signed(b, va_arg(*ap, long)), ++p;
  else if (p[0] == 'l' && p[1] == 'u') ok = sh_fmt_uint(b, va_arg(*ap, unsigned long), false, 1), ++p;
  else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'd') ok = sh_fmt_signed(b, va_arg(*ap, long long)), p += 2;
  else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'u') ok = sh_fmt_uint(b, va_arg(*ap, unsigned long long), false, 1), p += 2;
  else if (p[0] == 'z' && p[1] == 'u') ok = sh_fmt_uint(b, va_arg(*ap, size_t), false, 1), ++p;
  else return false;
  *f = p + 1;
  return ok;
}

// Like wit_string_printf: an arena string (NUL-terminated, not counted in len).
static inline wit_string_t sh_vformat(const char* fmt, va_list ap) {
  sh_fmt_buf_t b;
  b.len = 0;
  va_list walk;
  va_copy(walk, ap);
  bool ok = true;
  for (const char* f = fmt; *f && ok;) {
    const char* pct = strchr(f, '%');
    const size_t plain = pct ? (size_t)(pct - f) : strlen(f);
    ok = sh_fmt_put(&b, f, plain);
    f += plain;
    if (ok && *f == '%') {
      ++f;
      ok = sh_fmt_conversion(&b, &f, &walk);
    }
  }
  va_end(walk);
  if (!ok) {  // a conversion this subset does not do, or a long text
    va_list count;
    va_copy(count, ap);
    const int n = vsnprintf(NULL, 0, fmt, count);
    va_end(count);
    wit_string_t out = {(char*)cabi_realloc(NULL, 0, 1, n > 0 ? (size_t)n + 1 : 1), n > 0 ? (size_t)n : 0};
    vsnprintf(out.ptr, out.len + 1, fmt, ap);
    return out;
  }
  wit_string_t out = {(char*)cabi_realloc(NULL, 0, 1, b.len + 1), b.len};
  memcpy(out.ptr, b.text, b.len);
  out.ptr[b.len] = 0;
  return out;
}

__attribute__((format(printf, 1, 2))) static inline wit_string_t sh_format(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wit_string_t out = sh_vformat(fmt, ap);
  va_end(ap);
  return out;
}
