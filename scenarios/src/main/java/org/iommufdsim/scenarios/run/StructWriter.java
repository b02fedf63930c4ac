package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;

/**
 * Lays out {@code field=value} pairs in a C struct's bytes. A path names a scalar field
 * ({@code flags}, {@code mock_domain.out_stdev_id}, {@code __reserved[2]}), or an array or
 * nested member given a list or a struct literal ({@code __reserved=[0 1 0]}).
 */
final class StructWriter {
  private final Env env;

  StructWriter(Env env) {
    this.env = env;
  }

  /**
   * The field a step's path names: the exact path, else (for {@code IOMMU_TEST_OP_*}) the same
   * path inside the op's union member, so {@code out_stdev_id} is {@code mock_domain.out_stdev_id}.
   */
  static Optional<String> resolve(CStruct s, String path, String member) {
    if (hasMember(s, path)) {
      return Optional.of(path);
    }
    if (member != null && hasMember(s, member + "." + path)) {
      return Optional.of(member + "." + path);
    }
    return Optional.empty();
  }

  private static boolean hasMember(CStruct s, String path) {
    if (s.find(path).isPresent()) {
      return true;
    }
    for (CField f : s.fields()) {
      if (f.path().startsWith(path + ".") || f.path().startsWith(path + "[")) {
        return true;
      }
    }
    return false;
  }

  /** Sets every field of a struct literal; returns the scalar paths it wrote. */
  List<String> fill(CStruct s, byte[] buf, int base, Value.StructLit lit) {
    lit.type().filter(t -> !t.equals(s.name())).ifPresent(t -> {
      throw Env.bad(lit.pos(), "expected struct " + s.name() + " here, not " + t);
    });
    List<String> written = new ArrayList<>();
    for (FieldArg f : lit.fields()) {
      String path = resolve(s, f.path(), null).orElseThrow(() -> noField(s, f.path(), f.pos()));
      written.addAll(set(s, buf, base, path, f.value()));
    }
    return written;
  }

  /** Sets the member at a resolved {@code path}; returns the scalar paths written. */
  List<String> set(CStruct s, byte[] buf, int base, String path, Value v) {
    Optional<CField> scalar = s.find(path);
    if (scalar.isPresent()) {
      CField f = scalar.get();
      if (!(v instanceof Value.Expr e)) {
        throw Env.bad(v.pos(), path + " takes an integer, not " + Env.kind(v));
      }
      f.set(buf, base, env.fit(e, f.width(), f.signed(), path));
      return List.of(path);
    }
    return switch (v) {
      case Value.ListLit l -> setArray(s, buf, base, path, l);
      case Value.StructLit lit -> setNested(s, buf, base, path, lit);
      case Value.Str str -> throw Env.bad(v.pos(), path + " takes a list or a struct literal");
      case Value.Expr e -> throw Env.bad(v.pos(), path + " is an array or a nested struct: "
          + "give its elements ([...]) or fields ({...}), or name one (" + path + "[0])");
    };
  }

  private List<String> setArray(CStruct s, byte[] buf, int base, String path, Value.ListLit l) {
    List<String> written = new ArrayList<>();
    for (int i = 0; i < l.elements().size(); i++) {
      String element = path + "[" + i + "]";
      if (!hasMember(s, element)) {
        throw Env.bad(l.elements().get(i).pos(), path + " has only " + i + " elements");
      }
      written.addAll(set(s, buf, base, element, l.elements().get(i)));
    }
    return written;
  }

  private List<String> setNested(CStruct s, byte[] buf, int base, String path,
      Value.StructLit lit) {
    if (lit.type().isPresent()) {
      throw Env.bad(lit.pos(), path + " takes an untyped struct literal {...}");
    }
    List<String> written = new ArrayList<>();
    for (FieldArg f : lit.fields()) {
      String sub = path + (f.path().startsWith("[") ? "" : ".") + f.path();
      if (!hasMember(s, sub)) {
        throw noField(s, sub, f.pos());
      }
      written.addAll(set(s, buf, base, sub, f.value()));
    }
    return written;
  }

  static RuntimeException noField(CStruct s, String path, Pos pos) {
    return Env.unknown(pos, "struct " + s.name() + " has no field " + path);
  }
}
