;; Declares its own maximum (4 pages), below the host's cap.
(module
  (memory (export "memory") 1 4)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
