package org.iommufdsim.scenarios.run;

import java.util.Optional;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.TestOp;
import org.iommufdsim.sim.uapi.Uapi;

/** What a step's call name means. */
sealed interface CallKind {
  /** An ioctl; for {@code IOMMU_TEST_OP_*}, {@code IOMMU_TEST_CMD} with that op. */
  record Ioctl(IoctlDef def, Optional<TestOp> op) implements CallKind {}

  /** A system call other than a named ioctl (the raw {@code ioctl request=N} included). */
  record Sys(Builtin builtin) implements CallKind {}

  static CallKind of(Step st) {
    String name = st.call().text();
    Optional<Builtin> b = Builtin.named(name);
    if (b.isPresent()) {
      return new Sys(b.get());
    }
    if (name.startsWith("IOMMU_TEST_OP_")) {
      TestOp op = Uapi.testOp(name).orElseThrow(() -> Env.unknown(st.call().pos(),
          "unknown test op " + name));
      IoctlDef cmd = Uapi.ioctl("IOMMU_TEST_CMD").orElseThrow(() -> Env.unknown(
          st.call().pos(), "the uAPI has no IOMMU_TEST_CMD"));
      return new Ioctl(cmd, Optional.of(op));
    }
    return Uapi.ioctl(name).<CallKind>map(d -> new Ioctl(d, Optional.empty()))
        .orElseThrow(() -> Env.unknown(st.call().pos(), "unknown call " + name
            + " (an ioctl macro, IOMMU_TEST_OP_*, open, close, read, write, poll, mmap, munmap,"
            + " memfd_create, fail_nth or ioctl request=N)"));
  }
}
