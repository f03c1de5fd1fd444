;; Counts the primes below 10000 with a byte sieve in linear memory.
(module (memory 1)
  (func (export "run") (result i64)
    (local $i i32) (local $j i32) (local $count i64)
    (local.set $i (i32.const 2))
    (loop $outer
      (if (i32.eqz (i32.load8_u (local.get $i)))
        (then
          (local.set $count (i64.add (local.get $count) (i64.const 1)))
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block $done (loop $inner
            (br_if $done (i32.ge_u (local.get $j) (i32.const 10000)))
            (i32.store8 (local.get $j) (i32.const 1))
            (local.set $j (i32.add (local.get $j) (local.get $i)))
            (br $inner)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (i32.const 10000))))
    (local.get $count)))
