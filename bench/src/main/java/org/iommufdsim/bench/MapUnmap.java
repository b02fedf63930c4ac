package org.iommufdsim.bench;

import java.util.concurrent.TimeUnit;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code IOMMU_IOAS_MAP} (fixed IOVA) then {@code IOMMU_IOAS_UNMAP} of one page, through the
 * syscall surface, on an IOAS that already holds {@code areas} one-page areas: the cost per
 * pair as the area map grows. The new area goes into a hole in the middle of the others.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MapUnmap {
  static final long BASE = 1L << 32;
  static final long RW_FIXED = IommufdUapi.IOMMU_IOAS_MAP_FIXED_IOVA
      | IommufdUapi.IOMMU_IOAS_MAP_WRITEABLE | IommufdUapi.IOMMU_IOAS_MAP_READABLE;

  @Param({"1000", "10000", "100000", "1000000"})
  public int areas;

  UserProgram prog;
  UserProgram.Call map;
  UserProgram.Call unmap;

  /** Where the {@code i}-th live area starts: one page, then a one-page hole. */
  static long areaIova(int i) {
    return BASE + 2 * UserProgram.PAGE * i;
  }

  /** The hole after the middle area, where each measured map goes. */
  static long holeIova(int areas) {
    return areaIova(areas / 2) + UserProgram.PAGE;
  }

  @Setup(Level.Trial)
  public void setUp() {
    prog = new UserProgram(Host.create(), false);
    long ioas = prog.ioctl("IOMMU_IOAS_ALLOC").ok().out("out_ioas_id");
    long buf = prog.mmap(16 * UserProgram.PAGE);
    UserProgram.Call fill = prog.ioctl("IOMMU_IOAS_MAP").set("ioas_id", ioas)
        .set("flags", RW_FIXED).set("user_va", buf).set("length", UserProgram.PAGE);
    for (int i = 0; i < areas; i++) {
      fill.set("iova", areaIova(i)).ok();
    }
    map = prog.ioctl("IOMMU_IOAS_MAP").set("ioas_id", ioas).set("flags", RW_FIXED)
        .set("user_va", buf + UserProgram.PAGE).set("length", UserProgram.PAGE)
        .set("iova", holeIova(areas));
    unmap = prog.ioctl("IOMMU_IOAS_UNMAP").set("ioas_id", ioas).set("iova", holeIova(areas))
        .set("length", UserProgram.PAGE);
  }

  @Benchmark
  public long mapUnmap() {
    UserProgram.check(map.call(), "IOMMU_IOAS_MAP");
    UserProgram.check(unmap.call(), "IOMMU_IOAS_UNMAP");
    return unmap.out[8];
  }
}
