;; sqrt(2) by Newton's method in f64, scaled to an integer; checked against f64.sqrt.
(module (func (export "run") (result i64)
  (local $x f64) (local $n i32)
  (local.set $x (f64.const 1))
  (loop $l
    (local.set $x (f64.mul (f64.const 0.5) (f64.add (local.get $x) (f64.div (f64.const 2) (local.get $x)))))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $n) (i32.const 20))))
  (i64.add
    (i64.trunc_f64_s (f64.mul (local.get $x) (f64.const 1e9)))
    (i64.extend_i32_u (f64.eq (f64.sqrt (f64.const 2)) (local.get $x))))))
