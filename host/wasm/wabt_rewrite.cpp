// Fuel metering and limit clamping on WABT's IR.
//
// Fuel counter: one mutable i32 global shared by every instance of a store. It holds
// -1 - remaining, so it is negative while fuel remains and a charge that overdraws it
// makes it >= 0, which `i32.clz` turns into a non-zero condition: the check costs one
// instruction. The runtime tops the counter up from a 64-bit reserve in the handler
// (so any 64-bit budget works) and traps there when the reserve is empty.
//
// Charges: each function entry pays for the instructions of its body outside loops,
// each loop iteration for the loop body outside nested loops (straight-line code runs
// at most once per entry or iteration, so these bound the work). A function without
// loops updates the global directly (7 instructions, nothing else to do). A function
// with loops caches the counter in a local (6 cheap instructions per iteration) and
// writes it back before calls, returns and at its end, reloading it after calls.
// compile() first unrolls small loops (wabt_unroll.cpp) so they charge half as often.
#include "wasm/wabt_rewrite.hpp"

#include <algorithm>
#include <memory>

#include "wabt/cast.h"
#include "wasm/wabt_image.hpp"

namespace sensorhost::wasm::wabt_backend {
namespace {

using namespace wabt;

constexpr std::uint32_t kMaxCharge = 1u << 20;  // the runtime's top-up (2^22) always covers one charge
constexpr Index kMaxLocals = 50000;             // the JS API's limit; bounds frame memory

template <class F>
void for_each_expr(ExprList& list, F& f) {
  for (Expr& e : list) {
    f(e);
    switch (e.type()) {
      case ExprType::Block: for_each_expr(cast<BlockExpr>(&e)->block.exprs, f); break;
      case ExprType::Loop: for_each_expr(cast<LoopExpr>(&e)->block.exprs, f); break;
      case ExprType::If:
        for_each_expr(cast<IfExpr>(&e)->true_.exprs, f);
        for_each_expr(cast<IfExpr>(&e)->false_, f);
        break;
      default: break;
    }
  }
}

void shift(Var& var, Index first) {
  if (var.is_index() && var.index() >= first) var.set_index(var.index() + 1);
}

// Makes room for one new global at `first_global` and one new function at `first_func`.
void renumber(Module& m, Index first_global, Index first_func) {
  auto fix = [&](Expr& e) {
    switch (e.type()) {
      case ExprType::GlobalGet: shift(cast<GlobalGetExpr>(&e)->var, first_global); break;
      case ExprType::GlobalSet: shift(cast<GlobalSetExpr>(&e)->var, first_global); break;
      case ExprType::Call: shift(cast<CallExpr>(&e)->var, first_func); break;
      case ExprType::ReturnCall: shift(cast<ReturnCallExpr>(&e)->var, first_func); break;
      case ExprType::RefFunc: shift(cast<RefFuncExpr>(&e)->var, first_func); break;
      default: break;
    }
  };
  for (Func* f : m.funcs) for_each_expr(f->exprs, fix);
  for (Global* g : m.globals) for_each_expr(g->init_expr, fix);
  for (ElemSegment* s : m.elem_segments) {
    for_each_expr(s->offset, fix);
    for (ExprList& l : s->elem_exprs) for_each_expr(l, fix);
  }
  for (DataSegment* s : m.data_segments) for_each_expr(s->offset, fix);
  for (Export* e : m.exports) {
    if (e->kind == ExternalKind::Func) shift(e->var, first_func);
    if (e->kind == ExternalKind::Global) shift(e->var, first_global);
  }
  for (Var* v : m.starts) shift(*v, first_func);
}

// Module::AppendField puts an imported object after the defined ones; imports come
// first in each index space, so move it to the end of the imported range.
template <class T>
void move_last_to(std::vector<T*>& items, Index position) {
  std::rotate(items.begin() + position, items.end() - 1, items.end());
}

Index add_handler_type(Module& m) {
  auto field = std::make_unique<TypeModuleField>();
  field->type = std::make_unique<wabt::FuncType>();  // () -> ()
  m.AppendField(std::move(field));
  return static_cast<Index>(m.types.size() - 1);
}

void add_fuel_imports(Module& m, Index global_index, Index func_index) {
  auto global = std::make_unique<GlobalImport>();
  global->module_name = kFuelModule;
  global->field_name = kFuelGlobal;
  global->global.type = Type::I32;
  global->global.mutable_ = true;
  m.AppendField(std::make_unique<ImportModuleField>(std::move(global)));
  move_last_to(m.globals, global_index);

  auto handler = std::make_unique<FuncImport>();
  handler->module_name = kFuelModule;
  handler->field_name = kFuelHandler;
  handler->func.decl.has_func_type = true;
  handler->func.decl.type_var = Var(add_handler_type(m), Location());
  m.AppendField(std::make_unique<ImportModuleField>(std::move(handler)));
  move_last_to(m.funcs, func_index);
}

// Builds the instruction sequences the metering inserts.
class Meter {
 public:
  Meter(Index global, Index handler) : global_(global), handler_(handler) {}

