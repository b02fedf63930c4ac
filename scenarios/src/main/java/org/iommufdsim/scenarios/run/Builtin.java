package org.iommufdsim.scenarios.run;

import java.util.List;
import java.util.Optional;

/**
 * The calls that are not named ioctls (the raw {@code ioctl request=N} is one of them), with
 * their synopsis, the fields they take and whether they act on an fd (a target, or
 * {@code $iommufd} without one).
 */
enum Builtin {
  OPEN("open", "open \"PATH\"", List.of(), false),
  CLOSE("close", "[$fd:] close", List.of(), true),
  READ("read", "$fd: read count=N", List.of("count"), true),
  WRITE("write", "$fd: write STRUCT{...} ... [count=N]", List.of("count"), true),
  POLL("poll", "$fd: poll [events=E]", List.of("events"), true),
  MMAP("mmap", "mmap length=N [fd=$memfd offset=N] [prot=P]",
      List.of("length", "fd", "offset", "prot"), false),
  MUNMAP("munmap", "munmap addr=A length=N", List.of("addr", "length"), false),
  MEMFD_CREATE("memfd_create", "memfd_create \"name\" size=N", List.of("size"), false),
  FAIL_NTH("fail_nth", "fail_nth n=N", List.of("n"), false),
  IOCTL("ioctl", "[$fd:] ioctl request=N [arg=VALUE]", List.of("request", "arg"), true);

  final String spelling;
  final String usage;
  final List<String> fields;
  final boolean actsOnFd;

  Builtin(String spelling, String usage, List<String> fields, boolean actsOnFd) {
    this.spelling = spelling;
    this.usage = usage;
    this.fields = fields;
    this.actsOnFd = actsOnFd;
  }

  static Optional<Builtin> named(String name) {
    for (Builtin b : values()) {
      if (b.spelling.equals(name)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
