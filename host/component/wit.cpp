#include "component/wit.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace sensorhost::component {

const WitFunction* WitInterface::find_function(std::string_view n) const {
  for (const auto& f : functions)
    if (f.name == n) return &f;
  return nullptr;
}

const WitInterface* WitPackage::find_interface(std::string_view n) const {
  for (const auto& i : interfaces)
    if (i.name == n || i.qualified == n) return &i;
  return nullptr;
}

const WitWorld* WitPackage::find_world(std::string_view n) const {
  for (const auto& w : worlds)
    if (w.name == n) return &w;
  return nullptr;
}

namespace {

// ---------------------------------------------------------------- lexer

struct Token {
  enum Kind { ident, punct, version, end } kind = end;
  std::string text;
  std::string docs;  // `///` lines right before the token
  std::string where;  // file:line
};

class Lexer {
 public:
  Lexer(const WitSource& src) : src_(src) {}

  Expected<std::vector<Token>, std::string> run() {
    std::vector<Token> out;
    std::string docs;
    while (true) {
      skip_space_and_comments(docs);
      Token t;
      t.where = src_.name + ":" + std::to_string(line_);
      t.docs = std::move(docs);
      docs.clear();
      if (pos_ >= text().size()) {
        out.push_back(std::move(t));
        return out;
      }
      char c = text()[pos_];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '%') {
        if (c == '%') ++pos_;
        t.kind = Token::ident;
        while (pos_ < text().size() && (std::isalnum(static_cast<unsigned char>(text()[pos_])) || text()[pos_] == '-'))
          t.text += text()[pos_++];
      } else if (c == '-' && peek(1) == '>') {
        t.kind = Token::punct;
        t.text = "->";
        pos_ += 2;
      } else if (c == '@') {
        ++pos_;
        t.kind = Token::version;
        while (pos_ < text().size() && (std::isalnum(static_cast<unsigned char>(text()[pos_])) ||
                                        text()[pos_] == '.' || text()[pos_] == '-' || text()[pos_] == '+')) {
          if (text()[pos_] == '.' && peek(1) == '{') break;  // `use a:b/c@1.0.0.{x}`
          t.text += text()[pos_++];
        }
      } else if (std::string_view("{}()<>,:;.=/*_").find(c) != std::string_view::npos) {
        t.kind = Token::punct;
        t.text = std::string(1, c);
        ++pos_;
      } else {
        return unexpected(t.where + ": unexpected character '" + std::string(1, c) + "'");
      }
      out.push_back(std::move(t));
    }
  }

 private:
  const std::string& text() const { return src_.text; }
  char peek(std::size_t ahead) const { return pos_ + ahead < text().size() ? text()[pos_ + ahead] : '\0'; }

  void skip_space_and_comments(std::string& docs) {
    while (pos_ < text().size()) {
      char c = text()[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '/' && peek(1) == '/') {
        std::size_t eol = text().find('\n', pos_);
        if (eol == std::string::npos) eol = text().size();
        if (peek(2) == '/') {
          std::string line = text().substr(pos_ + 3, eol - pos_ - 3);
          if (!line.empty() && line[0] == ' ') line.erase(0, 1);
          docs += (docs.empty() ? "" : "\n") + line;
        }
        pos_ = eol;
      } else if (c == '/' && peek(1) == '*') {
        std::size_t close = text().find("*/", pos_ + 2);
        close = close == std::string::npos ? text().size() : close + 2;
        line_ += static_cast<int>(std::count(text().begin() + static_cast<long>(pos_),
                                             text().begin() + static_cast<long>(close), '\n'));
        pos_ = close;
      } else {
        return;
      }
    }
  }