  // Function entry of a loop-free function: works on the global only.
  ExprList charge_global(std::uint32_t cost) const {
    ExprList out;
    add<GlobalGetExpr>(out, global_);
    add_const_add(out, cost);
    add<GlobalSetExpr>(out, global_);
    add<GlobalGetExpr>(out, global_);
    out.push_back(std::make_unique<UnaryExpr>(Opcode::I32Clz));
    ExprList on_empty;
    add<CallExpr>(on_empty, handler_);
    out.push_back(make_if(std::move(on_empty)));
    return out;
  }

  // Function entry (from_global) or loop header of a function caching fuel in `local`.
  ExprList charge_local(Index local, std::uint32_t cost, bool from_global) const {
    ExprList out;
    if (from_global) {
      add<GlobalGetExpr>(out, global_);
    } else {
      add<LocalGetExpr>(out, local);
    }
    add_const_add(out, cost);
    add<LocalTeeExpr>(out, local);
    out.push_back(std::make_unique<UnaryExpr>(Opcode::I32Clz));
    ExprList on_empty = store(local);
    add<CallExpr>(on_empty, handler_);
    on_empty.splice(on_empty.end(), load(local));
    out.push_back(make_if(std::move(on_empty)));
    return out;
  }

  ExprList store(Index local) const {
    ExprList out;
    add<LocalGetExpr>(out, local);
    add<GlobalSetExpr>(out, global_);
    return out;
  }
  ExprList load(Index local) const {
    ExprList out;
    add<GlobalGetExpr>(out, global_);
    add<LocalSetExpr>(out, local);
    return out;
  }

 private:
  template <class E>
  static void add(ExprList& list, Index index) {
    list.push_back(std::make_unique<E>(Var(index, Location())));
  }
  static void add_const_add(ExprList& list, std::uint32_t cost) {
    list.push_back(std::make_unique<ConstExpr>(Const::I32(std::min(cost, kMaxCharge))));
    list.push_back(std::make_unique<BinaryExpr>(Opcode::I32Add));
  }
  static std::unique_ptr<IfExpr> make_if(ExprList body) {
    auto e = std::make_unique<IfExpr>();
    e->true_.exprs = std::move(body);
    return e;
  }

  Index global_;
  Index handler_;
};

// Instruments one function body. `local` is the fuel cache, or nullopt for a
// loop-free function (whose only charge is at entry).
class FunctionMeter {
 public:
  FunctionMeter(const Meter& meter, std::optional<Index> local) : meter_(meter), local_(local) {}

  // Instruments `list` (nested at `depth` labels) and returns its cost: its own
  // instructions plus nested blocks, excluding loop bodies, which charge themselves.
  std::uint32_t walk(ExprList& list, Index depth) {
    std::uint64_t cost = 0;
    for (auto it = list.begin(); it != list.end(); ++it) {
      ++cost;
      switch (it->type()) {
        case ExprType::Block: cost += walk(cast<BlockExpr>(&*it)->block.exprs, depth + 1); break;
        case ExprType::If: {
          auto* e = cast<IfExpr>(&*it);
          cost += walk(e->true_.exprs, depth + 1);
          cost += walk(e->false_, depth + 1);
          break;
        }
        case ExprType::Loop: {
          ExprList& body = cast<LoopExpr>(&*it)->block.exprs;
          std::uint32_t body_cost = walk(body, depth + 1) + 1;
          body.splice(body.begin(), meter_.charge_local(*local_, body_cost, false));
          break;
        }
        case ExprType::Call:
        case ExprType::CallIndirect:
          if (local_) {
            list.splice(it, meter_.store(*local_));
            auto next = std::next(it);
            list.splice(next, meter_.load(*local_));
            it = std::prev(next);
          }
          break;
        default:
          if (local_ && leaves_function(*it, depth)) list.splice(it, meter_.store(*local_));
          break;
      }
      cost = std::min<std::uint64_t>(cost, kMaxCharge);
    }
    return static_cast<std::uint32_t>(cost);
  }

