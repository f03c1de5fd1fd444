;; Applies a table of four operations in turn.
(module
  (type $op (func (param i64 i64) (result i64)))
  (table 4 funcref)
  (elem (i32.const 0) $add $sub $mul $xor)
  (func $add (type $op) (i64.add (local.get 0) (local.get 1)))
  (func $sub (type $op) (i64.sub (local.get 0) (local.get 1)))
  (func $mul (type $op) (i64.mul (local.get 0) (local.get 1)))
  (func $xor (type $op) (i64.xor (local.get 0) (local.get 1)))
  (func (export "run") (result i64)
    (local $i i32) (local $acc i64)
    (local.set $acc (i64.const 1))
    (loop $l
      (local.set $acc (call_indirect (type $op)
        (local.get $acc) (i64.extend_i32_u (i32.add (local.get $i) (i32.const 3)))
        (i32.and (local.get $i) (i32.const 3))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 200))))
    (local.get $acc)))
