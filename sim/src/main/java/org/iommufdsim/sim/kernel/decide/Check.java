package org.iommufdsim.sim.kernel.decide;

import org.iommufdsim.sim.uapi.Errno;

/**
 * One check the kernel makes that can decide a system call's errno: which kernel function it
 * mirrors, the field or condition it looks at, the errno it answers when it refuses, and why,
 * in kernel vocabulary. The catalogue is the enums that implement this; a check site records
 * itself through {@link Decider} as it decides, so the path cannot drift from the code.
 */
public sealed interface Check
    permits SysCheck, IoasCheck, HwptCheck, DeviceCheck, ViommuCheck, MockCheck, VtdCheck,
        SmmuCheck,
        EventqCheck, VfioCheck, TestCheck {
  /** Stable identifier (the constant's name; names are unique across the catalogue). */
  String id();

  /** The kernel function the check mirrors, e.g. {@code iommufd_hwpt_alloc}. */
  String function();

  /** The field or condition looked at, e.g. {@code __reserved} or {@code flags & ~VALID}. */
  String subject();

  /** The errno answered when the check refuses; null when the site decides it (fail-nth). */
  Errno errno();

  /** One line on why the kernel refuses, in kernel vocabulary. */
  String explanation();
}
