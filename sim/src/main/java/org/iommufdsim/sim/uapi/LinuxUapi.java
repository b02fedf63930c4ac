package org.iommufdsim.sim.uapi;

/** The handful of generic Linux constants the surface uses: mmap, poll, open. */
public final class LinuxUapi {
  public static final UapiRegistry REG = new UapiRegistry("include/uapi/asm-generic/*.h");

  public static final long PROT_NONE = REG.flag("mmap_prot", "PROT_NONE", 0x0);
  public static final long PROT_READ = REG.flag("mmap_prot", "PROT_READ", 0x1);
  public static final long PROT_WRITE = REG.flag("mmap_prot", "PROT_WRITE", 0x2);
  public static final long PROT_EXEC = REG.flag("mmap_prot", "PROT_EXEC", 0x4);

  public static final long MAP_SHARED = REG.flag("mmap_flags", "MAP_SHARED", 0x01);
  public static final long MAP_PRIVATE = REG.flag("mmap_flags", "MAP_PRIVATE", 0x02);
  public static final long MAP_FIXED = REG.flag("mmap_flags", "MAP_FIXED", 0x10);
  public static final long MAP_ANONYMOUS = REG.flag("mmap_flags", "MAP_ANONYMOUS", 0x20);

  public static final long POLLIN = REG.flag("poll_events", "POLLIN", 0x0001);
  public static final long POLLPRI = REG.flag("poll_events", "POLLPRI", 0x0002);
  public static final long POLLOUT = REG.flag("poll_events", "POLLOUT", 0x0004);
  public static final long POLLERR = REG.flag("poll_events", "POLLERR", 0x0008);
  public static final long POLLHUP = REG.flag("poll_events", "POLLHUP", 0x0010);
  public static final long POLLNVAL = REG.flag("poll_events", "POLLNVAL", 0x0020);
  public static final long POLLRDNORM = REG.flag("poll_events", "POLLRDNORM", 0x0040);
  public static final long POLLWRNORM = REG.flag("poll_events", "POLLWRNORM", 0x0100);

  public static final long MFD_CLOEXEC = REG.flag("memfd_flags", "MFD_CLOEXEC", 0x0001);

  public static final long UINT8_MAX = REG.c("limits", "UINT8_MAX", 0xffL);
  public static final long UINT16_MAX = REG.c("limits", "UINT16_MAX", 0xffffL);
  public static final long UINT32_MAX = REG.c("limits", "UINT32_MAX", 0xffffffffL);
  public static final long UINT64_MAX = REG.c("limits", "UINT64_MAX", -1L);
  public static final long INT32_MAX = REG.c("limits", "INT32_MAX", 0x7fffffffL);
  public static final long SIZE_MAX = REG.c("limits", "SIZE_MAX", -1L);
  public static final long ULONG_MAX = REG.c("limits", "ULONG_MAX", -1L);

  private LinuxUapi() {}
}
