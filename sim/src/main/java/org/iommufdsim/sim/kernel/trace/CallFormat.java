package org.iommufdsim.sim.kernel.trace;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.TestOp;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * Formats system calls for the trace, strace style: the ioctl's macro name, the struct as
 * user space passed it, and the fields the kernel changed.
 */
public final class CallFormat {
  private CallFormat() {}



  public static String result(SysResult r) {
    return r.isOk() ? "= " + r.value() : "= -1 " + r.errno().name() + " (" + r.reason() + ")";
  }

  public static String request(long request) {
    return Uapi.ioctlByRequest(request).map(IoctlDef::name)
        .orElse("0x" + Long.toHexString(request));
  }

  /**
   * An ioctl's argument as the kernel will read it: the struct's text ({@code {size=0x.., ...}})
   * and bytes, or the bare address (bytes null) when there is no struct to read.
   */
  public record Args(String text, CStruct struct, byte[] bytes) {}

  /** The struct at {@code arg} as the kernel will read it, or the bare address. */
  public static Args ioctlArgs(Task task, long request, long arg) {
    CStruct s = Uapi.ioctlByRequest(request).map(IoctlDef::struct).orElse(null);
    byte[] b = s == null ? null : task.mm().copyFrom(arg, s.size());
    if (b == null) {
      return new Args(hex(arg), null, null);
    }
    return new Args("{" + fields(s, b, null) + "}", s, b);
  }

  /** " => {changed fields}" after the call: the fields whose value the call changed. */
  public static String ioctlOutputs(Task task, long arg, Args before) {
    if (before.bytes() == null) {
      return "";
    }
    CStruct s = before.struct();
    byte[] b = task.mm().copyFrom(arg, s.size());
    if (b == null || java.util.Arrays.equals(b, before.bytes())) {
      return "";
    }
    String[] was = before.text().substring(1, before.text().length() - 1).split(", ");
    String[] now = fields(s, b, null).split(", ");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < now.length && i < was.length; i++) {
      if (!now[i].equals(was[i])) {
        out.append(out.isEmpty() ? "" : ", ").append(now[i]);
      }
    }
    return out.isEmpty() ? "" : " => {" + out + "}";
  }

  private static String fields(CStruct s, byte[] b, String only) {
    String member = null;
    if (s.name().equals("iommu_test_cmd")) {
      long op = s.field("op").get(b);
      member = Uapi.testOpByNumber(op).map(TestOp::unionMember).orElse("");
    }
    StringBuilder sb = new StringBuilder();
    String[] groups = Uapi.fieldGroups(s);
    int index = -1;
    for (CField f : s.fields()) {
      index++;
      String p = f.path();
      if (member != null && p.contains(".") && !p.startsWith(member + ".")) {
        continue;
      }
      if (member != null && p.contains(".") && member.isEmpty()) {
        continue;
      }
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(p).append('=').append(value(groups[index], f.get(b)));
    }
    return sb.toString();
  }

  /**
   * A field's value as strace would print it: the uAPI's names when the field holds a flag set
   * or an enum, else the number (decimal below 10, hex from there on).
   */
  public static String value(CStruct s, String path, long v) {
    return value(Uapi.fieldGroup(s.name(), path).orElse(null), v);
  }

  /** A value of constant family {@code group} (null: a plain number), as the trace prints it. */
  private static String value(String group, long v) {
    if (group != null) {
      return Uapi.symbolic(group, v);
    }
    return v >= 0 && v < 10 ? Long.toString(v) : hex(v);
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
