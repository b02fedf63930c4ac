package org.iommufdsim.bench;

import java.util.concurrent.TimeUnit;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.uapi.CField;
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
 * {@code IOMMU_IOAS_ALLOC} then {@code IOMMU_DESTROY} of the new ID, each through
 * {@code ioctl(2)} on the {@code /dev/iommu} fd with its struct in the process's memory: the
 * byte-level dispatcher, the size rules, two-phase creation and the object table. With tracing
 * on (the host's default), every call also formats its trace line; the trace is cleared now and
 * then so that it does not grow for the whole run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObjectLifecycle {
  @Param({"false", "true"})
  public boolean tracing;

  UserProgram prog;
  UserProgram.Call alloc;
  UserProgram.Call destroy;
  CField outId;
  CField destroyId;
  int calls;

  @Setup(Level.Trial)
  public void setUp() {
    prog = new UserProgram(Host.create(), tracing);
    // a few live objects, so that the new one is not alone in the table
    for (int i = 0; i < 4; i++) {
      prog.ioctl("IOMMU_IOAS_ALLOC").ok();
    }
    alloc = prog.ioctl("IOMMU_IOAS_ALLOC");
    destroy = prog.ioctl("IOMMU_DESTROY");
    outId = alloc.struct.field("out_ioas_id");
    destroyId = destroy.struct.field("id");
  }

  @Benchmark
  public long ioasAllocDestroy() {
    UserProgram.check(alloc.call(), "IOMMU_IOAS_ALLOC");
    long id = outId.get(alloc.out);
    destroyId.set(destroy.in, id);
    UserProgram.check(destroy.call(), "IOMMU_DESTROY");
    if (tracing && ++calls % 1024 == 0) {
      prog.host.clearTrace();
    }
    return id;
  }
}
