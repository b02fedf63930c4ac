package org.iommufdsim.backend.qemu;

import java.util.Objects;

/**
 * QEMU's {@code Error} object ({@code qapi/error.h}): the human-readable message as
 * {@code error_get_pretty()} returns it, the OS errno it was made from ({@code 0} for
 * {@code error_setg()}), and the hint text appended with {@code error_append_hint()}.
 */
public record QemuError(String message, int osErrno, String hint) {
  public QemuError {
    Objects.requireNonNull(message);
    Objects.requireNonNull(hint);
  }

  /** {@code error_get_pretty(err)}. */
  public String pretty() {
    return message;
  }

  QemuError withMessage(String m) {
    return new QemuError(m, osErrno, hint);
  }

  QemuError withHint(String h) {
    return new QemuError(message, osErrno, hint + h);
  }
}
