// Unrolls small innermost loops once, so that their fuel charge (6 instructions) is
// paid every second iteration instead of every iteration:
//
//   loop            loop
//     B               B
//     br_if 0   =>    if
//   end                 B'        (a second copy of B, branch depths + 1)
//                       br_if 1
//                     end
//                   end
//
// B' comes from `spare`, a second parse of the same module: WABT's IR expressions
// cannot be copied. The program computes the same; the loop header then charges for
// both copies (an upper bound when the loop leaves after the first).
#include <iterator>

#include "wabt/cast.h"
#include "wasm/wabt_rewrite.hpp"

namespace sensorhost::wasm::wabt_backend {
namespace {

using namespace wabt;

constexpr Index kMaxUnrolledBody = 48;  // instructions; bigger bodies gain little

// Instructions in `list`, nested ones included; nullopt when it holds a loop.
std::optional<Index> size_without_loops(const ExprList& list) {
  Index n = 0;
  for (const Expr& e : list) {
    ++n;
    switch (e.type()) {
      case ExprType::Loop: return std::nullopt;
      case ExprType::Block: {
        auto inner = size_without_loops(cast<BlockExpr>(&e)->block.exprs);
        if (!inner) return std::nullopt;
        n += *inner;
        break;
      }
      case ExprType::If: {
        auto t = size_without_loops(cast<IfExpr>(&e)->true_.exprs);
        auto f = size_without_loops(cast<IfExpr>(&e)->false_);
        if (!t || !f) return std::nullopt;
        n += *t + *f;
        break;
      }
      default: break;
    }
  }
  return n;
}

bool makes_stack_polymorphic(const Expr& e) {
  switch (e.type()) {
    case ExprType::Br:
    case ExprType::BrTable:
    case ExprType::Return:
    case ExprType::Unreachable: return true;
    default: return false;
  }
}

// A void loop whose body is straight-line at its top level (nested blocks allowed),
// holds no loop and ends with its back edge `br_if 0`.
bool unrollable(LoopExpr& loop) {
  const Block& b = loop.block;
  if (b.decl.has_func_type || !b.decl.sig.param_types.empty() || !b.decl.sig.result_types.empty()) return false;
  if (b.exprs.empty() || b.exprs.back().type() != ExprType::BrIf) return false;
  const Var& back_edge = cast<BrIfExpr>(&b.exprs.back())->var;
  if (!back_edge.is_index() || back_edge.index() != 0) return false;
  for (const Expr& e : b.exprs) {
    if (makes_stack_polymorphic(e)) return false;
  }
  auto size = size_without_loops(b.exprs);
  return size && *size <= kMaxUnrolledBody;
}

void deepen(Var& v, Index nesting) {
  if (v.is_index() && v.index() >= nesting) v.set_index(v.index() + 1);
}

// `list` moves one label deeper: branches to labels outside it gain one level.
void deepen_branches(ExprList& list, Index nesting) {
  for (Expr& e : list) {
    switch (e.type()) {
      case ExprType::Br: deepen(cast<BrExpr>(&e)->var, nesting); break;
      case ExprType::BrIf: deepen(cast<BrIfExpr>(&e)->var, nesting); break;
      case ExprType::BrTable: {
        auto* t = cast<BrTableExpr>(&e);
        for (Var& v : t->targets) deepen(v, nesting);
        deepen(t->default_target, nesting);
        break;
      }
      case ExprType::Block: deepen_branches(cast<BlockExpr>(&e)->block.exprs, nesting + 1); break;
      case ExprType::If:
        deepen_branches(cast<IfExpr>(&e)->true_.exprs, nesting + 1);
        deepen_branches(cast<IfExpr>(&e)->false_, nesting + 1);
        break;
      default: break;
    }
  }
}

void unroll(LoopExpr& loop, LoopExpr& spare) {
  ExprList& body = loop.block.exprs;
  body.erase(std::prev(body.end()));  // the back edge; B leaves its condition for `if`
  auto second = std::make_unique<IfExpr>();
  second->true_.exprs = std::move(spare.block.exprs);  // B' plus its own back edge
  deepen_branches(second->true_.exprs, 0);
  body.push_back(std::move(second));
}

// Walks two identical trees in step, unrolling in `list` with copies from `spare`.
void unroll_in(ExprList& list, ExprList& spare) {
  for (auto it = list.begin(), sp = spare.begin(); it != list.end() && sp != spare.end(); ++it, ++sp) {
    switch (it->type()) {
      case ExprType::Block:
        unroll_in(cast<BlockExpr>(&*it)->block.exprs, cast<BlockExpr>(&*sp)->block.exprs);
        break;
      case ExprType::If:
        unroll_in(cast<IfExpr>(&*it)->true_.exprs, cast<IfExpr>(&*sp)->true_.exprs);
        unroll_in(cast<IfExpr>(&*it)->false_, cast<IfExpr>(&*sp)->false_);
        break;
      case ExprType::Loop: {
        auto* loop = cast<LoopExpr>(&*it);
        if (unrollable(*loop)) {
          unroll(*loop, *cast<LoopExpr>(&*sp));
        } else {
          unroll_in(loop->block.exprs, cast<LoopExpr>(&*sp)->block.exprs);
        }
        break;
      }
      default: break;
    }
  }
}

}  // namespace

void unroll_small_loops(Module& module, Module& spare) {
  for (Index i = module.num_func_imports; i < module.funcs.size() && i < spare.funcs.size(); ++i) {
    unroll_in(module.funcs[i]->exprs, spare.funcs[i]->exprs);
  }
}

}  // namespace sensorhost::wasm::wabt_backend
