package org.iommufdsim.scenarios.run;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.host.UserMemory;

/**
 * The state a running scenario acts through: the process's system calls and memory, the
 * variables, the scratch memory, and what the open fds are.
 */
final class Machine {
  final Syscalls sys;
  final UserMemory mem;
  final Env env;
  final Scratch scratch;
  final StructWriter writer;
  private final Map<Long, FdKind> fdKinds = new TreeMap<>();
  /** Object IDs last returned as {@code out_viommu_id} (and not destroyed or reused since). */
  private final Set<Long> viommuIds = new TreeSet<>();

  Machine(Syscalls sys, Env env) {
    this.sys = sys;
    this.mem = sys.memory();
    this.env = env;
    this.scratch = new Scratch(sys);
    this.writer = new StructWriter(env);
  }

  Optional<FdKind> kind(long fd) {
    return Optional.ofNullable(fdKinds.get(fd));
  }

  void setKind(long fd, FdKind kind) {
    fdKinds.put(fd, kind);
  }

  void forget(long fd) {
    fdKinds.remove(fd);
  }

  /**
   * Whether {@code id} names a vIOMMU, as far as the scenario's outputs tell: it was returned
   * as {@code out_viommu_id} and neither destroyed nor returned as another kind of object since.
   * (The runner cannot ask the kernel; it needs this to pick the selftest's invalidation entry.)
   */
  boolean isViommu(long id) {
    return viommuIds.contains(id);
  }

  /** Notes an object ID a successful ioctl returned in the output field {@code field}. */
  void noteId(String field, long id) {
    if (field.equals("out_viommu_id")) {
      viommuIds.add(id);
    } else {
      viommuIds.remove(id);
    }
  }

  void noteDestroyed(long id) {
    viommuIds.remove(id);
  }

  /** The fd a step acts on: its target, or {@code $iommufd}. */
  int targetFd(Step st) {
    String name = st.target().map(Step.Name::text).orElse(Env.IOMMUFD);
    long v = env.get(name).orElseThrow(() -> Env.bad(
        st.target().map(Step.Name::pos).orElse(st.pos()),
        "$" + name + " is not bound yet (an outcome binds it: fd=$" + name + ")"));
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw Env.bad(st.pos(), "$" + name + " = 0x" + Long.toHexString(v) + " is not an fd");
    }
    return (int) v;
  }
}
