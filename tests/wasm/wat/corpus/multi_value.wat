;; divmod returns two values; a block with parameters swaps them.
(module
  (func $divmod (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "run") (result i64)
    (local $i i32) (local $acc i64) (local $q i32) (local $r i32)
    (loop $l
      (call $divmod (i32.add (local.get $i) (i32.const 1000)) (i32.const 7))
      (block (param i32 i32) (result i32 i32)
        (local.set $r) (local.set $q) (local.get $r) (local.get $q))
      (local.set $q) (local.set $r)
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i32.add (i32.mul (local.get $q) (i32.const 10)) (local.get $r)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 50))))
    (local.get $acc)))
