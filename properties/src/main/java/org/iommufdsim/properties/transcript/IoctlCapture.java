package org.iommufdsim.properties.transcript;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * What an ioctl's argument held before the call: the struct (found from the request number),
 * the trailing bytes its {@code size} declares, and the pointed-to data the transcript's
 * convenience forms need. Everything is read with {@link SafeMemory}.
 */
final class IoctlCapture {
  /** The zeroed buffer a {@code ioctl request=N} step points at has this many bytes. */
  static final int RAW_BUFFER = 64;
  /** Trailing bytes past the struct kept for rendering ({@code trailing=0x...}). */
  static final int MAX_TRAILING = 256;
  /** The largest user buffer the runner's convenience forms can stand for. */
  static final long MAX_OUT_BUFFER = 1L << 20;

  private IoctlCapture() {}

  /** The bytes to capture at {@code arg}, before and after. */
  static int length(UserMemory mem, long pageSize, IoctlDef def, long arg) {
    if (def == null) {
      return RAW_BUFFER;
    }
    CStruct s = def.struct();
    if (s == null) {
      return 0;
    }
    Optional<CField> size = sizeField(s);
    long declared = 0;
    if (size.isPresent()) {
      byte[] head = SafeMemory.prefix(mem, pageSize, arg, 4);
      declared = head.length == 4 ? size.get().get(head) : 0;
    }
    long extra = declared > s.size() ? Math.min(declared - s.size(), MAX_TRAILING) : 0;
    return (int) (s.size() + extra);
  }

  /** The struct's leading {@code size} (iommufd) or {@code argsz} (VFIO) field, if any. */
  static Optional<CField> sizeField(CStruct s) {
    return s.fields().stream()
        .filter(f -> f.offset() == 0 && (f.path().equals("size") || f.path().equals("argsz")))
        .findFirst();
  }

  /** {@code image} padded with zeroes to at least {@code n} bytes, for reading fields. */
  static byte[] padded(byte[] image, int n) {
    return image.length >= n ? image : Arrays.copyOf(image, n);
  }

  /** The pointed-to input data of the struct in {@code image}; empty when there is none. */
  static byte[] pointee(UserMemory mem, long pageSize, IoctlDef def, byte[] image) {
    if (def == null || def.struct() == null) {
      return new byte[0];
    }
    CStruct s = def.struct();
    byte[] st = padded(image, s.size());
    return switch (def.name()) {
      case "IOMMU_HWPT_ALLOC", "IOMMU_VIOMMU_ALLOC" -> SafeMemory.prefix(mem, pageSize,
          get(s, st, "data_uptr"), get(s, st, "data_len"));
      case "IOMMU_HWPT_INVALIDATE" -> SafeMemory.prefix(mem, pageSize, get(s, st, "data_uptr"),
          get(s, st, "entry_len") * get(s, st, "entry_num"));
      case "IOMMU_IOAS_ALLOW_IOVAS" -> SafeMemory.prefix(mem, pageSize,
          get(s, st, "allowed_iovas"), 16 * get(s, st, "num_iovas"));
      default -> new byte[0];
    };
  }

  /** Whether the buffer an ioctl writes its pointed-to output into is wholly mapped. */
  static boolean outBufferMapped(UserMemory mem, IoctlDef def, byte[] image) {
    if (def == null || def.struct() == null) {
      return false;
    }
    CStruct s = def.struct();
    byte[] st = padded(image, s.size());
    return switch (def.name()) {
      case "IOMMU_IOAS_IOVA_RANGES" -> bounded(mem, get(s, st, "allowed_iovas"),
          16 * get(s, st, "num_iovas"));
      case "IOMMU_GET_HW_INFO" -> bounded(mem, get(s, st, "data_uptr"), get(s, st, "data_len"));
      case "IOMMU_HWPT_GET_DIRTY_BITMAP" -> bounded(mem, get(s, st, "data"), bitmapBytes(s, st));
      default -> false;
    };
  }

  /**
   * The bytes of the dirty bitmap the kernel fills for the struct in {@code st}: one bit per
   * {@code page_size} of {@code length}, in whole 64-bit words; -1 when the request is not
   * sensible enough to say.
   */
  static long bitmapBytes(CStruct s, byte[] st) {
    long pageSize = get(s, st, "page_size");
    long length = get(s, st, "length");
    if (pageSize == 0 || (pageSize & (pageSize - 1)) != 0 || length == 0) {
      return -1;
    }
    long pages = Long.divideUnsigned(length, pageSize)
        + (Long.remainderUnsigned(length, pageSize) == 0 ? 0 : 1);
    long words = Long.divideUnsigned(pages, 64) + (pages % 64 == 0 ? 0 : 1);
    return Long.compareUnsigned(words, MAX_OUT_BUFFER / 8) > 0 ? -1 : words * 8;
  }

  private static boolean bounded(UserMemory mem, long addr, long length) {
    return addr != 0 && length > 0 && length <= MAX_OUT_BUFFER
        && SafeMemory.mapped(mem, addr, length);
  }

  private static long get(CStruct s, byte[] st, String field) {
    return s.field(field).get(st);
  }

  /** Every ioctl of the uAPI by request number (the first of any two that share one). */
  private static final Map<Long, IoctlDef> BY_REQUEST = byRequest();

  private static Map<Long, IoctlDef> byRequest() {
    Map<Long, IoctlDef> m = new TreeMap<>();
    Uapi.ioctls().forEach(d -> m.putIfAbsent(d.request(), d));
    return Collections.unmodifiableMap(m);
  }

  /** The ioctl of a request number, or null when the uAPI does not know it. */
  static IoctlDef def(long request) {
    return BY_REQUEST.get(request);
  }
}
