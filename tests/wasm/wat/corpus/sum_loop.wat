(module (func (export "run") (result i64)
  (local $i i64) (local $s i64)
  (loop $l
    (local.set $i (i64.add (local.get $i) (i64.const 1)))
    (local.set $s (i64.add (local.get $s) (local.get $i)))
    (br_if $l (i64.lt_u (local.get $i) (i64.const 1000))))
  (local.get $s)))
