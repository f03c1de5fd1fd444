;; A five-state machine driven by br_table; returns the visit count of each state
;; packed into one number (state k adds 1000^k... kept small: weights 1,10,100,1000,10000).
(module (func (export "run") (result i64)
  (local $state i32) (local $steps i32) (local $acc i64)
  (loop $l
    (block $s4 (block $s3 (block $s2 (block $s1 (block $s0
      (br_table $s0 $s1 $s2 $s3 $s4 (local.get $state)))
      (local.set $acc (i64.add (local.get $acc) (i64.const 1)))
      (local.set $state (i32.const 2)) (br $s4))
      (local.set $acc (i64.add (local.get $acc) (i64.const 10)))
      (local.set $state (i32.const 3)) (br $s4))
      (local.set $acc (i64.add (local.get $acc) (i64.const 100)))
      (local.set $state (i32.const 1)) (br $s4))
      (local.set $acc (i64.add (local.get $acc) (i64.const 1000)))
      (local.set $state (i32.const 4)) (br $s4))
    (if (i32.eq (local.get $state) (i32.const 4))
      (then (local.set $acc (i64.add (local.get $acc) (i64.const 10000)))
            (local.set $state (i32.const 0))))
    (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $steps) (i32.const 100))))
  (local.get $acc)))