 private:
  // Whether `e` may leave the function (or trap on purpose) without reaching its end.
  static bool leaves_function(Expr& e, Index depth) {
    switch (e.type()) {
      case ExprType::Return:
      case ExprType::Unreachable: return true;
      case ExprType::Br: return targets(cast<BrExpr>(&e)->var, depth);
      case ExprType::BrIf: return targets(cast<BrIfExpr>(&e)->var, depth);
      case ExprType::BrTable: {
        auto* t = cast<BrTableExpr>(&e);
        return targets(t->default_target, depth) ||
               std::any_of(t->targets.begin(), t->targets.end(), [&](const Var& v) { return targets(v, depth); });
      }
      default: return false;
    }
  }
  // A branch to the label `depth` levels out is a branch to the function's body label.
  static bool targets(const Var& v, Index depth) { return v.is_index() && v.index() == depth; }

  const Meter& meter_;
  std::optional<Index> local_;
};

bool has_loop(Func& f) {
  bool found = false;
  auto check = [&](Expr& e) { found = found || e.type() == ExprType::Loop; };
  for_each_expr(f.exprs, check);
  return found;
}

void meter_function(Func& f, const Meter& meter) {
  if (!has_loop(f)) {
    std::uint32_t cost = FunctionMeter(meter, std::nullopt).walk(f.exprs, 0) + 1;
    f.exprs.splice(f.exprs.begin(), meter.charge_global(cost));
    return;
  }
  Index local = f.GetNumParamsAndLocals();
  f.local_types.AppendDecl(Type::I32, 1);
  std::uint32_t cost = FunctionMeter(meter, local).walk(f.exprs, 0) + 1;
  f.exprs.splice(f.exprs.begin(), meter.charge_local(local, cost, true));
  f.exprs.splice(f.exprs.end(), meter.store(local));
}

// Lowers the maximum to `max` (growing past it then fails with -1); refuses an
// initial size over it.
std::optional<std::string> cap(wabt::Limits& l, std::uint32_t max, const char* what, std::size_t index,
                               const char* unit) {
  if (l.initial > max) {
    return std::string(what) + " " + std::to_string(index) + " starts at " + std::to_string(l.initial) + " " + unit +
           " but plugins may use at most " + std::to_string(max);
  }
  if (!l.has_max || l.max > max) {
    l.has_max = true;
    l.max = max;
  }
  return std::nullopt;
}

std::string function_label(const Module& m, Index index) {
  const std::string& name = m.funcs[index]->name;
  return name.empty() ? "func[" + std::to_string(index) + "]" : "'" + name.substr(1) + "'";
}

}  // namespace

std::optional<std::string> apply_limits(Module& module, const Limits& limits) {
  for (std::size_t i = 0; i < module.memories.size(); ++i) {
    if (auto e = cap(module.memories[i]->page_limits, limits.max_memory_pages, "memory", i, "pages (64 KiB each)")) {
      return e;
    }
  }
  for (std::size_t i = 0; i < module.tables.size(); ++i) {
    if (auto e = cap(module.tables[i]->elem_limits, limits.max_table_elements, "table", i, "elements")) return e;
  }
  for (Index i = module.num_func_imports; i < module.funcs.size(); ++i) {
    if (module.funcs[i]->GetNumParamsAndLocals() > kMaxLocals) {
      return "function " + function_label(module, i) + " declares " +
             std::to_string(module.funcs[i]->GetNumParamsAndLocals()) + " locals; at most " +
             std::to_string(kMaxLocals) + " are allowed";
    }
  }
  return std::nullopt;
}

MeteringInfo insert_metering(Module& module) {
  Index global = module.num_global_imports;
  Index handler = module.num_func_imports;
  renumber(module, global, handler);
  add_fuel_imports(module, global, handler);
  Meter meter(global, handler);
  for (Index i = module.num_func_imports; i < module.funcs.size(); ++i) meter_function(*module.funcs[i], meter);
  return MeteringInfo{handler};
}

}  // namespace sensorhost::wasm::wabt_backend
