package org.iommufdsim.sim.host;

import java.util.Objects;
import org.iommufdsim.sim.uapi.Errno;

/**
 * One check on a system call's path through the kernel, as the simulator ran it: the check's
 * stable id (see {@link CheckCatalogue}), the kernel function it mirrors, the field or
 * condition it looked at, whether it refused, and, when it refused, the errno it decided.
 *
 * <p>Recorded by the very code that decides, never described after the fact. Consecutive
 * passes of the same check (a loop over array entries) are one decision with {@code times}
 * above 1.
 *
 * @param checkId the catalogue id, e.g. {@code HWPT_ALLOC_FAULT_ID_NEST_PARENT}; the marker
 *     {@link #UNRECORDED} when the call failed at a site that records nothing (a gap in the
 *     simulator's instrumentation, shown rather than hidden)
 * @param function the kernel function the check mirrors, e.g. {@code iommufd_hwpt_alloc}
 * @param subject the field or condition looked at, e.g. {@code __reserved}
 * @param refused whether the check said no
 * @param errno the errno decided when refused, null when passed
 * @param times how many times in a row it passed (1 for a refusal)
 * @param detail the rule in kernel vocabulary, with the value looked at when one was kept;
 *     for an injected failure, where it fired
 */
public record Decision(String checkId, String function, String subject, boolean refused,
    Errno errno, int times, String detail) {

  /** The id of the marker that ends a failed path whose deciding site recorded nothing. */
  public static final String UNRECORDED = "UNRECORDED";

  /**
   * The id of the marker standing for passed checks not kept because the path grew past its
   * bound ({@code times} says how many); a refusal is never dropped.
   */
  public static final String ELIDED = "ELIDED";

  public Decision {
    Objects.requireNonNull(checkId);
    Objects.requireNonNull(function);
    Objects.requireNonNull(subject);
    Objects.requireNonNull(detail);
    if (refused != (errno != null)) {
      throw new IllegalArgumentException("a refusal, and only a refusal, has an errno");
    }
  }

  @Override
  public String toString() {
    String times = this.times > 1 ? " x" + this.times : "";
    return function + ": " + subject + (refused ? " -> " + errno : " ok" + times);
  }
}
