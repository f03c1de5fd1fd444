;; 64-bit FNV-1a of the bytes 0..255.
(module (func (export "run") (result i64)
  (local $h i64) (local $i i64)
  (local.set $h (i64.const 0xcbf29ce484222325))
  (loop $l
    (local.set $h (i64.mul (i64.xor (local.get $h) (local.get $i)) (i64.const 0x100000001b3)))
    (local.set $i (i64.add (local.get $i) (i64.const 1)))
    (br_if $l (i64.lt_u (local.get $i) (i64.const 256))))
  (local.get $h)))
