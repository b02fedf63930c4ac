package org.iommufdsim.sim.host;

import java.util.Objects;
import org.iommufdsim.sim.uapi.Errno;

/**
 * What a system call returned: a non-negative value, or an errno with a human-readable reason
 * (naming the field or rule that decided). Only {@link #errno()} is part of the kernel's
 * answer; the reason is for people.
 */
public record SysResult(long value, Errno errno, String reason) {

  public SysResult {
    Objects.requireNonNull(reason);
  }

  /** The answer of most calls: 0. Results are values, so one instance serves them all. */
  private static final SysResult OK = new SysResult(0, null, "");

  public static SysResult ok(long value) {
    return value == 0 ? OK : new SysResult(value, null, "");
  }

  public static SysResult ok() {
    return ok(0);
  }

  public static SysResult err(Errno errno, String reason) {
    return new SysResult(-1, Objects.requireNonNull(errno), reason);
  }

  public boolean isOk() {
    return errno == null;
  }

  /** The C return convention: the value, or {@code -errno}. */
  public long raw() {
    return errno == null ? value : -errno.number();
  }

  @Override
  public String toString() {
    return errno == null ? "= " + value : "= -1 " + errno + " (" + reason + ")";
  }
}
