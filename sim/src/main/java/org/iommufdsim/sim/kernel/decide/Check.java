package org.iommufdsim.sim.kernel.decide;

import java.util.Objects;
import org.iommufdsim.sim.uapi.Errno;

/**
 * One check the kernel makes that can decide a system call's errno: which kernel function it
 * mirrors, the field or condition it looks at, the errno it answers when it refuses, and why,
 * in kernel vocabulary. The catalogue is the enums that implement this, one per area, each
 * constant carrying its {@link Spec}; a check site records itself through {@link Decider} as it
 * decides, so the path cannot drift from the code.
 */
public sealed interface Check
    permits SysCheck, IoasCheck, HwptCheck, DeviceCheck, ViommuCheck, MockCheck, VtdCheck,
        SmmuCheck, EventqCheck, VfioCheck, TestCheck {

  /**
   * What a check is, as its constant declares it.
   *
   * @param function the kernel function the check mirrors, e.g. {@code iommufd_hwpt_alloc}
   * @param subject the field or condition looked at, e.g. {@code __reserved}
   * @param errno the errno answered when it refuses; null when the site decides (fail-nth)
   * @param explanation one line on why the kernel refuses, in kernel vocabulary
   */
  record Spec(String function, String subject, Errno errno, String explanation) {
    public Spec {
      Objects.requireNonNull(function);
      Objects.requireNonNull(subject);
      Objects.requireNonNull(explanation);
    }
  }

  /** The constant's name (names are unique across the catalogue). */
  String name();

  /** The constant's description. */
  Spec spec();

  /** Stable identifier: the constant's name. */
  default String id() {
    return name();
  }

  default String function() {
    return spec().function();
  }

  default String subject() {
    return spec().subject();
  }

  default Errno errno() {
    return spec().errno();
  }

  default String explanation() {
    return spec().explanation();
  }
}
