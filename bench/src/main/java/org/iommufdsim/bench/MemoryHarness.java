package org.iommufdsim.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.iommufdsim.sim.host.Host;

/**
 * Retained heap per live object, outside JMH: a fresh JVM (run by {@code ./scripts/bench} with
 * {@code -Xmx1g}, so that finishing at all shows the million fit in 1 GiB) makes {@code count}
 * objects through the syscall surface and compares the heap after full collections before and
 * after. Kinds: {@code ioas} (IOAS objects in one iommufd context) and {@code areas} (one-page
 * IOVA areas in one IOAS). Prints one line: {@code kind count bytes-retained bytes-per-object}.
 */
public final class MemoryHarness {
  private MemoryHarness() {}

  public static void main(String[] args) {
    String kind = args[0];
    int count = Integer.parseInt(args[1]);
    UserProgram prog = new UserProgram(Host.create(), false);
    UserProgram.Call call;
    long ioas = prog.ioctl("IOMMU_IOAS_ALLOC").ok().out("out_ioas_id");
    long buf = prog.mmap(16 * UserProgram.PAGE);
    if (kind.equals("ioas")) {
      call = prog.ioctl("IOMMU_IOAS_ALLOC");
    } else if (kind.equals("areas")) {
      call = prog.ioctl("IOMMU_IOAS_MAP").set("ioas_id", ioas).set("flags", MapUnmap.RW_FIXED)
          .set("user_va", buf).set("length", UserProgram.PAGE);
    } else {
      throw new IllegalArgumentException("kind must be ioas or areas, not " + kind);
    }
    // one of each first, so that lazily built tables are not counted as the objects' cost
    if (kind.equals("areas")) {
      call.set("iova", MapUnmap.areaIova(0));
    }
    call.ok();
    long before = settledHeap();
    for (int i = 1; i <= count; i++) {
      if (kind.equals("areas")) {
        call.set("iova", MapUnmap.areaIova(i));
      }
      call.ok();
    }
    long after = settledHeap();
    long retained = after - before;
    System.out.println(kind + " " + count + " " + retained + " " + (double) retained / count);
    // keep everything reachable until after the measurement
    if (prog.p.pid() != 1) {
      System.out.println("unexpected pid");
    }
  }

  private static long settledHeap() {
    MemoryMXBean m = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, m.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
