package org.iommufdsim.backend.qemu;

import org.iommufdsim.backend.os.Libc;

/** Ports of the {@code util/osdep.c} helpers the backend uses. */
public final class Osdep {
  private Osdep() {}

  /**
   * Port of {@code qemu_open(name, flags, errp)} ({@code util/osdep.c}): opens the file (the
   * simulated host has one mode, {@code O_RDWR|O_CLOEXEC}); on failure reports
   * {@code "Could not open '%s'"} with the errno.
   */
  public static int qemuOpen(Libc libc, String name, Errp errp) {
    int fd = libc.open(name);
    if (fd < 0) {
      errp.setgErrno(libc.errno(), "Could not open '" + name + "'");
    }
    return fd;
  }
}
