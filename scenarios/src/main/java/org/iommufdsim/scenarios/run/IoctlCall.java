package org.iommufdsim.scenarios.run;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.iommufdsim.scenarios.ast.Arg;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.TestOp;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * One ioctl step, done as a C program does it: the whole struct laid out in user memory (fields
 * not named are 0), {@code size} set to the struct's full size unless named, trailing bytes
 * after it, pointed-to data placed after that; then {@code ioctl(fd, REQUEST, &struct)} and the
 * struct read back as the kernel left it.
 */
final class IoctlCall {
  /**
   * A {@code size=} up to this many bytes gets zeroed memory reserved past the struct; a larger
   * one reads on into whatever the scratch arena holds there (zeroes, up to its end).
   */
  private static final long MAX_DECLARED = 1L << 20;

  /** The pseudo-field that gives an ioctl's raw argument instead of a laid-out struct. */
  static final String RAW_ARG = "arg";

  private final Machine m;

  IoctlCall(Machine m) {
    this.m = m;
  }

  /** The layout of one step's struct before the call. */
  private record Layout(byte[] image, byte[] trailing, Set<String> named,
      Map<String, FieldArg> conveniences) {}

  Answer exec(Step st, IoctlDef def, Optional<TestOp> op) {
    int fd = m.targetFd(st);
    CStruct s = def.struct();
    if (s == null) {
      return plain(st, def, fd);
    }
    Optional<FieldArg> raw = rawArg(st, s);
    if (raw.isPresent()) {
      return rawPointer(st, def, op, fd, raw.get());
    }
    Layout lay = layout(st, def, op);
    List<Pointee> pointees = new Pointees(m).build(def.name(), s, lay.image(),
        lay.conveniences(), lay.named());
    sizeField(s).filter(f -> !lay.named().contains(f.path()))
        .ifPresent(f -> f.set(lay.image(), s.size() + lay.trailing().length));
    long declared = sizeField(s).map(f -> f.get(lay.image())).orElse(0L);
    int laid = s.size() + lay.trailing().length;
    long addr = m.scratch.alloc(Math.max(laid, declared <= MAX_DECLARED ? declared : 0));
    long[] at = place(s, lay, pointees);
    byte[] before = lay.image().clone();
    m.mem.store(addr, concat(lay.image(), lay.trailing()));
    SysResult r = m.sys.ioctl(fd, def.request(), addr);
    byte[] after = m.mem.load(addr, s.size());
    Observed o = new Observed();
    o.add(new Observation("ret", "ret", r.value(), 8, true, r.isOk() && r.value() != 0));
    StructObservations.observe(s, before, after, r.isOk(), op.or(() -> testOpOf(def, before)), o);
    decode(pointees, at, after, o);
    if (r.isOk()) {
      track(def, s, after);
    }
    return new Answer(r, o);
  }

  /** For {@code IOMMU_TEST_CMD} spelt out, the op its {@code op} field names. */
  private static Optional<TestOp> testOpOf(IoctlDef def, byte[] image) {
    return def.struct().find("op").isPresent() && def.name().equals("IOMMU_TEST_CMD")
        ? Uapi.testOpByNumber(def.struct().field("op").get(image))
        : Optional.empty();
  }

  /**
   * The step's {@code arg=} when its struct has no field of that name: the ioctl's argument
   * itself, passed instead of the address of a laid-out struct.
   */
  private static Optional<FieldArg> rawArg(Step st, CStruct s) {
    if (s.find(RAW_ARG).isPresent()) {
      return Optional.empty();
    }
    return st.fieldArgs().stream().filter(f -> f.path().equals(RAW_ARG)).findFirst();
  }

  /**
   * {@code IOCTL arg=VALUE}: {@code ioctl(fd, REQUEST, VALUE)} with no struct laid out, as
   * {@code ioctl(fd, IOMMU_DESTROY, NULL)} does. Nothing is there to name: the step may give
   * no other argument, and its outcome no field (the kernel's answer is ok or the errno).
   */
  private Answer rawPointer(Step st, IoctlDef def, Optional<TestOp> op, int fd, FieldArg raw) {
    String why = " (" + def.name() + " " + RAW_ARG + "=VALUE passes VALUE as the struct pointer;"
        + " no struct is laid out)";
    if (op.isPresent()) {
      throw Env.bad(raw.pos(), st.call().text() + " cannot take " + RAW_ARG + "=: its op is a"
          + " field of the struct it would not pass; write IOMMU_TEST_CMD " + RAW_ARG + "=VALUE");
    }
    for (Arg a : st.args()) {
      if (a == raw) {
        continue;
      }
      if (a instanceof FieldArg f && f.path().equals(RAW_ARG)) {
        throw Env.bad(f.pos(), RAW_ARG + " is given twice");
      }
      String what = a instanceof FieldArg f ? f.path() + "=" : "a value";
      throw Env.bad(a.pos(), what + " has nowhere to go" + why);
    }
    st.outcome().ifPresent(o -> o.pairs().stream().findFirst().ifPresent(p -> {
      throw Env.bad(p.pos(), "the outcome cannot read " + p.path() + ": " + st.call().text()
          + " " + RAW_ARG + "= leaves no struct to read back (write just ok or an errno)");
    }));
    long arg = m.env.evalInt(raw.value(), RAW_ARG);
    return new Answer(m.sys.ioctl(fd, def.request(), arg), new Observed());
  }

