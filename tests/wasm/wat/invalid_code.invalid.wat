;; Assembled with --no-check: the body leaves an i64 where i32 is declared.
(module
  (func (export "f") (result i32) (i64.const 1))
)
