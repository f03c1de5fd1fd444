;; min and max of 500 LCG values with select; returns max * 2^32 + min.
(module (func (export "run") (result i64)
  (local $seed i32) (local $v i32) (local $min i32) (local $max i32) (local $i i32)
  (local.set $seed (i32.const 7)) (local.set $min (i32.const -1))
  (loop $l
    (local.set $seed (i32.add (i32.mul (local.get $seed) (i32.const 1664525)) (i32.const 1013904223)))
    (local.set $v (i32.shr_u (local.get $seed) (i32.const 8)))
    (local.set $min (select (local.get $v) (local.get $min) (i32.lt_u (local.get $v) (local.get $min))))
    (local.set $max (select (local.get $v) (local.get $max) (i32.gt_u (local.get $v) (local.get $max))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.const 500))))
  (i64.or (i64.shl (i64.extend_i32_u (local.get $max)) (i64.const 32)) (i64.extend_i32_u (local.get $min)))))