  /** An ioctl whose argument is a plain integer ({@code VFIO_CHECK_EXTENSION arg=N}). */
  private Answer plain(Step st, IoctlDef def, int fd) {
    String usage = def.name() + " [arg=N]";
    Args a = Args.of(st, usage, List.of("arg"));
    a.noPositional(usage);
    SysResult r = m.sys.ioctl(fd, def.request(), a.orElse("arg", m.env, 0));
    return SysCalls.withResult("ret", r, r.isOk() && r.value() != 0);
  }

  private Layout layout(Step st, IoctlDef def, Optional<TestOp> op) {
    CStruct s = def.struct();
    String member = op.map(TestOp::unionMember).orElse(null);
    byte[] image = s.newBuffer();
    op.ifPresent(o -> s.field("op").set(image, o.op()));
    Set<String> named = new TreeSet<>();
    Set<String> given = new TreeSet<>();
    Map<String, FieldArg> conv = new LinkedHashMap<>();
    byte[] trailing = new byte[0];
    for (Arg arg : st.args()) {
      switch (arg) {
        case Arg.Positional p -> throw Env.bad(p.pos(), def.name() + " takes field=value pairs");
        case FieldArg f when f.path().equals("trailing") && s.find("trailing").isEmpty() ->
            trailing = hexBytes(f);
        case FieldArg f when Pointees.isConvenience(def.name(), f) -> {
          if (conv.putIfAbsent(f.path(), f) != null) {
            throw Env.bad(f.pos(), f.path() + " is given twice");
          }
        }
        case FieldArg f -> {
          String path = StructWriter.resolve(s, f.path(), member)
              .orElseThrow(() -> StructWriter.noField(s, f.path(), f.pos()));
          if (!given.add(path)) {
            throw Env.bad(f.pos(), f.path() + " is given twice");
          }
          named.addAll(m.writer.set(s, image, 0, path, f.value()));
        }
      }
    }
    return new Layout(image, trailing, named, conv);
  }

  /** Allocates each pointee and fills its pointer and implied fields; returns the addresses. */
  private long[] place(CStruct s, Layout lay, List<Pointee> pointees) {
    long[] at = new long[pointees.size()];
    for (int i = 0; i < pointees.size(); i++) {
      Pointee p = pointees.get(i);
      at[i] = m.scratch.alloc(p.length());
      setUnlessNamed(s, lay, p.pointerField(), at[i]);
      p.implied().forEach((field, value) -> setUnlessNamed(s, lay, field, value));
      if (p.content().length > 0) {
        m.mem.store(at[i], p.content());
      }
    }
    return at;
  }

  private static void setUnlessNamed(CStruct s, Layout lay, String field, long value) {
    if (!lay.named().contains(field)) {
      s.field(field).set(lay.image(), value);
    }
  }

  private void decode(List<Pointee> pointees, long[] at, byte[] after, Observed o) {
    for (int i = 0; i < pointees.size(); i++) {
      Pointee p = pointees.get(i);
      int n = Pointees.decodeLength(p.length());
      byte[] before = Arrays.copyOf(p.content(), n);
      p.decoder().observe(before, m.mem.load(at[i], n), after, o);
    }
  }

  /**
   * Remembers what returned fds are (so that reads of them can be decoded) and which IDs name
   * vIOMMUs. IDs are per iommufd context; one scenario rarely uses two, and a mix-up only
   * changes which selftest invalidation struct a {@code data=[...]} is laid out with.
   */
  private void track(IoctlDef def, CStruct s, byte[] after) {
    for (CField f : s.fields()) {
      if (f.path().startsWith("out_") && f.path().endsWith("_id")) {
        m.noteId(f.path(), f.get(after));
      }
    }
    if (def.name().equals("IOMMU_DESTROY")) {
      m.noteDestroyed(s.field("id").get(after));
    }
    s.find("out_fault_fd").ifPresent(f -> m.setKind(f.get(after), new FdKind.Fault()));
    s.find("out_veventq_fd").ifPresent(f -> m.setKind(f.get(after),
        new FdKind.Veventq(s.field("type").get(after))));
  }

  /** The struct's leading {@code size} (iommufd) or {@code argsz} (VFIO) field, if any. */
  static Optional<CField> sizeField(CStruct s) {
    return s.fields().stream()
        .filter(f -> f.offset() == 0 && (f.path().equals("size") || f.path().equals("argsz")))
        .findFirst();
  }

  private static byte[] hexBytes(FieldArg f) {
    if (!(f.value() instanceof Value.Num n) || !n.isHex() || n.text().length() % 2 != 0) {
      throw Env.bad(f.value().pos(), "trailing takes bytes as hex digits, two per byte "
          + "(trailing=0x0001 appends 00 01)");
    }
    String hex = n.text().substring(2);
    byte[] b = new byte[hex.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
