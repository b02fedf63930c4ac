package org.iommufdsim.sim.kernel.util;

import java.util.Objects;
import org.iommufdsim.sim.uapi.Errno;

/** A kernel function's result: a value, or an errno with the reason (ERR_PTR with words). */
public record KResult<T>(T value, Errno errno, String reason) {
  public static <T> KResult<T> ok(T value) {
    return new KResult<>(Objects.requireNonNull(value), null, "");
  }

  public static <T> KResult<T> err(Errno errno, String reason) {
    return new KResult<>(null, Objects.requireNonNull(errno), reason);
  }

  public boolean isOk() {
    return errno == null;
  }

  public <U> KResult<U> cast() {
    return new KResult<>(null, errno, reason);
  }
}
