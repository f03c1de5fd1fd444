;; Loops the fuel rewrite unrolls: an odd trip count, and a body whose nested block
;; branches and whose br_if leaves the loop through an outer block.
(module
  (func $exits_early (result i64)
    (local $i i32) (local $acc i64)
    (block $out
      (loop $l
        (block $skip
          (br_if $skip (i32.and (local.get $i) (i32.const 1)))
          (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i)))))
        (br_if $out (i32.eq (local.get $i) (i32.const 777)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 999)))))
    (i64.add (i64.mul (local.get $acc) (i64.const 1000)) (i64.extend_i32_u (local.get $i))))
  (func $odd_count (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (local.get $i)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get $i) (i64.const 999))))
    (local.get $acc))
  (func (export "run") (result i64)
    (i64.add (i64.mul (call $exits_early) (i64.const 1000000)) (call $odd_count))))
