package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.TestOp;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * An ioctl's struct as the kernel left it, as outcome fields. Every field may be named; the
 * outputs (what {@code record} prints) are the {@code out_*} fields of a call that succeeded
 * and every field whose bytes the kernel changed. Of union members that share bytes, the
 * {@code out_*} one (or the first) stands for them; for {@code IOMMU_TEST_OP_*} only the header
 * and the op's own member count, and that member's fields go by their bare names.
 */
final class StructObservations {
  private StructObservations() {}

  static void observe(CStruct s, byte[] before, byte[] after, boolean ok, Optional<TestOp> op,
      Observed out) {
    String member = op.map(t -> t.unionMember() == null ? "" : t.unionMember()).orElse(null);
    List<CField> outputs = outputs(s, before, after, ok, member);
    String[] groups = Uapi.fieldGroups(s);
    int index = -1;
    for (CField f : s.fields()) {
      index++;
      String display = display(s, f.path(), member);
      if (!display.equals(f.path())) {
        out.alias(display, f.path());
      }
      out.add(new Observation(f.path(), display, f.get(after), f.width(), f.signed(),
          outputs.contains(f), groups[index]));
    }
  }

  private static List<CField> outputs(CStruct s, byte[] before, byte[] after, boolean ok,
      String member) {
    List<CField> candidates = new ArrayList<>();
    for (CField f : s.fields()) {
      boolean changed = f.get(before) != f.get(after);
      boolean out = ok && leaf(f.path()).startsWith("out_");
      if ((changed || out) && inScope(f.path(), member)) {
        candidates.add(f);
      }
    }
    List<CField> chosen = new ArrayList<>();
    candidates.stream().filter(f -> leaf(f.path()).startsWith("out_"))
        .forEach(f -> pick(f, chosen));
    candidates.forEach(f -> pick(f, chosen));
    return chosen;
  }

  private static void pick(CField f, List<CField> chosen) {
    for (CField c : chosen) {
      if (f.offset() < c.end() && c.offset() < f.end()) {
        return;
      }
    }
    chosen.add(f);
  }

  /** For a test op: the header, or the op's own union member. */
  private static boolean inScope(String path, String member) {
    return member == null || !path.contains(".") || path.startsWith(member + ".");
  }

  private static String display(CStruct s, String path, String member) {
    if (member == null || member.isEmpty() || !path.startsWith(member + ".")) {
      return path;
    }
    String bare = path.substring(member.length() + 1);
    return StructWriter.resolve(s, bare, null).isPresent() ? path : bare;
  }

  private static String leaf(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }
}
