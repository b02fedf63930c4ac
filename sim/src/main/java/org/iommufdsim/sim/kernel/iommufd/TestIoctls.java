package org.iommufdsim.sim.kernel.iommufd;

import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_TEST_OP_ADD_RESERVED;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT;
import static org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_test_cmd;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.Uapi;

/** IOMMU_TEST_CMD (mirrors selftest.c: iommufd_test), the kernel's test-only surface. */
final class TestIoctls {
  private static final CField OP = iommu_test_cmd.field("op");
  private static final CField ID = iommu_test_cmd.field("id");
  private static final CField RES_START = iommu_test_cmd.field("add_reserved.start");
  private static final CField RES_LEN = iommu_test_cmd.field("add_reserved.length");
  private static final CField MEM_LIMIT = iommu_test_cmd.field("memory_limit.limit");

  private TestIoctls() {}

  static SysResult test(Ucmd u) {
    long op = u.get(OP);
    if (op == IOMMU_TEST_OP_ADD_RESERVED) {
      return addReserved(u, u.u32(ID), u.get(RES_START), u.get(RES_LEN));
    }
    if (op == IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT) {
      return memoryLimit(u, u.get(MEM_LIMIT));
    }
    if (Uapi.testOpByNumber(op).isPresent()) {
      return SysResult.err(Errno.EOPNOTSUPP, Uapi.testOpByNumber(op).get().name()
          + " needs the mock driver, which is not modelled yet");
    }
    return SysResult.err(Errno.EOPNOTSUPP, "unknown test op " + op);
  }

  /** Mirrors selftest.c: iommufd_test_add_reserved. */
  private static SysResult addReserved(Ucmd u, int ioasId, long start, long length) {
    if (length == 0) {
      return SysResult.err(Errno.EINVAL, "add_reserved.length is 0");
    }
    if (U64.addOverflows(start, length - 1)) {
      return SysResult.err(Errno.EOVERFLOW, "add_reserved.start + length - 1 overflows");
    }
    Ioas ioas = u.ictx.getIoas(ioasId);
    if (ioas == null) {
      return SysResult.err(Errno.ENOENT, "id " + Integer.toUnsignedString(ioasId)
          + " is not an IOAS");
    }
    Errno e = ioas.iopt().reserve(u.task, start, start + length - 1, TEST_OWNER);
    if (e == Errno.EADDRINUSE) {
      return SysResult.err(e, "the range intersects an area or an allowed range");
    }
    if (e != null) {
      return SysResult.err(e, "allocating the reservation failed");
    }
    return SysResult.ok();
  }

  /** Test reservations have no owner in the kernel (NULL); they are never released. */
  static final Object TEST_OWNER = new Object() {
    @Override
    public String toString() {
      return "test";
    }
  };

  /** Mirrors selftest.c: the SET_TEMP_MEMORY_LIMIT op (a module-global knob). */
  private static SysResult memoryLimit(Ucmd u, long limit) {
    if (U64.lt(limit, 12)) {
      return SysResult.err(Errno.EINVAL, "memory_limit.limit is below 12 bytes");
    }
    u.task.kernel().setTestMemoryLimit(limit);
    return SysResult.ok();
  }
}
