package org.iommufdsim.backend.qemu;

import java.util.Optional;
import org.iommufdsim.backend.os.Strerror;

/**
 * QEMU's {@code Error **errp} convention. A function that can fail returns {@code false} (or a
 * negative number) and stores exactly one {@link QemuError} through {@code errp}; the caller
 * decides what the error means. Three kinds of {@code errp} are modelled:
 *
 * <ul>
 *   <li>{@link #local()}: {@code Error *err = NULL;} passed as {@code &err};
 *   <li>{@link #none()}: {@code NULL}, the caller ignores errors (they are dropped);
 *   <li>{@link #abort()}: {@code &error_abort}, an error is a bug and aborts (throws).
 * </ul>
 *
 * <p>As in QEMU, setting an error through an {@code errp} that already holds one is a
 * programming error ({@code error_setv()} asserts {@code *errp == NULL}) and throws.
 */
public final class Errp {
  private enum Kind { LOCAL, NONE, ABORT }

  private final Kind kind;
  private QemuError err;

  private Errp(Kind kind) {
    this.kind = kind;
  }

  /** {@code Error *err = NULL;} and {@code &err}. */
  public static Errp local() {
    return new Errp(Kind.LOCAL);
  }

  /** A {@code NULL} errp: errors set through it are dropped. */
  public static Errp none() {
    return new Errp(Kind.NONE);
  }

  /** {@code &error_abort}: setting an error throws {@link IllegalStateException}. */
  public static Errp abort() {
    return new Errp(Kind.ABORT);
  }

  /** {@code error_setg(errp, "%s", message)}. */
  public void setg(String message) {
    set(new QemuError(message, 0, ""));
  }

  /**
   * {@code error_setg_errno(errp, osErrno, "%s", message)}: the message gets
   * {@code ": " + strerror(osErrno)} appended when {@code osErrno != 0}.
   */
  public void setgErrno(int osErrno, String message) {
    String m = osErrno != 0 ? message + ": " + Strerror.strerror(osErrno) : message;
    set(new QemuError(m, osErrno, ""));
  }

  /** {@code error_prepend(errp, "%s", prefix)}: no-op when no error is held. */
  public void prepend(String prefix) {
    if (err != null) {
      err = err.withMessage(prefix + err.message());
    }
  }

  /** {@code error_append_hint(errp, "%s", hint)}: no-op when no error is held. */
  public void appendHint(String hint) {
    if (err != null) {
      err = err.withHint(hint);
    }
  }

  /** {@code error_propagate(dst, *this)} then {@code *this = NULL}. */
  public void propagateTo(Errp dst) {
    if (err != null) {
      QemuError e = err;
      err = null;
      dst.set(e);
    }
  }

  /** {@code error_free(err); err = NULL;}. */
  public void free() {
    err = null;
  }

  /** {@code *errp != NULL}. */
  public boolean isSet() {
    return err != null;
  }

  public Optional<QemuError> get() {
    return Optional.ofNullable(err);
  }

  /** {@code error_get_pretty(*errp)}; throws if no error is held. */
  public String pretty() {
    if (err == null) {
      throw new IllegalStateException("no error is set");
    }
    return err.pretty();
  }

  private void set(QemuError e) {
    switch (kind) {
      case NONE -> { }
      case ABORT -> throw new IllegalStateException("error_abort: " + e.message());
      case LOCAL -> {
        if (err != null) {
          throw new IllegalStateException("error set twice: '" + err.message()
              + "' then '" + e.message() + "'");
        }
        err = e;
      }
    }
  }

  @Override
  public String toString() {
    return err == null ? "Errp(" + kind + ", none)" : "Errp(" + kind + ", " + err.message() + ")";
  }
}
