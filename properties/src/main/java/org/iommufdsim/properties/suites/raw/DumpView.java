package org.iommufdsim.properties.suites.raw;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.properties.suites.raw.RefModel.Area;
import org.iommufdsim.properties.suites.raw.RefModel.Ctx;
import org.iommufdsim.properties.suites.raw.RefModel.DeviceFd;
import org.iommufdsim.properties.suites.raw.RefModel.Fd;
import org.iommufdsim.properties.suites.raw.RefModel.FaultFd;
import org.iommufdsim.properties.suites.raw.RefModel.IommuFd;
import org.iommufdsim.properties.suites.raw.RefModel.Obj;

/**
 * The comparable part of a state, as text: per context each object's ID and kind, each IOAS's
 * areas and allowed ranges; then the fd table. Built once from {@code host.stateDump()} and
 * once from the reference model, so that equal texts mean the two agree.
 */
final class DumpView {
  private DumpView() {}

  static String fromDump(String dump) {
    StringBuilder sb = new StringBuilder();
    for (String line : dump.split("\n")) {
      String t = line.strip();
      if (line.startsWith("ctx ")) {
        sb.append("ctx\n");
      } else if (line.startsWith("  id ")) {
        String[] w = t.split(" ");
        sb.append(" id ").append(w[1]).append(' ').append(w[2]);
        for (int i = 3; i < w.length; i++) {
          if (w[i].startsWith("users=")) {
            sb.append(' ').append(w[i]);
          }
        }
        sb.append('\n');
        if (w[2].equals("IOAS")) {
          String align = "?";
          for (String x : w) {
            if (x.startsWith("align=")) {
              align = x.substring(6);
            }
          }
          sb.append("  align=").append(align).append(t.contains(" nohuge") ? " nohuge" : "")
              .append('\n');
        }
      } else if (t.startsWith("area ")) {
        sb.append("  area ").append(t.split(" ")[1]).append('\n');
      } else if (t.startsWith("allowed ")) {
        sb.append("  allowed ").append(t.split(" ")[1]).append('\n');
      } else if (line.startsWith("pid ")) {
        sb.append("fds");
        String[] w = t.split(" ");
        for (int i = 3; i < w.length; i++) {
          String[] kv = w[i].split("=", 2);
          sb.append(' ').append(kv[0]).append('=').append(fdKind(kv[1]));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String fdKind(String what) {
    if (what.equals("/dev/iommu")) {
      return "iommufd";
    }
    if (what.equals("/dev/null")) {
      return "null";
    }
    if (what.startsWith("/dev/vfio/devices/")) {
      return "dev:" + what.substring("/dev/vfio/devices/".length());
    }
    return "other";
  }

  static String fromModel(RefModel m) {
    StringBuilder sb = new StringBuilder();
    for (Ctx c : m.ctxs) {
      sb.append("ctx\n");
      for (Obj o : c.objs.values()) {
        sb.append(" id ").append(o.id).append(' ').append(o.kind).append(" users=")
            .append(m.users(c, o)).append('\n');
        if (o.kind == RefModel.Kind.IOAS) {
          sb.append("  align=").append(m.exact(c, o) ? String.valueOf(m.alignment(c, o)) : "?")
              .append(o.hugeOff ? " nohuge" : "").append('\n');
        }
        for (Area a : o.areas.values()) {
          sb.append("  area ").append(U64.hex(a.start())).append('-').append(U64.hex(a.last()))
              .append('\n');
        }
        o.allowed.forEach((s, l) -> sb.append("  allowed ").append(U64.hex(s)).append('-')
            .append(U64.hex(l)).append('\n'));
      }
    }
    sb.append("fds");
    m.fds.forEach((fd, f) -> sb.append(' ').append(fd).append('=').append(kind(f)));
    sb.append('\n');
    return sb.toString();
  }

  private static String kind(Fd f) {
    return switch (f) {
      case RefModel.NullFd n -> "null";
      case IommuFd i -> "iommufd";
      case DeviceFd d -> "dev:" + d.dev().name;
      case FaultFd ff -> "other";
    };
  }

  /** The areas ({start, last}) the dump shows for IOAS {@code ioasId} of the n-th context. */
  static List<long[]> areas(String dump, int ctxIndex, int ioasId) {
    List<long[]> out = new ArrayList<>();
    int ctx = -1;
    boolean in = false;
    for (String line : dump.split("\n")) {
      if (line.startsWith("ctx ")) {
        ctx++;
        in = false;
      } else if (line.startsWith("  id ")) {
        in = ctx == ctxIndex && line.strip().split(" ")[1].equals(String.valueOf(ioasId));
      } else if (in && line.strip().startsWith("area ")) {
        String[] r = line.strip().split(" ")[1].split("-");
        out.add(new long[] {Long.parseUnsignedLong(r[0].substring(2), 16),
            Long.parseUnsignedLong(r[1].substring(2), 16)});
      }
    }
    return out;
  }

  /** The first differing line of two views, for a failure message. */
  static String diff(String want, String got) {
    List<String> a = new ArrayList<>(List.of(want.split("\n")));
    List<String> b = new ArrayList<>(List.of(got.split("\n")));
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      String x = i < a.size() ? a.get(i) : "<end>";
      String y = i < b.size() ? b.get(i) : "<end>";
      boolean wild = x.startsWith("  align=?") && y.startsWith("  align=")
          && x.endsWith(" nohuge") == y.endsWith(" nohuge");
      if (!x.equals(y) && !wild) {
        return "line " + (i + 1) + ": model '" + x + "' vs simulator '" + y + "'\nmodel:\n" + want
            + "simulator:\n" + got;
      }
    }
    return null;
  }
}
