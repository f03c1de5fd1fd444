;; Exports a memory, a table, a mutable global and a function for linking tests.
(module
  (memory (export "memory") 1)
  (table (export "table") 2 funcref)
  (global (export "counter") (mut i32) (i32.const 5))
  (global (export "fixed") i64 (i64.const 7))
  (global (export "scale") i32 (i32.const 3))
  (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
)
