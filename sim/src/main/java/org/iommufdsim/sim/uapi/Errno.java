package org.iommufdsim.sim.uapi;

import java.util.Optional;

/** Linux errno values (x86-64 / asm-generic numbering), as user space sees them. */
public enum Errno {
  EPERM(1), ENOENT(2), ESRCH(3), EINTR(4), EIO(5), ENXIO(6), E2BIG(7), ENOEXEC(8), EBADF(9),
  ECHILD(10), EAGAIN(11), ENOMEM(12), EACCES(13), EFAULT(14), ENOTBLK(15), EBUSY(16), EEXIST(17),
  EXDEV(18), ENODEV(19), ENOTDIR(20), EISDIR(21), EINVAL(22), ENFILE(23), EMFILE(24), ENOTTY(25),
  ETXTBSY(26), EFBIG(27), ENOSPC(28), ESPIPE(29), EROFS(30), EMLINK(31), EPIPE(32), EDOM(33),
  ERANGE(34), EDEADLK(35), ENAMETOOLONG(36), ENOLCK(37), ENOSYS(38), ENOTEMPTY(39), ELOOP(40),
  ENOMSG(42), EIDRM(43), EBADE(52), EBADR(53), ENODATA(61), ETIME(62), ENOSR(63), ENOLINK(67),
  EPROTO(71), EBADMSG(74), EOVERFLOW(75), EBADFD(77), EILSEQ(84), EUSERS(87), ENOTSOCK(88),
  EMSGSIZE(90), EPROTOTYPE(91), ENOPROTOOPT(92), EPROTONOSUPPORT(93), EOPNOTSUPP(95),
  EADDRINUSE(98), EADDRNOTAVAIL(99), ENETDOWN(100), ENOBUFS(105), ETIMEDOUT(110), EALREADY(114),
  EINPROGRESS(115), EDQUOT(122), ECANCELED(125), EOWNERDEAD(130), ENOTRECOVERABLE(131);

  /** EDEADLOCK is an alias of EDEADLK on x86 and asm-generic. */
  public static final Errno EDEADLOCK = EDEADLK;

  private final int number;

  Errno(int number) {
    this.number = number;
  }

  /** The positive errno number. */
  public int number() {
    return number;
  }

  public static Optional<Errno> byNumber(int number) {
    for (Errno e : values()) {
      if (e.number == number) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Accepts the canonical names and the aliases (EDEADLOCK, ENOTSUP, EWOULDBLOCK). */
  public static Optional<Errno> byName(String name) {
    switch (name) {
      case "EDEADLOCK" -> {
        return Optional.of(EDEADLK);
      }
      case "ENOTSUP" -> {
        return Optional.of(EOPNOTSUPP);
      }
      case "EWOULDBLOCK" -> {
        return Optional.of(EAGAIN);
      }
      default -> {
        for (Errno e : values()) {
          if (e.name().equals(name)) {
            return Optional.of(e);
          }
        }
        return Optional.empty();
      }
    }
  }
}
