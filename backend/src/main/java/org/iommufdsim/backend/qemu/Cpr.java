package org.iommufdsim.backend.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.iommufdsim.backend.os.Libc;

/**
 * The part of {@code migration/cpr.c} (checkpoint/restart) the backend touches: whether this
 * process is the incoming side of a CPR transfer, and the list of file descriptors preserved
 * across it, keyed by object name and index. The list is ordered like QEMU's
 * ({@code QLIST_INSERT_HEAD}: newest first); lookups take the first match.
 */
public final class Cpr {
  /** One preserved fd ({@code CprFd}). */
  public record CprFd(String name, int id, int fd) {
    public CprFd {
      Objects.requireNonNull(name);
    }
  }

  private final Libc libc;
  private final List<CprFd> fds = new ArrayList<>();
  private boolean incoming;

  public Cpr(Libc libc) {
    this.libc = libc;
  }

  /** {@code cpr_is_incoming()}. */
  public boolean cprIsIncoming() {
    return incoming;
  }

  /** Makes this process the incoming side of a CPR transfer, or not. */
  public void setIncoming(boolean on) {
    incoming = on;
  }

  /** {@code cpr_save_fd(name, id, fd)}. */
  public void cprSaveFd(String name, int id, int fd) {
    fds.addFirst(new CprFd(name, id, fd));
  }

  /** {@code cpr_delete_fd(name, id)}: removes the first match, if any. */
  public void cprDeleteFd(String name, int id) {
    for (int i = 0; i < fds.size(); i++) {
      if (fds.get(i).name().equals(name) && fds.get(i).id() == id) {
        fds.remove(i);
        return;
      }
    }
  }

  /** {@code cpr_find_fd(name, id)}: the saved fd, or {@code -1}. */
  public int cprFindFd(String name, int id) {
    for (CprFd f : fds) {
      if (f.name().equals(name) && f.id() == id) {
        return f.fd();
      }
    }
    return -1;
  }

  /**
   * {@code cpr_open_fd(path, flags, name, id, errp)}: the saved fd if there is one, else a
   * fresh {@code qemu_open()} whose fd is then saved.
   */
  public int cprOpenFd(String path, String name, int id, Errp errp) {
    int fd = cprFindFd(name, id);
    if (fd < 0) {
      fd = Osdep.qemuOpen(libc, path, errp);
      if (fd >= 0) {
        cprSaveFd(name, id, fd);
      }
    }
    return fd;
  }

  /** The preserved fds, newest first. */
  public List<CprFd> fds() {
    return List.copyOf(fds);
  }
}
