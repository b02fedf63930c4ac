package org.iommufdsim.properties.transcript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.TestOp;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * One ioctl as a step: the struct's non-zero fields by name, pointers as {@code $mapK+OFFSET},
 * pointed-to data through the runner's convenience forms when the pointer and length agree with
 * what the runner would lay out, and the outcome with every field the kernel wrote.
 */
final class IoctlStep {
  private final Call.Ioctl c;
  private final State st;
  private final Set<Integer> refs = new TreeSet<>();

  private IoctlStep(Call.Ioctl c, State st) {
    this.c = c;
    this.st = st;
  }

  static Item render(Call.Ioctl c, State st) {
    if (!st.hasVar(c.fd())) {
      return Item.comment("ioctl(" + c.fd() + ", 0x" + Long.toHexString(c.request()) + ", "
          + Text.literal(c.arg()) + ") " + outcomeText(c.result())
          + ": no call returned this fd, so no step can name it");
    }
    return new IoctlStep(c, st).render();
  }

  private Item render() {
    IoctlDef def = c.def();
    String target = State.fdVar(c.fd()) + ": ";
    List<String> units = new ArrayList<>();
    if (def == null) {
      units.add(target + "ioctl");
      units.add("request=0x" + Long.toHexString(c.request()));
      boolean zeroed = c.before().length == IoctlCapture.RAW_BUFFER && Structs.zeroFrom(c.before(), 0);
      if (!zeroed) {
        units.add("arg=" + st.pointer(c.arg(), refs));
      }
      retOutcome(units, c.result());
      return Item.step(units, refs);
    }
    CStruct s = def.struct();
    if (s == null) {
      units.add(target + def.name());
      if (c.arg() != 0) {
        units.add("arg=" + Text.literal(c.arg()));
      }
      retOutcome(units, c.result());
      return Item.step(units, refs);
    }
    if (!wholeStructRead(s) || st.inDataMapping(c.arg())) {
      // a struct in one of the process's own mappings (a file's, a read-only one) is passed by
      // its address: the kernel must see that memory, not a fresh copy in the runner's arena
      units.add(target + def.name());
      units.add("arg=" + st.pointer(c.arg(), refs));
      errnoOnly(units, c.result());
      return Item.step(units, refs);
    }
    return structStep(target, def, s, units);
  }

  /** Whether every byte the kernel could read ({@code size} of them) was captured. */
  private boolean wholeStructRead(CStruct s) {
    if (c.before().length == 0) {
      return false;
    }
    Optional<CField> size = IoctlCapture.sizeField(s);
    if (size.isEmpty()) {
      return c.before().length >= s.size();
    }
    if (c.before().length < size.get().end()) {
      return false;
    }
    long declared = size.get().get(c.before());
    long needed = Math.min(declared, (long) s.size() + IoctlCapture.MAX_TRAILING);
    return declared < 0 || c.before().length >= needed;
  }

  private Item structStep(String target, IoctlDef def, CStruct s, List<String> units) {
    byte[] img = IoctlCapture.padded(c.before(), s.size());
    byte[] aft = IoctlCapture.padded(c.after(), s.size());
    Optional<TestOp> op = def.name().equals("IOMMU_TEST_CMD")
        ? Uapi.testOpByNumber(s.field("op").get(img)) : Optional.empty();
    String member = op.map(TestOp::unionMember).orElse(null);
    units.add(target + op.map(TestOp::name).orElse(def.name()));
    boolean[] done = new boolean[img.length];
    Set<String> covered = new TreeSet<>();
    List<String> conv = Conveniences.render(def.name(), s, img, c, st, refs, covered);
    op.ifPresent(o -> covered.add("op"));
    sizeArgs(s, units, covered);
    for (CField f : s.fields()) {
      if (covered.contains(f.path())) {
        Structs.mark(done, f);
      }
    }
    for (CField f : Structs.cover(order(s, member), img, done)) {
      units.add(display(s, f.path(), member) + "=" + input(s, f, f.get(img)));
    }
    units.addAll(conv);
    outcome(s, img, aft, member, units);
    if (c.result().isOk()) {
      track(def, s, aft);
    }
    return Item.step(units, refs);
  }

  /** {@code size=} when it is not the struct's own size, and non-zero trailing bytes. */
  private void sizeArgs(CStruct s, List<String> units, Set<String> covered) {
    Optional<CField> size = IoctlCapture.sizeField(s);
    if (size.isEmpty()) {
      return;
    }
    covered.add(size.get().path());
    long declared = size.get().get(c.before());
    int last = c.before().length;
    while (last > s.size() && c.before()[last - 1] == 0) {
      last--;
    }
    if (declared != s.size() || last > s.size()) {
      units.add(size.get().path() + "=" + Text.literal(declared, 4, false));
    }
    if (last > s.size()) {
      units.add("trailing=0x" + HexFormat.of().formatHex(
          Arrays.copyOfRange(c.before(), s.size(), last)));
    }
  }

