;; Steps for 27 to reach 1 (111), times 1000, plus the steps of 97 (118).
(module
  (func $steps (param $n i64) (result i64)
    (local $s i64)
    (block $done (loop $l
      (br_if $done (i64.eq (local.get $n) (i64.const 1)))
      (local.set $n (if (result i64) (i64.eqz (i64.and (local.get $n) (i64.const 1)))
        (then (i64.shr_u (local.get $n) (i64.const 1)))
        (else (i64.add (i64.mul (local.get $n) (i64.const 3)) (i64.const 1)))))
      (local.set $s (i64.add (local.get $s) (i64.const 1)))
      (br $l)))
    (local.get $s))
  (func (export "run") (result i64)
    (i64.add (i64.mul (call $steps (i64.const 27)) (i64.const 1000)) (call $steps (i64.const 97)))))