  const WitSource& src_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

// ---------------------------------------------------------------- syntax tree

struct TypeExpr {
  enum Form { prim, named, list, option, result, tuple } form = prim;
  Kind prim_kind = Kind::bool_;
  std::string name;
  std::vector<std::optional<TypeExpr>> args;  // result: ok, err (nullopt = `_`/absent)
  std::string where;
};

struct TypeDef {
  enum Form { record, variant, enum_, flags, alias } form = record;
  std::string name, docs, where;
  std::vector<std::pair<std::string, std::optional<TypeExpr>>> members;  // fields/cases/labels
  std::optional<TypeExpr> aliased;
};

struct FuncDef {
  std::string name, docs;
  std::vector<std::pair<std::string, TypeExpr>> params;
  std::optional<TypeExpr> result;
};

struct UseDef {
  std::string from, where;
  std::vector<std::pair<std::string, std::string>> names;  // name, local alias
};

struct InterfaceDef {
  std::string name, docs, where;
  std::vector<UseDef> uses;
  std::vector<TypeDef> types;
  std::vector<FuncDef> funcs;
};

struct WorldDef {
  std::string name, docs, where;
  std::vector<std::pair<bool, std::string>> items;  // is_import, interface path
};

const std::map<std::string, Kind, std::less<>>& primitive_names() {
  static const std::map<std::string, Kind, std::less<>> m = {
      {"bool", Kind::bool_}, {"s8", Kind::s8},   {"u8", Kind::u8},   {"s16", Kind::s16},       {"u16", Kind::u16},
      {"s32", Kind::s32},    {"u32", Kind::u32}, {"s64", Kind::s64}, {"u64", Kind::u64},       {"f32", Kind::f32},
      {"f64", Kind::f64},    {"char", Kind::char_}, {"string", Kind::string}, {"float32", Kind::f32},
      {"float64", Kind::f64}};
  return m;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  std::string error;
  std::string package_ns, package_name, package_version;
  std::vector<InterfaceDef> interfaces;
  std::vector<WorldDef> worlds;

  bool file() {
    if (at_ident("package")) {
      next();
      if (!ident(package_ns) || !punct(":") || !ident(package_name)) return false;
      if (cur().kind == Token::version) package_version = next().text;
      if (!punct(";")) return false;
    }
    while (cur().kind != Token::end) {
      if (at_ident("interface")) {
        if (!interface()) return false;
      } else if (at_ident("world")) {
        if (!world()) return false;
      } else {
        return fail("'interface' or 'world'");
      }
    }
    return true;
  }

  // A lone `func(...) -> T` for host signatures.
  bool lone_func(FuncDef& f) { return func_sig(f) && (cur().kind == Token::end || fail("end of signature")); }

 private:
  const Token& cur() const { return t_[i_]; }
  const Token& next() { return t_[i_ < t_.size() - 1 ? i_++ : i_]; }
  bool at_ident(std::string_view s) const { return cur().kind == Token::ident && cur().text == s; }
  bool at_punct(std::string_view s) const { return cur().kind == Token::punct && cur().text == s; }
  bool fail(std::string_view expected) {
    if (error.empty())
      error = cur().where + ": expected " + std::string(expected) + ", found " +
              (cur().kind == Token::end ? std::string("end of file") : "'" + cur().text + "'");
    return false;
  }
  bool punct(std::string_view s) {
    if (!at_punct(s)) return fail("'" + std::string(s) + "'");
    next();
    return true;
  }
  bool ident(std::string& out) {
    if (cur().kind != Token::ident) return fail("a name");
    out = next().text;
    return true;
  }
  bool refuse(std::string_view what) {
    error = cur().where + ": " + std::string(what) + " are not supported by sensorhost's WIT subset";
    return false;
  }

  // `{ a, b, c }` or `{ a: T, ... }`, trailing comma allowed.
  template <class Item>
  bool braced_list(Item item) {
    if (!punct("{")) return false;
    while (!at_punct("}")) {
      if (!item()) return false;
      if (!at_punct("}") && !punct(",")) return false;
    }
    next();
    return true;
  }

  bool interface() {
    InterfaceDef def;
    def.docs = cur().docs;
    def.where = cur().where;
    next();
    if (!ident(def.name) || !punct("{")) return false;
    while (!at_punct("}")) {
      const std::string docs = cur().docs;
      if (at_ident("use")) {
        if (!use(def)) return false;
      } else if (at_ident("record") || at_ident("variant") || at_ident("enum") || at_ident("flags") ||
                 at_ident("type")) {
        if (!typedef_(def, docs)) return false;
      } else if (at_ident("resource")) {
        return refuse("resources");
      } else {
        FuncDef f;
        f.docs = docs;
        if (!ident(f.name) || !punct(":") || !func_sig(f) || !punct(";")) return false;
        def.funcs.push_back(std::move(f));
      }
    }
    next();
    interfaces.push_back(std::move(def));
    return true;
  }

  bool use(InterfaceDef& def) {
    UseDef u;
    u.where = cur().where;
    next();
    if (!path(u.from) || !punct(".")) return false;
    if (!braced_list([&] {
          std::string n, alias;
          if (!ident(n)) return false;
          alias = n;
          if (at_ident("as")) {
            next();
            if (!ident(alias)) return false;
          }
          u.names.emplace_back(n, alias);
          return true;
        }))
      return false;
    if (!punct(";")) return false;
    def.uses.push_back(std::move(u));
    return true;
  }

  // `name` or `ns:pkg/name@version`
  bool path(std::string& out) {
    if (!ident(out)) return false;
    if (at_punct(":")) {
      std::string pkg, iface;
      next();
      if (!ident(pkg) || !punct("/") || !ident(iface)) return false;
      out += ":" + pkg + "/" + iface;
      if (cur().kind == Token::version) out += "@" + next().text;
    }
    return true;
  }

  bool typedef_(InterfaceDef& def, const std::string& docs) {
    TypeDef td;
    td.docs = docs;
    td.where = cur().where;
    const std::string keyword = next().text;
    if (!ident(td.name)) return false;
    if (keyword == "type") {
      td.form = TypeDef::alias;
      TypeExpr e;
      if (!punct("=") || !type(e) || !punct(";")) return false;
      td.aliased = std::move(e);
    } else {
      td.form = keyword == "record" ? TypeDef::record
                : keyword == "variant" ? TypeDef::variant
                : keyword == "enum" ? TypeDef::enum_ : TypeDef::flags;
      if (!braced_list([&] {
            std::string n;
            if (!ident(n)) return false;
            std::optional<TypeExpr> payload;
            if (td.form == TypeDef::record) {
              TypeExpr e;
              if (!punct(":") || !type(e)) return false;
              payload = std::move(e);
            } else if (td.form == TypeDef::variant && at_punct("(")) {
              next();
              TypeExpr e;
              if (!type(e) || !punct(")")) return false;
              payload = std::move(e);
            }
            td.members.emplace_back(n, std::move(payload));
            return true;
          }))
        return false;
    }
    def.types.push_back(std::move(td));
    return true;
  }

  bool func_sig(FuncDef& f) {
    if (at_ident("async")) return refuse("async functions");
    if (cur().kind != Token::ident || cur().text != "func") return fail("'func'");
    next();
    if (!punct("(")) return false;
    while (!at_punct(")")) {
      std::string n;
      TypeExpr e;
      if (!ident(n) || !punct(":") || !type(e)) return false;
      f.params.emplace_back(n, std::move(e));
      if (!at_punct(")") && !punct(",")) return false;
    }
    next();
    if (at_punct("->")) {
      next();
      if (at_punct("(")) return refuse("named or multiple results");
      TypeExpr e;
      if (!type(e)) return false;
      f.result = std::move(e);
    }
    return true;
  }

  bool type(TypeExpr& e) {
    e.where = cur().where;
    std::string n;
    if (!ident(n)) return false;
    auto args = [&](std::size_t min, std::size_t max, bool allow_blank) {
      if (!punct("<")) return false;
      while (true) {
        if (allow_blank && at_punct("_")) {
          next();
          e.args.emplace_back(std::nullopt);
        } else {
          TypeExpr a;
          if (!type(a)) return false;
          e.args.emplace_back(std::move(a));
        }
        if (at_punct(">")) break;
        if (!punct(",")) return false;
      }
      next();
      if (e.args.size() < min || e.args.size() > max) return fail("a different number of type arguments");
      return true;
    };
    if (auto p = primitive_names().find(n); p != primitive_names().end()) {
      e.form = TypeExpr::prim;
      e.prim_kind = p->second;
      return true;
    }
    if (n == "list") {
      e.form = TypeExpr::list;
      return args(1, 1, false);
    }
    if (n == "option") {
      e.form = TypeExpr::option;
      return args(1, 1, false);
    }
    if (n == "tuple") {
      e.form = TypeExpr::tuple;
      return args(1, 64, false);
    }
    if (n == "result") {
      e.form = TypeExpr::result;
      if (at_punct("<") && !args(1, 2, true)) return false;
      e.args.resize(2);
      return true;
    }
    if (n == "own" || n == "borrow") return refuse("resource handles (own/borrow)");
    if (n == "future" || n == "stream") return refuse("futures and streams");
    e.form = TypeExpr::named;
    e.name = n;
    return true;
  }

  bool world() {
    WorldDef w;
    w.docs = cur().docs;
    w.where = cur().where;
    next();
    if (!ident(w.name) || !punct("{")) return false;
    while (!at_punct("}")) {
      const bool is_import = at_ident("import");
      if (!is_import && !at_ident("export")) {
        if (at_ident("include") || at_ident("use")) return refuse("'include' and 'use' in worlds");
        return fail("'import' or 'export'");
      }
      next();
      std::string p;
      if (!path(p)) return false;
      if (at_punct(":")) return refuse("world-level functions and inline interfaces");
      if (!punct(";")) return false;
      w.items.emplace_back(is_import, p);
    }
    next();
    worlds.push_back(std::move(w));
    return true;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
};

// ---------------------------------------------------------------- resolution

class Resolver {
 public:
  Resolver(const std::vector<InterfaceDef>& defs, std::string prefix, std::string suffix)
      : defs_(defs), prefix_(std::move(prefix)), suffix_(std::move(suffix)) {}

  std::string error;

  const WitInterface* interface(std::string_view name) {
    if (auto it = done_.find(name); it != done_.end()) return &it->second;
    auto def = std::find_if(defs_.begin(), defs_.end(), [&](const InterfaceDef& d) {
      return d.name == name || prefix_ + d.name + suffix_ == name;
    });
    if (def == defs_.end()) return nullptr;
    if (!in_progress_.insert(def->name).second) {
      error = def->where + ": interface " + def->name + " uses itself (a cycle of 'use')";
      return nullptr;
    }
    WitInterface out;
    if (!resolve(*def, out)) return nullptr;
    in_progress_.erase(def->name);
    return &done_.emplace(def->name, std::move(out)).first->second;
  }

 private:
  struct Scope {
    const InterfaceDef* def = nullptr;
    std::map<std::string, TypeRef, std::less<>> types;
    std::set<std::string, std::less<>> resolving;
  };

  bool resolve(const InterfaceDef& def, WitInterface& out) {
    out.name = def.name;
    out.qualified = prefix_ + def.name + suffix_;
    out.docs = def.docs;
    Scope scope;
    scope.def = &def;
    for (const auto& u : def.uses) {
      const WitInterface* from = interface(u.from);
      if (!from) {
        if (error.empty()) error = u.where + ": unknown interface '" + u.from + "' in use";
        return false;
      }
      for (const auto& [n, alias] : u.names) {
        auto t = std::find_if(from->types.begin(), from->types.end(), [&](const TypeRef& x) { return x->name == n; });
        if (t == from->types.end()) {
          error = u.where + ": interface " + from->name + " has no type '" + n + "'";
          return false;
        }
        scope.types[alias] = alias == n ? *t : with_name(*t, alias);
        out.used.push_back(scope.types[alias]);
      }
    }
    for (const auto& td : def.types) {
      TypeRef t = named(scope, td.name, td.where);
      if (!t) return false;
      out.types.push_back(t);
    }
    for (const auto& f : def.funcs) {
      WitFunction wf;
      wf.name = f.name;
      wf.docs = f.docs;
      if (!signature(scope, f, wf.type)) return false;
      out.functions.push_back(std::move(wf));
    }
    return true;
  }

 public:
  bool signature(Scope& scope, const FuncDef& f, FuncType& out) {
    for (const auto& [n, e] : f.params) {
      TypeRef t = expr(scope, e);
      if (!t) return false;
      out.params.push_back({n, t});
    }
    if (f.result) {
      out.result = expr(scope, *f.result);
      if (!out.result) return false;
    }
    return true;
  }

  static Scope scope_of(const WitInterface* iface) {
    Scope s;
    if (iface) {
      for (const auto& t : iface->used) s.types[t->name] = t;
      for (const auto& t : iface->types) s.types[t->name] = t;
    }
    return s;
  }

 private:
  TypeRef named(Scope& scope, const std::string& name, const std::string& where) {
    if (auto it = scope.types.find(name); it != scope.types.end()) return it->second;
    const TypeDef* td = nullptr;
    if (scope.def)
      for (const auto& d : scope.def->types)
        if (d.name == name) td = &d;
    if (!td) {
      error = where + ": unknown type '" + name + "'";
      return nullptr;
    }
    if (!scope.resolving.insert(name).second) {
      error = td->where + ": type " + name + " refers to itself (recursive types are not allowed)";
      return nullptr;
    }
    TypeRef t = define(scope, *td);
    scope.resolving.erase(name);
    if (t) scope.types[name] = t;
    return t;
  }

  TypeRef define(Scope& scope, const TypeDef& td) {
    Type t;
    t.name = td.name;
    t.owner = scope.def ? scope.def->name : "";
    std::set<std::string> seen;
    for (const auto& [n, e] : td.members) {
      if (!seen.insert(n).second) {
        error = td.where + ": '" + n + "' appears twice in " + td.name;
        return nullptr;
      }
      TypeRef payload;
      if (e) {
        payload = expr(scope, *e);
        if (!payload) return nullptr;
      }
      switch (td.form) {
        case TypeDef::record: t.fields.push_back({n, payload}); break;
        case TypeDef::variant: t.cases.push_back({n, payload}); break;
        default: t.labels.push_back(n); break;
      }
    }
    switch (td.form) {
      case TypeDef::record: t.kind = Kind::record; break;
      case TypeDef::variant: t.kind = Kind::variant; break;
      case TypeDef::enum_: t.kind = Kind::enum_; break;
      case TypeDef::flags:
        t.kind = Kind::flags;
        if (t.labels.size() > 32) {
          error = td.where + ": flags " + td.name + " has more than 32 labels";
          return nullptr;
        }
        break;
      case TypeDef::alias: {
        TypeRef target = expr(scope, *td.aliased);
        if (!target) return nullptr;
        Type copy = *target;
        copy.name = td.name;
        copy.owner = t.owner;
        return std::make_shared<const Type>(std::move(copy));
      }
    }
    if (td.members.empty() && td.form != TypeDef::flags) {
      error = td.where + ": " + td.name + " must have at least one member";
      return nullptr;
    }
    return make_type(std::move(t));
  }

  TypeRef expr(Scope& scope, const TypeExpr& e) {
    auto arg = [&](std::size_t i) -> TypeRef {
      if (!e.args[i]) return nullptr;
      return expr(scope, *e.args[i]);
    };
    switch (e.form) {
      case TypeExpr::prim: return primitive(e.prim_kind);
      case TypeExpr::named: return named(scope, e.name, e.where);
      case TypeExpr::list: {
        auto a = arg(0);
        return a ? make_list(a) : nullptr;
      }
      case TypeExpr::option: {
        auto a = arg(0);
        return a ? make_option(a) : nullptr;
      }
      case TypeExpr::tuple: {
        std::vector<TypeRef> items;
        for (std::size_t i = 0; i < e.args.size(); ++i) {
          items.push_back(arg(i));
          if (!items.back()) return nullptr;
        }
        return make_tuple(std::move(items));
      }
      case TypeExpr::result: {
        TypeRef ok = arg(0), err = arg(1);
        if ((e.args[0] && !ok) || (e.args[1] && !err)) return nullptr;
        return make_result(ok, err);
      }
    }
    return nullptr;
  }

  const std::vector<InterfaceDef>& defs_;
  std::string prefix_, suffix_;
  std::map<std::string, WitInterface, std::less<>> done_;
  std::set<std::string, std::less<>> in_progress_;
};

Expected<std::vector<Token>, std::string> lex(const WitSource& src) { return Lexer(src).run(); }

}  // namespace

Expected<WitPackage, std::string> parse_wit(const std::vector<WitSource>& sources) {
  WitPackage pkg;
  std::vector<InterfaceDef> interfaces;
  std::vector<WorldDef> worlds;
  for (const auto& src : sources) {
    auto tokens = lex(src);
    if (!tokens) return unexpected(tokens.error());
    Parser p(std::move(*tokens));
    if (!p.file()) return unexpected(p.error);
    if (!p.package_ns.empty()) {
      if (!pkg.ns.empty() && (pkg.ns != p.package_ns || pkg.name != p.package_name || pkg.version != p.package_version))
        return unexpected(src.name + ": package " + p.package_ns + ":" + p.package_name + " differs from " + pkg.ns +
                          ":" + pkg.name + " declared in another file");
      pkg.ns = p.package_ns;
      pkg.name = p.package_name;
      pkg.version = p.package_version;
    }
    std::move(p.interfaces.begin(), p.interfaces.end(), std::back_inserter(interfaces));
    std::move(p.worlds.begin(), p.worlds.end(), std::back_inserter(worlds));
  }
  if (pkg.ns.empty()) return unexpected(std::string("no 'package ns:name@version;' declaration in the WIT files"));
  const std::string prefix = pkg.ns + ":" + pkg.name + "/";
  const std::string suffix = pkg.version.empty() ? "" : "@" + pkg.version;
  Resolver resolver(interfaces, prefix, suffix);
  for (const auto& def : interfaces) {
    const WitInterface* i = resolver.interface(def.name);
    if (!i) return unexpected(resolver.error);
    if (pkg.find_interface(def.name)) return unexpected(def.where + ": interface " + def.name + " is defined twice");
    pkg.interfaces.push_back(*i);
  }
  for (const auto& w : worlds) {
    WitWorld world;
    world.name = w.name;
    world.docs = w.docs;
    for (const auto& [is_import, p] : w.items) {
      const WitInterface* i = pkg.find_interface(p);
      if (!i) return unexpected(w.where + ": world " + w.name + " names unknown interface '" + p + "'");
      (is_import ? world.imports : world.exports).push_back(i->qualified);
    }
    pkg.worlds.push_back(std::move(world));
  }
  return pkg;
}

Expected<WitPackage, std::string> load_wit_dir(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".wit") files.push_back(entry.path());
  if (ec) return unexpected(dir.string() + ": " + ec.message());
  if (files.empty()) return unexpected(dir.string() + ": no .wit files");
  std::sort(files.begin(), files.end());
  std::vector<WitSource> sources;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return unexpected(f.string() + ": cannot read");
    sources.push_back({f.string(), ss.str()});
  }
  return parse_wit(sources);
}

Expected<FuncType, std::string> parse_func_type(std::string_view text, const WitInterface* scope) {
  auto tokens = lex({"signature", std::string(text)});
  if (!tokens) return unexpected(tokens.error());
  Parser p(std::move(*tokens));
  FuncDef f;
  if (!p.lone_func(f)) return unexpected(p.error);
  std::vector<InterfaceDef> none;
  Resolver resolver(none, "", "");
  auto s = Resolver::scope_of(scope);
  FuncType out;
  if (!resolver.signature(s, f, out)) return unexpected(resolver.error);
  return out;
}

}  // namespace sensorhost::component