  /** Fields in the order they are preferred for naming: the header and the op's member first. */
  private static List<CField> order(CStruct s, String member) {
    if (member == null) {
      return s.fields();
    }
    List<CField> out = new ArrayList<>();
    s.fields().stream().filter(f -> !f.path().contains(".")).forEach(out::add);
    s.fields().stream().filter(f -> f.path().startsWith(member + ".")).forEach(out::add);
    s.fields().stream().filter(f -> !out.contains(f)).forEach(out::add);
    return out;
  }

  /** A test op's member field by its bare name, when that name is not the header's. */
  static String display(CStruct s, String path, String member) {
    if (member == null || !path.startsWith(member + ".")) {
      return path;
    }
    String bare = path.substring(member.length() + 1);
    return Structs.hasMember(s, bare) ? path : bare;
  }

  private String input(CStruct s, CField f, long v) {
    if (Structs.isPointer(s, f)) {
      return st.pointer(v, refs);
    }
    if (Structs.isFdInput(f)) {
      return st.fdValue(v, f.width(), f.signed());
    }
    return Text.literal(v, f.width(), f.signed());
  }

  /**
   * {@code -> ok} or the errno, then the fields the kernel changed and, on success, the
   * {@code out_*} fields; of fields that share bytes, one ({@code out_*} first), as the runner
   * picks them. Returned fds bind their variables.
   */
  private void outcome(CStruct s, byte[] img, byte[] aft, String member, List<String> units) {
    SysResult r = c.result();
    List<String> pairs = new ArrayList<>();
    if (r.isOk() && r.value() != 0) {
      pairs.add("ret=" + (isDmabufGet(s, img) ? st.bindFd(r.value()) : Text.literal(r.value())));
    }
    for (CField f : outputs(s, img, aft, member)) {
      long v = f.get(aft);
      String name = display(s, f.path(), member);
      boolean fd = r.isOk() && Structs.FD_OUTPUTS.contains(Structs.leaf(f.path()));
      pairs.add(name + "=" + (fd ? st.bindFd(v) : Text.literal(v, f.width(), f.signed())));
    }
    if (!r.isOk() || !pairs.isEmpty()) {
      units.add("-> " + (r.isOk() ? "ok" : r.errno().name()));
    }
    units.addAll(pairs);
  }

  private List<CField> outputs(CStruct s, byte[] img, byte[] aft, String member) {
    List<CField> candidates = new ArrayList<>();
    for (CField f : s.fields()) {
      if (f.end() > c.before().length) {
        continue;
      }
      boolean changed = f.get(img) != f.get(aft);
      boolean out = c.result().isOk() && Structs.leaf(f.path()).startsWith("out_");
      boolean inScope = member == null || !f.path().contains(".")
          || f.path().startsWith(member + ".");
      if ((changed || out) && inScope) {
        candidates.add(f);
      }
    }
    List<CField> chosen = new ArrayList<>();
    candidates.stream().filter(f -> Structs.leaf(f.path()).startsWith("out_"))
        .forEach(f -> pick(f, chosen));
    candidates.forEach(f -> pick(f, chosen));
    chosen.sort((a, b) -> Integer.compare(s.fields().indexOf(a), s.fields().indexOf(b)));
    return chosen;
  }

  private static void pick(CField f, List<CField> chosen) {
    for (CField o : chosen) {
      if (f.offset() < o.end() && o.offset() < f.end()) {
        return;
      }
    }
    chosen.add(f);
  }

  private static boolean isDmabufGet(CStruct s, byte[] img) {
    return s.name().equals("iommu_test_cmd") && Uapi.testOpByNumber(s.field("op").get(img))
        .map(t -> t.name().equals("IOMMU_TEST_OP_DMABUF_GET")).orElse(false);
  }

  /** What the runner remembers of a successful ioctl: fd kinds and vIOMMU IDs. */
  private void track(IoctlDef def, CStruct s, byte[] aft) {
    for (CField f : s.fields()) {
      if (f.path().startsWith("out_") && f.path().endsWith("_id")) {
        st.noteId(f.path(), f.get(aft));
      }
    }
    if (def.name().equals("IOMMU_DESTROY")) {
      st.noteDestroyed(s.field("id").get(aft));
    }
    s.find("out_fault_fd").ifPresent(f -> st.setKind(f.get(aft), new State.Kind(true, 0)));
    s.find("out_veventq_fd").ifPresent(f -> st.setKind(f.get(aft),
        new State.Kind(false, s.field("type").get(aft))));
  }

  private static void retOutcome(List<String> units, SysResult r) {
    if (!r.isOk()) {
      units.add("-> " + r.errno().name());
    } else if (r.value() != 0) {
      units.add("-> ok");
      units.add("ret=" + Text.literal(r.value()));
    }
  }

  private static void errnoOnly(List<String> units, SysResult r) {
    if (!r.isOk()) {
      units.add("-> " + r.errno().name());
    }
  }

  static String outcomeText(SysResult r) {
    return r.isOk() ? "= " + Text.literal(r.value()) : "= -1 " + r.errno().name();
  }
}
