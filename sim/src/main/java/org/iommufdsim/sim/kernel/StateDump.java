package org.iommufdsim.sim.kernel;

import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.kernel.iommufd.Ioas;
import org.iommufdsim.sim.kernel.iommufd.IommufdFile;
import org.iommufdsim.sim.kernel.iommufd.IommufdObject;
import org.iommufdsim.sim.kernel.iopt.IoptArea;
import org.iommufdsim.sim.kernel.mm.Vma;
import org.iommufdsim.sim.kernel.util.U64;

/**
 * A deterministic text rendering of everything the kernel model holds: per context the object
 * table (IDs, kinds, users), each IOAS's areas, reservations and allowed ranges; per process
 * its fds and the pin counts of its memory. Two equal dumps mean two equal states.
 */
public final class StateDump {
  private StateDump() {}

  public static String dump(Kernel kernel) {
    StringBuilder sb = new StringBuilder();
    for (IommufdFile ctx : kernel.contexts()) {
      sb.append("ctx pid=").append(ctx.creator().pid())
          .append(" account=").append(ctx.accountMode())
          .append(" compat_ioas=").append(ctx.vfioIoas() == null ? 0 : ctx.vfioIoas().id())
          .append('\n');
      ctx.objects().describe().forEach((id, what) -> {
        sb.append("  id ").append(id).append(' ').append(what);
        IommufdObject o = ctx.objects().get(id, org.iommufdsim.sim.kernel.iommufd.ObjType.ANY);
        if (o != null) {
          sb.append(" users=").append(o.users());
          if (o instanceof Ioas ioas) {
            dumpIoas(sb, ioas);
          }
          if (o instanceof org.iommufdsim.sim.kernel.iommufd.Fault f) {
            sb.append(" pending=").append(f.pending().size())
                .append(" awaiting=").append(f.awaitingResponse().size());
          }
        }
        sb.append('\n');
      });
    }
    for (Task t : kernel.tasks()) {
      sb.append("pid ").append(t.pid()).append(t.exited() ? " exited" : "").append(" fds");
      t.fds().forEach((fd, f) -> sb.append(' ').append(fd).append('=').append(f.describe()));
      sb.append('\n');
      for (Vma v : t.mm().vmas()) {
        List<long[]> pins = v.object().pins().runs();
        if (!pins.isEmpty()) {
          sb.append("  pins ").append(v.object());
          pins.forEach(r -> sb.append(" [").append(r[0]).append('-').append(r[1]).append("]x")
              .append(r[2]));
          sb.append('\n');
        }
      }
    }
    return sb.toString();
  }

  private static void dumpIoas(StringBuilder sb, Ioas ioas) {
    sb.append(" align=").append(ioas.iopt().iovaAlignment());
    if (ioas.iopt().largePagesDisabled()) {
      sb.append(" nohuge");
    }
    for (IoptArea a : ioas.iopt().areas().values()) {
      sb.append("\n    area ").append(U64.hex(a.iova())).append('-').append(U64.hex(a.last()))
          .append(" prot=").append(a.prot()).append(' ').append(a.pages().kind())
          .append('@').append(U64.hex(a.pages().base() + a.startByte()));
    }
    for (Map.Entry<Object, List<long[]>> r : ioas.iopt().reservations().entrySet()) {
      for (long[] range : r.getValue()) {
        sb.append("\n    reserved ").append(U64.hex(range[0])).append('-')
            .append(U64.hex(range[1])).append(" by ").append(r.getKey());
      }
    }
    ioas.iopt().allowed().forEach((s, l) -> sb.append("\n    allowed ").append(U64.hex(s))
        .append('-').append(U64.hex(l)));
  }
}
