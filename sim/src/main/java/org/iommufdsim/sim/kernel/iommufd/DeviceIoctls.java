package org.iommufdsim.sim.kernel.iommufd;

import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The ioctls that need a device, a HW page table or an event queue. They arrive with the
 * device model; until then they are answered EOPNOTSUPP with a reason that says so, which is
 * never what v7.0 would answer for a well-formed request (and scenarios that need them fail).
 */
final class DeviceIoctls {
  private DeviceIoctls() {}

  static SysResult notModelled(Ucmd u) {
    return SysResult.err(Errno.EOPNOTSUPP, "struct " + u.struct.name()
        + ": devices, HW page tables and event queues are not modelled yet");
  }
}
