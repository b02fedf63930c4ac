package org.iommufdsim.sim.host;

import java.util.Objects;
import org.iommufdsim.sim.uapi.Errno;

/**
 * One entry of the simulator's catalogue of checks that can decide a system call's errno.
 *
 * @param id stable identifier, unique in the catalogue
 * @param function the kernel function the check mirrors
 * @param subject the field or condition it looks at
 * @param errno what it answers when it refuses; null when the site chooses (fail-nth, a
 *     driver op: the decision then carries the errno)
 * @param explanation one line on the rule, in kernel vocabulary
 */
public record CheckInfo(String id, String function, String subject, Errno errno,
    String explanation) {
  public CheckInfo {
    Objects.requireNonNull(id);
    Objects.requireNonNull(function);
    Objects.requireNonNull(subject);
    Objects.requireNonNull(explanation);
  }
}
