package org.iommufdsim.properties.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the renderer knows while it walks the calls, as the runner will know it while it replays
 * them: which fds have a variable, what kind of file an fd is (so that reads decode), which IDs
 * name vIOMMUs (so that invalidation entries lay out), and the mappings made so far.
 */
final class State {
  /** A fault queue's fd, or a vEVENTQ's with its type. */
  record Kind(boolean fault, long veventqType) {}

  /** A successful mmap: {@code $map<index>} covers {@code [start, start+length)}. */
  record Mapping(long start, long length) {
    boolean contains(long addr) {
      return Long.compareUnsigned(addr, start) >= 0
          && Long.compareUnsigned(addr - start, length) < 0;
    }
  }

  private final long pageSize;
  private final Set<Long> fds = new TreeSet<>();
  private final Map<Long, Kind> kinds = new TreeMap<>();
  private final Set<Long> viommus = new TreeSet<>();
  final List<Mapping> maps = new ArrayList<>();
  /** Mappings that hold the process's data, not just its structs: see {@link #scan}. */
  private final Set<Integer> dataMappings = new TreeSet<>();

  State(long pageSize) {
    this.pageSize = pageSize;
  }

  long pageSize() {
    return pageSize;
  }

  // ---- fds ----

  static String fdVar(long fd) {
    return "$fd" + fd;
  }

  boolean hasVar(long fd) {
    return fds.contains(fd);
  }

  /** The outcome value that binds (or, once bound, checks) fd's variable. */
  String bindFd(long fd) {
    fds.add(fd);
    return fdVar(fd);
  }

  /** An fd as an argument: its variable when it has one, else the number. */
  String fdValue(long fd, int width, boolean signed) {
    return hasVar(fd) ? fdVar(fd) : Text.literal(fd, width, signed);
  }

  Optional<Kind> kind(long fd) {
    return Optional.ofNullable(kinds.get(fd));
  }

  void setKind(long fd, Kind k) {
    kinds.put(fd, k);
  }

  void closed(long fd) {
    kinds.remove(fd);
  }

  // ---- vIOMMU IDs, tracked as the runner tracks them ----

  boolean isViommu(long id) {
    return viommus.contains(id);
  }

  void noteId(String field, long id) {
    if (field.equals("out_viommu_id")) {
      viommus.add(id);
    } else {
      viommus.remove(id);
    }
  }

  void noteDestroyed(long id) {
    viommus.remove(id);
  }

  // ---- mappings ----

  /**
   * Notes, before rendering, which mappings hold data the process shares with the kernel:
   * file-backed ones, read-only ones (what the kernel may not write there matters), and those a
   * {@code user_va}, {@code uptr} or {@code vaddr} points into. A
   * buffer the kernel writes into such a mapping is given as a pointer, not as a fresh buffer
   * of the runner's ({@code bitmap_bytes=N}), since a later call may read what was written.
   */
  void scan(List<Call> calls) {
    State probe = new State(pageSize);
    for (Call c : calls) {
      switch (c) {
        case Call.Mmap m when m.result().isOk() -> {
          int k = probe.addMapping(m.result().value(), m.length());
          if ((m.flags() & 0x20) == 0 || (m.prot() & 0x2) == 0) {
            dataMappings.add(k);
          }
        }
        case Call.Ioctl io when io.def() != null && io.def().struct() != null -> {
          byte[] img = IoctlCapture.padded(io.before(), io.def().struct().size());
          io.def().struct().fields().stream()
              .filter(f -> Structs.isDataPointer(f) && f.end() <= io.before().length)
              .map(f -> probe.mappingOf(f.get(img))).filter(k -> k >= 0)
              .forEach(dataMappings::add);
        }
        default -> { }
      }
    }
  }

  /** Whether {@code addr} lies in a mapping {@link #scan} found to hold shared data. */
  boolean inDataMapping(long addr) {
    return dataMappings.contains(mappingOf(addr));
  }

  int addMapping(long start, long length) {
    long rounded = ((length + pageSize - 1) / pageSize) * pageSize;
    maps.add(new Mapping(start, rounded));
    return maps.size() - 1;
  }

  /** The mapping that holds {@code addr} (the latest, should two ever overlap), or -1. */
  int mappingOf(long addr) {
    for (int i = maps.size() - 1; i >= 0; i--) {
      if (maps.get(i).contains(addr)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A user pointer: {@code $mapK+OFFSET} inside a mapping (noted in {@code refs}), else the
   * literal address.
   */
  String pointer(long addr, Set<Integer> refs) {
    int i = mappingOf(addr);
    if (i < 0) {
      return Text.literal(addr);
    }
    refs.add(i);
    long off = addr - maps.get(i).start();
    return "$map" + i + (off == 0 ? "" : "+0x" + Long.toHexString(off));
  }
}
