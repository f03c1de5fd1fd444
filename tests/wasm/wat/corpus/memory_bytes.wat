;; Writes a byte pattern, then sums it back with 16-bit and 32-bit loads.
(module (memory 1)
  (func (export "run") (result i64)
    (local $i i32) (local $acc i64)
    (loop $w
      (i32.store8 (local.get $i) (i32.and (i32.mul (local.get $i) (i32.const 31)) (i32.const 255)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $w (i32.lt_u (local.get $i) (i32.const 4096))))
    (local.set $i (i32.const 0))
    (loop $r
      (local.set $acc (i64.add (local.get $acc) (i64.load32_u (local.get $i))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (i32.load16_s offset=2 (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $r (i32.lt_u (local.get $i) (i32.const 4092))))
    (local.get $acc)))
